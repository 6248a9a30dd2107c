"""The audit trail: :func:`audit` adds an entry (ids only) to the caller's transaction,
:class:`AuditService` reads the trail back, filtered in the database; and :func:`utcnow`,
the services' one wall clock."""

from __future__ import annotations

import builtins
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from border_app import clock
from border_app import model as dm
from border_app.errors import InvalidInput
from border_app.i18n import N_, _
from border_app.model import new_id
from border_app.roles import Permission as P
from border_app.roles import Role, require

from . import Database
from .models import AuditLog, User


def utcnow() -> datetime:
    """The wall clock (only for display times and lockouts; never for change ordering)."""
    return clock.utcnow()


def audit(s: Session, *, post_id: str, user_id: str | None, action: str, entity: str,
          entity_id: str | None = None) -> None:
    """Add an audit entry (ids only) to the session's transaction."""
    s.add(AuditLog(id=new_id(), post_id=post_id, seq=0, at=utcnow(), user_id=user_id,
                   action=action, entity=entity, entity_id=entity_id))


class AuditService:
    def __init__(self, db: Database, actor: dm.Actor):
        require(actor.role, P.VIEW_AUDIT)
        self.db, self.actor = db, actor

    MAX_LIMIT = 10_000

    def list(self, *, limit: int = 200, since: date | None = None, until: date | None = None,
             user_id: str | None = None, action: str | None = None) -> list[dm.AuditEntry]:
        """The newest entries first, at most ``limit`` (bounded), filtered in the database:
        the post's days ``since`` to ``until`` (inclusive), one user, one action code. Each
        entry carries its user's name (ids only otherwise: no traveller data)."""
        require(self.actor.role, P.VIEW_AUDIT)
        for day, label in ((since, N_("From")), (until, N_("To"))):
            if day is not None and not isinstance(day, date):
                raise InvalidInput(_("{field}: a date is expected.").format(field=_(label)))
        if since is not None and until is not None and until < since:
            raise InvalidInput(_("The end of the period is before its start."))
        stmt = select(AuditLog, User.username).outerjoin(User, User.id == AuditLog.user_id)
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(AuditLog.post_id == self.actor.post_id)
        if since is not None:
            stmt = stmt.where(AuditLog.at >= clock.day_bounds(since)[0])
        if until is not None:
            stmt = stmt.where(AuditLog.at < clock.day_bounds(until)[1])
        if user_id:
            stmt = stmt.where(AuditLog.user_id == str(user_id)[:36])
        if action:
            stmt = stmt.where(AuditLog.action == str(action)[:32])
        limit = max(1, min(int(limit), self.MAX_LIMIT))
        stmt = stmt.order_by(AuditLog.seq.desc(), AuditLog.at.desc()).limit(limit)
        with self.db.session() as s:
            return [dm.AuditEntry(id=a.id, at=a.at, user_id=a.user_id, action=a.action, entity=a.entity,
                                  entity_id=a.entity_id, post_id=a.post_id, seq=a.seq, username=name)
                    for a, name in s.execute(stmt)]

    def users(self) -> builtins.list[tuple[str, str]]:  # "list" is a method of this class
        """(id, user name) of the accounts the audit trail may name: the filter's list."""
        require(self.actor.role, P.VIEW_AUDIT)
        stmt = select(User.id, User.username).order_by(User.username)
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(User.post_id == self.actor.post_id)
        with self.db.session() as s:
            return [(uid, name) for uid, name in s.execute(stmt)]
