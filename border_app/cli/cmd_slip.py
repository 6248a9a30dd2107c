"""``border-app slip``: an attestation slip as a PDF file.

* ``slip --demo --out FILE.pdf [--size 80mm|a6|a4] [--kind registration|screening]`` — a
  signed TEST slip for a fictitious traveller, to check a printer's alignment. No sign-in:
  it signs with the demo profile's keys when the demo keystore exists (unlocked with the
  public demo password), else with a one-time key, and says which.
* ``slip RECORD_ID --kind registration|screening --size 80mm|a6|a4 --out FILE.pdf
  [--duplicate]`` — signed-in user with ``PRINT_SLIP`` (``REPRINT_SLIP`` for a
  DUPLICATA). The serial comes from the post's slip register (``db.slip_services``):
  the first print gets a new serial, a reprint keeps it and is marked DUPLICATA; both
  are written to the audit trail by the register.

The PDF is written atomically. :func:`printer_test_slip` and :func:`issue_slip` do the
work and return the PDF bytes and the QR text, for the GUI and for tests.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import clock
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


def demo_keys(profile, demo: bool) -> tuple[Any, str]:
    """(keys, how): the demo keystore's keys (demo profile only), or a one-time key.
    A real post's key never signs a fictitious traveller."""
    path = profile.keystore if demo and profile is not None else None
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
    from ..slip_data import SlipData

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


def printer_test_slip(profile, demo: bool, *, kind: str, size: str,
              languages: tuple[str, ...]) -> tuple[bytes, str, str]:
    """The signed TEST slip (printer alignment check): (PDF, QR text, how the key was
    obtained: "keystore" | "ephemeral"). Used by ``slip --demo`` and the settings screen."""
    from printing.slips import render_slip

    from ..slip_data import sign_slip_data

    keys, how = demo_keys(profile, demo)
    issued = clock.utcnow().replace(microsecond=0)
    data = demo_slip_data(kind, issued)
    qr = sign_slip_data(data, kind=kind, post_id=getattr(keys, "post_id", "demo"), keys=keys, demo=True)
    pdf = render_slip(data, kind=kind, size=size, languages=languages, demo=True, qr_text=qr)
    return pdf, qr, how


def demo_slip(ctx, *, kind: str, size: str, languages: tuple[str, ...]) -> tuple[bytes, str, str]:
    """:func:`printer_test_slip` for the command line's profile."""
    return printer_test_slip(ctx.profile, ctx.demo, kind=kind, size=size, languages=languages)


def photo_bytes(photos_dir, ref: str | None) -> bytes | None:
    """The traveller's photo from the profile's photos folder (never outside it), or None."""
    if not ref or photos_dir is None:
        return None
    root = Path(photos_dir).resolve()
    path = (root / ref).resolve()
    if root not in path.parents or not path.is_file():
        return None
    try:
        if path.stat().st_size > 15 * 1024 * 1024:
            return None  # the slip prints "photo unreadable" rather than loading a huge file
        return path.read_bytes()
    except OSError:
        return None


@dataclass
class IssuedSlip:
    """A signed, rendered slip and its entry in the slip register."""

    pdf: bytes
    qr_text: str
    serial: str
    kind: str
    duplicate: bool
    crossing_id: str
    name: str
    issue: Any = None


def _screening_outcome(db, actor, crossing_id: str) -> str | None:
    from db.screening_services import ScreeningService

    summary = ScreeningService(db, actor).latest(crossing_id)
    return getattr(summary, "outcome", None) if summary is not None else None


def issue_slip(db, actor, crossing_id: str, *, kind: str, size: str, languages: tuple[str, ...],
               reprint: bool = False, photos_dir=None, demo: bool = False) -> IssuedSlip:
    """Issue (or reprint) the slip of one registration and render it, signed with the
    signed-in user's post key. The slip register (``SlipService``) gives the serial and
    writes the audit entry; a reprint keeps the serial and is marked DUPLICATA.

    Raises ``KeyStoreError`` when the account holds no key slot (nothing is issued then),
    ``InvalidInput`` for a voided registration or a screening slip without a screening,
    ``PermissionDenied`` / ``NotFound`` from the services."""
    from db.services import PostService, RegistrationService
    from db.slip_services import SlipService
    from printing.slips import render_slip

    from ..roles import Permission, require
    from ..slip_data import SlipData, sign_slip_data

    if kind not in KINDS:
        raise InvalidInput(_("Unknown slip kind {kind}.").format(kind=kind))
    require(actor.role, Permission.REPRINT_SLIP if reprint else Permission.PRINT_SLIP)
    if actor.keys is None:
        raise KeyStoreError(_("Your account holds no key slot: it cannot sign slips. Ask the post administrator."))
    registration = RegistrationService(db, actor).get(crossing_id)
    if registration.voided:
        raise InvalidInput(_("This registration was voided: no slip can be printed for it."))
    outcome = _screening_outcome(db, actor, registration.crossing_id) if kind == "screening" else None
    if kind == "screening" and not outcome:
        raise InvalidInput(_("No health screening is recorded for this registration."))
    slips = SlipService(db, actor)
    issue = (slips.reprint if reprint else slips.issue)(registration.crossing_id, kind=kind, size=size)
    post = PostService(db).get_post()
    issued = issue.issued_at
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=timezone.utc)
    data = SlipData.from_registration(
        registration, post_name=post.name if post else actor.post_id, post_pcode=post.pcode if post else None,
        serial=issue.serial, issued_at=issued.replace(microsecond=0),
        photo=photo_bytes(photos_dir, registration.person.photo_ref), screening_outcome=outcome)
    slip_demo = bool(demo or actor.demo)
    qr = sign_slip_data(data, kind=kind, post_id=actor.post_id, keys=actor.keys, demo=slip_demo)
    pdf = render_slip(data, kind=kind, size=size, languages=languages, demo=slip_demo,
                      duplicate=bool(issue.duplicate), qr_text=qr)
    name = " ".join(x for x in (registration.person.surname, registration.person.given_names) if x)
    return IssuedSlip(pdf=pdf, qr_text=qr, serial=issue.serial, kind=kind, duplicate=bool(issue.duplicate),
                      crossing_id=registration.crossing_id, name=name, issue=issue)


def record_slip(ctx, record_id: str, *, kind: str, size: str, languages: tuple[str, ...],
                duplicate: bool) -> tuple[bytes, str]:
    """Sign in, then :func:`issue_slip` (the register audits the print)."""
    from ..roles import Permission

    actor = ctx.login(Permission.REPRINT_SLIP if duplicate else Permission.PRINT_SLIP)
    slip = issue_slip(ctx.database(), actor, record_id, kind=kind, size=size, languages=languages,
                      reprint=duplicate, photos_dir=ctx.profile.photos, demo=ctx.demo)
    return slip.pdf, slip.qr_text


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
