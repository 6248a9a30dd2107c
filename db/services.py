"""The service layer: what the UI and the CLI call.

Rules every method follows:

* it checks the role matrix (``border_app.roles.require``) *before* touching data;
* it opens its own Session (one per user action, never shared between threads);
* every write is all-or-nothing and writes its audit entry (ids only) in the same
  transaction; reading one record's personal data is audited too (action ``view``);
* it returns ``border_app.model`` dataclasses, never ORM rows.

One module per aggregate: :mod:`db.auth` (signing in), :mod:`db.posts` (the post and its
first set-up), :mod:`db.users` (accounts: ``UserService``, ``AccountService``),
:mod:`db.registrations` (with the search terms of :mod:`db.registration_search`),
:mod:`db.audit` (``audit()``, ``utcnow()``, ``AuditService``) and :mod:`db.convert` (rows
to dataclasses, ``latest_outcomes``). This module gathers their names for the callers.
"""

from __future__ import annotations

from .audit import AuditService, audit, utcnow
from .auth import LOCKOUT, MAX_FAILED_LOGINS, AuthService
from .convert import latest_outcomes
from .posts import PostService
from .registration_search import MAX_QUERY
from .registrations import RegistrationService
from .users import AccountService, UserService

__all__ = [
    "LOCKOUT", "MAX_FAILED_LOGINS", "MAX_QUERY", "AccountService", "AuditService", "AuthService", "PostService",
    "RegistrationService", "UserService", "audit", "latest_outcomes", "utcnow",
]
