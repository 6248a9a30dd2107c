"""Issue (or reprint) a registration's or a screening's attestation slip: the slip register
gives the serial and writes the audit entry, the post's key signs, ``printing`` draws it.

Used by ``border-app slip RECORD_ID`` and by the screens' "Print attestation". The reprint
policy lives here: ``reprint=None`` decides from the register (a first print if the slip was
never printed, else a DUPLICATA, which only roles with ``REPRINT_SLIP`` may print).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

from db.screening_services import ScreeningService
from db.services import PostService, RegistrationService
from db.slip_services import SlipService
from printing.slips import render_slip

from ..errors import InvalidInput, KeyStoreError, PermissionDenied
from ..i18n import _
from ..roles import Permission, allowed, require
from ..slip_data import SLIP_KINDS as KINDS
from ..slip_data import SlipData, sign_slip_data

#: a photo larger than this is not loaded: the slip prints "photo unreadable"
MAX_PHOTO_BYTES = 15 * 1024 * 1024


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


def photo_bytes(photos_dir, ref: str | None) -> bytes | None:
    """The traveller's photo from the profile's photos folder (never outside it), or None."""
    if not ref or photos_dir is None:
        return None
    root = Path(photos_dir).resolve()
    path = (root / ref).resolve()
    if root not in path.parents or not path.is_file():
        return None
    try:
        if path.stat().st_size > MAX_PHOTO_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def printed_original(db, actor, crossing_id: str, kind: str):
    """The original (non-DUPLICATA) issue of this slip in the register, or None. For a
    screening attestation, only an original of the latest screening counts."""
    originals = [i for i in SlipService(db, actor).history(crossing_id) if i.kind == kind and not i.duplicate]
    if kind == "screening" and originals:
        latest = ScreeningService(db, actor).latest(crossing_id)
        originals = [i for i in originals if latest is not None and i.screening_id == latest.id]
    return originals[-1] if originals else None


def decide_reprint(db, actor, crossing_id: str, kind: str) -> bool:
    """Whether the next print is a DUPLICATA (the slip was printed before); refuses it,
    translated, to a role without ``REPRINT_SLIP``."""
    original = printed_original(db, actor, crossing_id, kind)
    if original is None:
        return False
    if not allowed(actor.role, Permission.REPRINT_SLIP):
        raise PermissionDenied(_("This attestation was already printed (no. {serial}). Only a supervisor "
                                 "can print a DUPLICATA.").format(serial=original.serial))
    return True


def _screening_outcome(db, actor, crossing_id: str) -> str | None:
    summary = ScreeningService(db, actor).latest(crossing_id)
    return getattr(summary, "outcome", None) if summary is not None else None


def issue_slip(db, actor, crossing_id: str, *, kind: str, size: str, languages: tuple[str, ...],
               reprint: bool | None = False, photos_dir=None, demo: bool = False) -> IssuedSlip:
    """Issue (or reprint) the slip of one registration and render it, signed with the
    signed-in user's post key. The slip register (``SlipService``) gives the serial and
    writes the audit entry; a reprint keeps the serial and is marked DUPLICATA.
    ``reprint=None``: decided from the register (:func:`decide_reprint`).

    Raises ``KeyStoreError`` when the account holds no key slot (nothing is issued then),
    ``InvalidInput`` for a voided registration or a screening slip without a screening,
    ``PermissionDenied`` / ``NotFound`` from the services."""
    if kind not in KINDS:
        raise InvalidInput(_("Unknown slip kind {kind}.").format(kind=kind))
    if reprint is None:
        reprint = decide_reprint(db, actor, crossing_id, kind)
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
