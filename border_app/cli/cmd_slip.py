"""``border-app slip``: an attestation slip as a PDF file.

* ``slip --demo --out FILE.pdf [--size 80mm|a6|a4] [--kind registration|screening]`` — a
  signed TEST slip for a fictitious traveller, to check a printer's alignment. No sign-in:
  it signs with the demo profile's keys when the demo keystore exists (unlocked with the
  public demo password), else with a one-time key, and says which.
* ``slip RECORD_ID --kind registration|screening --size 80mm|a6|a4 --out FILE.pdf
  [--duplicate]`` — signed-in user with ``PRINT_SLIP`` (``REPRINT_SLIP`` for a
  DUPLICATA); the print is written to the audit trail.

The PDF is written atomically. :func:`demo_slip` and :func:`record_slip` do the work and
return the PDF bytes and the QR text, for the GUI and for tests.
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, KeyStoreError
from ..i18n import _

SIZES = ("80mm", "a6", "a4")
KINDS = ("registration", "screening")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "slip", help=_("print an attestation slip to a PDF file"),
        description=_("Render a signed attestation slip (registration or health screening) as a PDF file."))
    parser.add_argument("record_id", nargs="?", metavar="RECORD_ID",
                        help=_("the registration (crossing) identifier; omit it with --demo"))
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help=_("a signed test slip for a fictitious traveller (printer alignment check)"))
    parser.add_argument("--kind", choices=KINDS, default="registration", help=_("which attestation (default: registration)"))
    parser.add_argument("--size", choices=SIZES, default=None,
                        help=_("paper: 80mm thermal roll, A6 or A4 (default: the post's setting)"))
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    parser.add_argument("--duplicate", action="store_true", help=_("reprint: marked DUPLICATA (needs the reprint right)"))
    parser.add_argument("--language", choices=("fr+en", "fr", "en"), default=None,
                        help=_("slip languages (default: the post's setting, French and English)"))
    parser.set_defaults(func=run)


def _settings(ctx):
    from ..settings import Settings

    path = ctx.profile.settings
    return Settings(path if path.exists() else None)


def _languages(value: str) -> tuple[str, ...]:
    return tuple(value.split("+"))


def serial_for(kind: str, record_id: str, issued_at: datetime) -> str:
    """A short printed serial: kind letter, issue date, 6 hex of the record id
    (``R250312-4F2A9C``). A reprint on the same day carries the same serial."""
    tag = hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:6].upper()
    return "{letter}{stamp}-{tag}".format(letter="R" if kind == "registration" else "S",
                                           stamp=issued_at.strftime("%y%m%d"), tag=tag)


class EphemeralKeys:
    """A one-time Ed25519 key for test slips when no demo keystore exists (never stored)."""

    def __init__(self, post_id: str = "demo-ephemeral"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        from ..slip_payload import key_id_for

        self._key = Ed25519PrivateKey.generate()
        self.signing_public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.signing_key_id = key_id_for(self.signing_public_key)
        self.post_id = post_id

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(bytes(data))


def demo_keys(ctx) -> tuple[Any, str]:
    """(keys, how): the demo keystore's keys, or a one-time key."""
    path = ctx.profile.keystore if ctx.demo else None
    if path is not None and path.exists():
        try:
            from db.demo import DEMO_PASSWORD

            from ..keys import Keystore

            store = Keystore.load(path)
            for slot in store.slot_ids()[:3]:
                try:
                    return store.unlock(slot, DEMO_PASSWORD), "keystore"
                except KeyStoreError:
                    continue
        except Exception:  # noqa: BLE001 - fall back to a one-time key, and say so
            pass
    return EphemeralKeys(), "ephemeral"


def demo_slip_data(kind: str, issued_at: datetime):
    from printing.slips import SlipData

    try:
        from db.demo import DEMO_PCODE, DEMO_POST_NAME
    except Exception:  # noqa: BLE001
        DEMO_POST_NAME, DEMO_PCODE = "Poste de démonstration — Makalondi", "NE006013"
    record_id = "00000000-0000-4000-8000-000000000000"
    return SlipData(
        post_name=DEMO_POST_NAME, post_pcode=DEMO_PCODE, issued_at=issued_at,
        serial=serial_for(kind, record_id, issued_at),
        surname="EXEMPLE-DÉMO", given_names="Aïchatou Françoise",
        birth_date="1990", birth_date_approximate=True, nationality="NER",
        document_type="id_card", document_number="DEMO12345",
        screening_outcome="cleared" if kind == "screening" else None,
        direction="entry", record_id=record_id,
    )


