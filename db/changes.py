"""The per-post change counter.

``next_seq(conn, post_id, n)`` reserves ``n`` consecutive values from ``post_counters`` in
the caller's transaction (``UPDATE ... RETURNING``: a row lock on PostgreSQL, SQLite's
single writer lock on the laptop), so two transactions never get the same value and a
value never goes back, whatever the clock says.

A ``before_flush`` hook stamps ``change_seq`` on every new or modified change-tracked row
(and ``seq`` on audit rows), so repositories cannot forget it.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import CHANGE_TRACKED, AuditLog

_BUMP = text("UPDATE post_counters SET value = value + :n WHERE post_id = :p RETURNING value")
_CREATE = text("INSERT INTO post_counters (post_id, value) VALUES (:p, :n)")


def next_seq(conn: Connection, post_id: str, n: int = 1) -> int:
    """Reserve ``n`` values; returns the first one (values are ``first .. first + n - 1``)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    row = conn.execute(_BUMP, {"n": n, "p": post_id}).first()
    if row is None:
        conn.execute(_CREATE, {"p": post_id, "n": n})
        last = n
    else:
        last = int(row[0])
    return last - n + 1


def _stamp(session: Session, flush_context, instances) -> None:
    pending: dict[str, list] = defaultdict(list)
    for obj in session.new:
        if isinstance(obj, CHANGE_TRACKED) or isinstance(obj, AuditLog):
            pending[obj.post_id].append(obj)
    for obj in session.dirty:
        if isinstance(obj, CHANGE_TRACKED) and session.is_modified(obj, include_collections=False):
            pending[obj.post_id].append(obj)
    if not pending:
        return
    conn = session.connection()
    for post_id in sorted(pending):
        objs = pending[post_id]
        # data rows first, audit rows last: an audit entry follows what it describes
        objs.sort(key=lambda o: isinstance(o, AuditLog))
        first = next_seq(conn, post_id, len(objs))
        for offset, obj in enumerate(objs):
            if isinstance(obj, AuditLog):
                obj.seq = first + offset
            else:
                obj.change_seq = first + offset


def install(session_factory) -> None:
    """Attach the stamping hook to a ``sessionmaker``."""
    event.listen(session_factory, "before_flush", _stamp)
