"""Helpers of the coordination tests: a fresh PostgreSQL database per test, post and
coordination keystores, bundles written with ``border_app.bundles.write_bundle``, table
checksums."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from border_app.bundles import ENTITIES, bundle_file_name, write_bundle
from border_app.keys import KdfParams, Keystore
from border_app.roles import Role

PG_ENV = "BORDER_APP_TEST_PG_URL"
FAST = KdfParams(1, 1024, 1)


def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must run the PostgreSQL tests (./dev test)", pytrace=False)
        pytest.skip(f"{PG_ENV} not set (PostgreSQL tests run in CI and with ./dev test)")
    return url


def admin_engine(url: str):
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


def database_url(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def create_database(url: str, name: str) -> str:
    from sqlalchemy import text

    engine = admin_engine(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return database_url(url, name)


def drop_database(url: str, name: str) -> None:
    """Drop the test database; retried while an autovacuum worker (which the test role may
    not terminate) still works in it."""
    import time

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = admin_engine(url)
    try:
        for attempt in range(40):
            try:
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 39:
                    raise
                time.sleep(0.25)
    finally:
        engine.dispose()


@dataclass
class Coordinator:
    """What the use case needs of a signed-in coordinator."""

    keys: object
    role: Role = Role.COORDINATOR
    user_id: str = "coordinator-1"
    post_id: str = "coordination"
    demo: bool = False


def keystore(tmp_path: Path, name: str, *, post_id: str | None = None, coordination: bool = False,
             demo: bool = False):
    return Keystore.create(tmp_path / f"{name}.keys.json", post_id=post_id or str(uuid.uuid4()),
                           coordination=coordination, kdf=FAST, first_slot=("admin", "pw"), demo=demo)


def public_doc(store: Keystore, name: str, pcode: str) -> dict:
    doc = store.public_keys().to_json()
    doc.update(post_name=name, pcode=pcode)
    return doc


AT = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc)


def records_for(seqs: range, *, prefix: str = "", at: dt.datetime = AT, version: int = 0) -> dict[str, list[dict]]:
    """One traveller per 4 counter values of ``seqs`` (person, document, crossing,
    screening with its health section), plus a slip and an audit entry each; ids from
    ``prefix`` and the traveller's number, so that later versions update them."""
    recs: dict[str, list[dict]] = {e: [] for e in ENTITIES}
    for seq in seqs:
        i, kind = divmod(seq - 1, 4)
        pid, did, cid, sid = (f"{prefix}{k}-{i:05d}" for k in "pdcs")
        when = at + dt.timedelta(hours=i)
        if kind == 0:
            recs["persons"].append({"id": pid, "change_seq": seq, "surname": f"ADAMOU{version}", "given_names": "Issa",
                                    "sex": "M", "birth_date": "1990-01-02", "birth_date_approximate": False,
                                    "nationality": "NER" if i % 3 else "MLI", "identity_declared": False,
                                    "created_at": when})
        elif kind == 1:
            recs["documents"].append({"id": did, "change_seq": seq, "person_id": pid, "doc_type": "passport",
                                      "document_code": "P", "number": f"AB{i:06d}", "issuing_state": "NER",
                                      "expiry_date": "2030-01-01", "mrz_format": "TD3", "mrz_valid": True})
        elif kind == 2:
            recs["crossings"].append({"id": cid, "change_seq": seq, "person_id": pid, "document_id": did,
                                      "direction": "entry" if i % 2 else "exit", "crossed_at": when,
                                      "transport_mode": "road", "origin": "NGA", "destination": "NER",
                                      "reason": "trade", "group_size": 1 + version, "recorded_at": when,
                                      "voided": False, "void_reason": None, "confirmed_invalid": False,
                                      "confirmed_expired": False})
            recs["slips"].append({"id": f"{prefix}slip-{i:05d}", "change_seq": seq, "serial": f"S-{i}",
                                  "crossing_id": cid, "screening_id": None, "kind": "registration", "size": "80mm",
                                  "issued_at": when, "duplicate": False, "original_id": None, "copy_no": 0})
        else:
            recs["screenings"].append({"id": sid, "change_seq": seq, "person_id": pid, "crossing_id": cid,
                                       "screened_at": when, "outcome": "cleared",
                                       "protocol_versions": {"ebola": "1"}, "voided": False})
            recs["health"].append({"id": sid, "answers": {"fever": False, "v": version}, "temperature_c": 36.6,
                                   "temperature_method": "infrared", "fired": [], "actions": [],
                                   "referral_destination": None, "referral_notes": None, "certificate": None})
            recs["audit"].append({"id": f"{prefix}a-{i:05d}", "seq": seq, "at": when, "user_id": "u-1",
                                  "action": "create", "entity": "crossing", "entity_id": cid})
    return recs


def write(tmp_path: Path, post_keys, coord_keys, records: dict, *, from_seq: int, to_seq: int, full: bool = False,
          name: str = "Makalondi", pcode: str = "NE003", schema: str = "0005",
          created_at: str = "2026-03-01T10:00:00Z", folder: str = "out") -> Path:
    blob = write_bundle(records, {"schema_version": schema, "post_id": post_keys.post_id, "post_name": name,
                                  "pcode": pcode, "from_seq": from_seq, "to_seq": to_seq, "full": full,
                                  "created_at": created_at, "demo": bool(post_keys.demo)},
                        post_keys, coord_keys.coordination_encryption_public_key,
                        _kid(coord_keys.coordination_encryption_public_key))
    out = tmp_path / folder
    out.mkdir(exist_ok=True)
    path = out / bundle_file_name(pcode, post_keys.post_id, from_seq, to_seq)
    path.write_bytes(blob)
    return path


def _kid(public: bytes) -> str:
    from border_app.keys import key_id

    return key_id(public)


def checksums(db, tables=None) -> dict[str, str]:
    """md5 of every row of each table, in a stable order (``imports`` left out unless asked)."""
    from sqlalchemy import text

    from db.coordination.models import ALL_TABLES

    names = tables or [t for t in ALL_TABLES if t != "imports"]
    out = {}
    with db.engine.connect() as conn:
        for t in names:
            out[t] = conn.execute(text(f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
                                       f"FROM {t} x")).scalar()
    return out


def import_count(db) -> int:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM imports")).scalar()