def demo_slip(ctx, *, kind: str, size: str, languages: tuple[str, ...]) -> tuple[bytes, str, str]:
    """(PDF, QR text, how the key was obtained: "keystore" | "ephemeral")."""
    from printing.slips import make_slip

    keys, how = demo_keys(ctx)
    issued = datetime.now(timezone.utc).replace(microsecond=0)
    data = demo_slip_data(kind, issued)
    pdf, qr = make_slip(data, kind=kind, size=size, keys=keys, post_id=getattr(keys, "post_id", "demo"),
                        demo=True, languages=languages)
    return pdf, qr, how


def _photo_bytes(ctx, ref: str | None) -> bytes | None:
    if not ref:
        return None
    root = ctx.profile.photos.resolve()
    path = (root / ref).resolve()
    if root not in path.parents or not path.is_file():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def record_slip(ctx, record_id: str, *, kind: str, size: str, languages: tuple[str, ...],
                duplicate: bool) -> tuple[bytes, str]:
    """Sign in, read the registration, sign and render its slip, audit the print."""
    from db.services import PostService, RegistrationService
    from printing.slips import SlipData, make_slip

    from ..roles import Permission, require

    actor = ctx.login(Permission.PRINT_SLIP)
    if duplicate:
        require(actor.role, Permission.REPRINT_SLIP)
    if actor.keys is None:
        raise KeyStoreError(_("Your account holds no key slot: it cannot sign slips. Ask the post administrator."))
    db = ctx.database()
    registration = RegistrationService(db, actor).get(record_id)
    if registration.voided:
        raise InvalidInput(_("This registration was voided: no slip can be printed for it."))
    if kind == "screening" and not registration.screening_outcome:
        raise InvalidInput(_("No health screening is recorded for this registration."))
    post = PostService(db).get_post()
    issued = datetime.now(timezone.utc).replace(microsecond=0)
    data = SlipData.from_registration(
        registration, post_name=post.name if post else actor.post_id, post_pcode=post.pcode if post else None,
        serial=serial_for(kind, registration.crossing_id, issued), issued_at=issued,
        photo=_photo_bytes(ctx, registration.person.photo_ref))
    pdf, qr = make_slip(data, kind=kind, size=size, keys=actor.keys, post_id=actor.post_id,
                        demo=bool(actor.demo or ctx.demo), duplicate=duplicate, languages=languages)
    _audit_print(db, actor, registration.crossing_id, kind=kind, duplicate=duplicate)
    return pdf, qr


def _audit_print(db, actor, crossing_id: str, *, kind: str, duplicate: bool) -> None:
    from db.services import audit

    action = ("reprint_" if duplicate else "print_") + ("registration_slip" if kind == "registration" else "screening_slip")
    with db.session(write=True) as s:
        audit(s, post_id=actor.post_id, user_id=actor.user_id, action=action, entity="crossing", entity_id=crossing_id)


def _write(path: str, data: bytes) -> Path:
    from ..atomic import atomic_write

    out = Path(path).expanduser()
    if out.is_dir():
        raise InvalidInput(_("{path} is a folder: give a file name ending in .pdf").format(path=out))
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {path} does not exist.").format(path=out.parent))
    atomic_write(out, data, mode=0o600)
    return out


def run(args, ctx) -> int:
    settings = _settings(ctx)
    size = args.size or settings.slip_size
    languages = _languages(args.language or settings.slip_language)
    if ctx.demo and not args.record_id:
        pdf, qr, how = demo_slip(ctx, kind=args.kind, size=size, languages=languages)
        out = _write(args.out, pdf)
        print(_("Test slip written to {path} ({size}, {kind}).").format(path=out, size=size, kind=args.kind))
        if how == "keystore":
            print(_("Signed with the demo post's key."))
        else:
            print(_("No demo keystore found: signed with a one-time test key (the code will show as unknown key)."))
        return 0
    if not args.record_id:
        raise InvalidInput(_("Give the registration's identifier (RECORD_ID), or --demo for a test slip."))
    pdf, _qr = record_slip(ctx, args.record_id, kind=args.kind, size=size, languages=languages,
                           duplicate=args.duplicate)
    out = _write(args.out, pdf)
    print(_("Slip written to {path}.").format(path=out))
    return 0
