"""Signing in: the password check, the lockout after too many wrong passwords, and the
post's keys unlocked with the user's slot."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from border_app import model as dm
from border_app.errors import AuthenticationError, UserFacingError
from border_app.i18n import _
from border_app.roles import Role

from . import Database, keyslots, passwords
from .audit import audit, utcnow
from .models import User
from .posts import local_post

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)


def _bad_login() -> AuthenticationError:
    return AuthenticationError(_("Wrong user name or password."))


def _locked_message() -> AuthenticationError:
    return AuthenticationError(
        _("Too many wrong passwords: this account is locked for {minutes} minutes. Try again later "
          "or ask the post administrator.").format(minutes=int(LOCKOUT.total_seconds() // 60))
    )


class AuthService:
    def __init__(self, db: Database):
        self.db = db

    def needs_setup(self) -> bool:
        """True while this database has no post (first run)."""
        with self.db.session() as s:
            return local_post(s) is None

    def login(self, username: str, password: str) -> dm.Actor:
        name = username.strip().lower() if isinstance(username, str) else ""
        if not isinstance(password, str) or not name or len(name) > 64 or len(password) > passwords.MAX_PASSWORD_LENGTH:
            passwords.dummy_verify(password if isinstance(password, str) else "")
            raise _bad_login()
        outcome: UserFacingError | None = None
        actor: dm.Actor | None = None
        with self.db.session(write=True) as s:
            post = local_post(s)
            if post is None:
                raise AuthenticationError(_("This post is not set up yet: run the first set-up."))
            user = s.scalars(select(User).where(User.post_id == post.id, User.username == name)).first()
            now = utcnow()
            if user is None:
                passwords.dummy_verify(password)
                audit(s, post_id=post.id, user_id=None, action="login_failed", entity="user")
                outcome = _bad_login()
            elif user.locked_until is not None and user.locked_until > now:
                passwords.dummy_verify(password)
                audit(s, post_id=post.id, user_id=user.id, action="login_locked", entity="user", entity_id=user.id)
                outcome = _locked_message()
            elif not passwords.verify_password(user.password_hash, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.failed_logins = 0
                    user.locked_until = now + LOCKOUT
                    audit(s, post_id=post.id, user_id=user.id, action="account_locked", entity="user",
                          entity_id=user.id)
                    outcome = _locked_message()
                else:
                    outcome = _bad_login()
                audit(s, post_id=post.id, user_id=user.id, action="login_failed", entity="user", entity_id=user.id)
            elif not user.active:
                audit(s, post_id=post.id, user_id=user.id, action="login_refused", entity="user", entity_id=user.id)
                outcome = AuthenticationError(_("This account is deactivated. Ask the post administrator."))
            else:
                if user.failed_logins or user.locked_until is not None:
                    user.failed_logins, user.locked_until = 0, None
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                audit(s, post_id=post.id, user_id=user.id, action="login", entity="user", entity_id=user.id)
                actor = dm.Actor(user_id=user.id, username=user.username, full_name=user.full_name,
                                 role=Role(user.role), post_id=post.id, language=user.language, demo=post.demo)
        if outcome is not None:
            raise outcome
        assert actor is not None
        actor.keys = keyslots.try_unlock(self.db.keystore_path, actor.user_id, password)
        return actor
