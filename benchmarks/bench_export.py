"""Export of a post's bundle for the coordination (issue #20): ``$BENCH_CROSSINGS`` (default
100,000) crossings with their persons and documents, made through the application layer
(``RegistrationService.register_all`` in batches, as ``border-app register --from`` does;
never raw SQL), then a full export through the use case ``export_bundle`` (read in one
snapshot, JSON Lines, compress, sign, encrypt, atomic write, read back and check).

Prints side by side: the time of the export (target <= 10 s on 2 cores), the bundle's size
and its size per 1,000 crossings, and, as the floor, the time of only reading the same rows
from the database; then a incremental export of 1,000 new crossings and the "nothing new"
answer.

    python benchmarks/bench_export.py
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_CROSSINGS", "100000"))
#: keep the seeded post there and re-use it on the next run (seeding 100,000 through the
#: application layer takes minutes); default: a temporary folder, removed at the end
BENCH_DIR = os.environ.get("BENCH_DIR")
BATCH = 2000
TARGET_S = 10.0


def seed(db, prof, work: Path) -> None:
    """The post, its accounts, the pinned coordination key, and N crossings through the
    application layer."""
    from border_app.demo import generate_travellers
    from border_app.keys import KdfParams, Keystore
    from border_app.roles import Role
    from db.services import AuthService, PostService, RegistrationService, UserService

    admin = PostService(db).setup_post(name="Poste de Makalondi", pcode="NE006013", language="fr",
                                       admin_username="chef", admin_full_name="Chef", admin_password="pw-bench",
                                       kdf=KdfParams.TEST)
    UserService(db, admin).create_user(username="agent", full_name="Agent", role=Role.BORDER_OFFICIAL,
                                       password="pw-bench")
    UserService(db, admin).create_user(username="sup", full_name="Superviseur", role=Role.SUPERVISOR,
                                       password="pw-bench")
    Keystore.create(work / "coord.json", post_id="coordination", coordination=True, kdf=KdfParams(1, 1024, 1),
                    first_slot=("c", "pw"))
    Keystore.load(prof.keystore).pin_coordination(Keystore.load(work / "coord.json").coordination_public_keys(),
                                                  AuthService(db).login("chef", "pw-bench").keys)
    service = RegistrationService(db, AuthService(db).login("agent", "pw-bench"))
    t = time.perf_counter()
    # the official confirms the generator's expired or mistyped documents, as at the desk
    source = (dataclasses.replace(d, confirmed_invalid=True, confirmed_expired=True)
              for d in generate_travellers(N, seed=20))
    made = 0
    while True:
        chunk = list(itertools.islice(source, BATCH))
        if not chunk:
            break
        made += len(service.register_all(chunk))
    print(f"seeded {made:,} crossings through RegistrationService.register_all in {time.perf_counter() - t:.1f} s")
    (work / "seeded").write_text(str(made))


def main() -> int:
    work = Path(BENCH_DIR) if BENCH_DIR else Path(tempfile.mkdtemp(prefix="bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BORDER_APP_HOME"] = str(work / "home")
    from argon2 import PasswordHasher

    from border_app.demo import generate_travellers
    from border_app.paths import profile
    from border_app.usecases.export_bundle import export_bundle
    from db import open_database, passwords
    from db.exports import ExportService
    from db.services import AuthService, RegistrationService

    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    prof = profile().ensure()
    db = open_database(prof.database_url, profile=prof)
    try:
        if not (work / "seeded").exists():
            seed(db, prof, work)
        else:
            print(f"re-using the post seeded in {work} ({(work / 'seeded').read_text()} crossings)")
        sup = AuthService(db).login("sup", "pw-bench")
        stick = work / "usb"
        shutil.rmtree(stick, ignore_errors=True)
        stick.mkdir()
        # the floor: only reading the same rows in one snapshot
        t = time.perf_counter()
        with ExportService(db, sup).snapshot(full=True) as snap:
            rows = sum(sum(1 for _r in snap.records[e]) for e in snap.records)
        read_s = time.perf_counter() - t

        t = time.perf_counter()
        result = export_bundle(db, sup, stick, full=True)
        export_s = time.perf_counter() - t
        crossings = result.counts["crossings"]
        per_1000 = result.size / max(1, crossings) * 1000
        print()
        print(f"{'':34}{'seconds':>10}{'records':>12}")
        print(f"{'read the rows only (floor)':34}{read_s:10.2f}{rows:12,}")
        print(f"{'full export (use case)':34}{export_s:10.2f}{sum(result.counts.values()):12,}"
              f"   target <= {TARGET_S:.0f} s: {'met' if export_s <= TARGET_S else 'NOT met'}")
        print(f"{'ratio export / read':34}{export_s / read_s:10.1f}")
        print(f"bundle {result.bundle.name}: {result.size / 1e6:.2f} MB, {per_1000 / 1e3:.1f} kB per 1,000 crossings "
              f"(counts {result.counts})")
        if os.environ.get("BENCH_INCREMENTAL", "1") == "1" and not BENCH_DIR:
            service = RegistrationService(db, AuthService(db).login("agent", "pw-bench"))
            service.register_all([dataclasses.replace(d, confirmed_invalid=True, confirmed_expired=True)
                                  for d in generate_travellers(1000, seed=21)])
            t = time.perf_counter()
            inc = export_bundle(db, sup, stick)
            print(f"incremental export of {inc.counts['crossings']:,} new crossings: {time.perf_counter() - t:.2f} s, "
                  f"{inc.size / 1e3:.0f} kB, records {inc.from_seq + 1}..{inc.to_seq}")
        t = time.perf_counter()
        none = export_bundle(db, sup, stick)
        print(f"then nothing new: bundle={none.bundle} in {time.perf_counter() - t:.3f} s")
        print(f"CPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    finally:
        db.dispose()
        if not BENCH_DIR:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
