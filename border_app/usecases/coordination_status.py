"""The coordination's view of its posts (``border-app coordination status``, the
coordinator screen): each post's last counter received, counts, last import, the
laptop's clock skew at its last bundle, and the gaps in its counter ranges."""

from __future__ import annotations

from db.coordination import CoordinationDB
from db.coordination.status import daily_crossings, posts_status, recent_imports

from ..roles import Permission, require

#: the keys of one post in ``status --json`` (the interface)
STATUS_KEYS = ("post_id", "name", "pcode", "last_seq", "counts", "last_import_at", "clock_skew_s", "gaps")


def coordination_status(db: CoordinationDB, actor, *, full: bool = False) -> dict:
    """``{"posts": [...]}``; ``full`` adds ``revoked``, ``last_bundle``, ``newest_record_at``
    and ``lag_s`` to each post."""
    require(actor.role, Permission.VIEW_REPORTS)
    posts = posts_status(db)
    if not full:
        posts = [{k: p[k] for k in STATUS_KEYS} for p in posts]
    return {"posts": posts}


def import_log(db: CoordinationDB, actor, limit: int = 200) -> list[dict]:
    require(actor.role, Permission.IMPORT_BUNDLE)
    return recent_imports(db, limit)


def crossings_by_day(db: CoordinationDB, actor, start, days: int):
    require(actor.role, Permission.VIEW_REPORTS)
    return daily_crossings(db, start, days)
