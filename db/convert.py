"""ORM rows to ``border_app.model`` dataclasses (the services never return rows), and the
screening outcome a role may see on a registration."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from border_app import model as dm
from border_app.roles import Permission as P
from border_app.roles import Role, allowed

from .audit import utcnow
from .models import Crossing, IdentityDocument, Person, Post, Screening, User


def assign(obj, values: dict) -> bool:
    """Set only the attributes that change (so unchanged rows keep their change_seq)."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def is_locked(u: User) -> bool:
    return u.locked_until is not None and u.locked_until > utcnow()


def user_info(u: User) -> dm.UserInfo:
    return dm.UserInfo(id=u.id, username=u.username, full_name=u.full_name, role=Role(u.role),
                       active=u.active, language=u.language, locked=is_locked(u))


def post_info(p: Post) -> dm.Post:
    return dm.Post(id=p.id, name=p.name, pcode=p.pcode, country=p.country, language=p.language, demo=p.demo)


def person_data(p: Person) -> dm.PersonData:
    return dm.PersonData(surname=p.surname, given_names=p.given_names, sex=p.sex, birth_date=p.birth_date,
                         birth_date_approximate=p.birth_date_approximate, nationality=p.nationality,
                         identity_declared=p.identity_declared, photo_ref=p.photo_ref, phone=p.phone, id=p.id)


def document_data(d: IdentityDocument | None) -> dm.DocumentData | None:
    if d is None:
        return None
    return dm.DocumentData(doc_type=dm.DocumentType(d.doc_type), number=d.number, issuing_state=d.issuing_state,
                           expiry_date=d.expiry_date, document_code=d.document_code, mrz_format=d.mrz_format,
                           mrz_raw=d.mrz_raw, mrz_valid=d.mrz_valid, image_refs=list(d.image_refs or []), id=d.id)


def registration(c: Crossing, p: Person, d: IdentityDocument | None) -> dm.Registration:
    crossing = dm.CrossingData(
        direction=dm.Direction(c.direction), crossed_at=c.crossed_at,
        transport_mode=dm.TransportMode(c.transport_mode) if c.transport_mode else None,
        origin=c.origin, destination=c.destination,
        reason=dm.TravelReason(c.reason) if c.reason else None,
        group_size=c.group_size, notes=c.notes, id=c.id,
    )
    return dm.Registration(crossing_id=c.id, person=person_data(p), crossing=crossing, document=document_data(d),
                           post_id=c.post_id, recorded_by=c.recorded_by, recorded_at=c.recorded_at,
                           voided=c.voided, void_reason=c.void_reason, screening_outcome=None,
                           confirmed_invalid=bool(c.confirmed_invalid), confirmed_expired=bool(c.confirmed_expired))


def latest_outcomes(s: Session, crossing_ids: list[str]) -> dict[str, str]:
    """The latest (not voided) screening outcome code of each crossing: one query per 900 ids."""
    best: dict[str, tuple] = {}
    ids = list(dict.fromkeys(crossing_ids))
    for i in range(0, len(ids), 900):
        rows = s.execute(select(Screening.crossing_id, Screening.outcome, Screening.screened_at, Screening.change_seq)
                         .where(Screening.crossing_id.in_(ids[i:i + 900]), Screening.voided.is_(False)))
        for cid, outcome, at, seq in rows:
            if cid not in best or (at, seq) > best[cid][0]:
                best[cid] = ((at, seq), outcome)
    return {cid: v[1] for cid, v in best.items()}


def with_outcomes(s: Session, regs: list[dm.Registration], role: Role | str) -> list[dm.Registration]:
    """Fill ``screening_outcome`` (the outcome only) when the role may see outcomes."""
    if regs and allowed(role, P.VIEW_SCREENING_OUTCOME):
        outcomes = latest_outcomes(s, [r.crossing_id for r in regs])
        for r in regs:
            r.screening_outcome = outcomes.get(r.crossing_id)
    return regs
