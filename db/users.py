"""User accounts: the post administrator's management of them (:class:`UserService`) and
the signed-in user's own account (:class:`AccountService`). Key slots follow the accounts:
a new or reset password gets one, a deactivated account loses its own."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from border_app import model as dm
from border_app.errors import AuthenticationError, ConflictError, InvalidInput, NotFound
from border_app.i18n import _
from border_app.model import new_id
from border_app.roles import Permission as P
from border_app.roles import Role, require

from . import Database, keyslots, passwords, validation
from .audit import audit, utcnow
from .convert import user_info
from .models import User


class UserService:
    def __init__(self, db: Database, actor: dm.Actor):
        require(actor.role, P.MANAGE_USERS)
        self.db, self.actor = db, actor

    def _get(self, s: Session, user_id: str) -> User:
        user = s.get(User, user_id) if isinstance(user_id, str) else None
        if user is None or user.post_id != self.actor.post_id:
            raise NotFound(_("This user account does not exist."))
        return user

    def create_user(self, *, username: str, full_name: str, role: Role, password: str,
                    language: str = "fr") -> dm.UserInfo:
        require(self.actor.role, P.MANAGE_USERS)
        name = validation.username(username)
        fname = validation.full_name(full_name)
        try:
            role = Role(role)
        except ValueError:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Role"))) from None
        lang = validation.language(language)
        passwords.check_policy(password)
        password_hash = passwords.hash_password(password)
        user_id = new_id()
        slot_added = False
        try:
            with self.db.session(write=True) as s:
                taken = s.scalar(select(func.count()).select_from(User).where(
                    User.post_id == self.actor.post_id, User.username == name))
                if taken:
                    raise ConflictError(_("The user name {username} is already taken.").format(username=name))
                user = User(id=user_id, post_id=self.actor.post_id, change_seq=0, username=name, full_name=fname,
                            role=role.value, password_hash=password_hash, active=True, language=lang,
                            failed_logins=0, created_at=utcnow())
                s.add(user)
                audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="create",
                      entity="user", entity_id=user_id)
                s.flush()
                slot_added = keyslots.set_slot(self.db.keystore_path, user_id, password, self.actor.keys)
                info = user_info(user)
        except BaseException:
            if slot_added:
                keyslots.remove_slot(self.db.keystore_path, user_id)
            raise
        return info

    def list_users(self) -> list[dm.UserInfo]:
        require(self.actor.role, P.MANAGE_USERS)
        with self.db.session() as s:
            rows = s.scalars(select(User).where(User.post_id == self.actor.post_id).order_by(User.username))
            return [user_info(u) for u in rows]

    def set_active(self, user_id: str, active: bool) -> dm.UserInfo:
        require(self.actor.role, P.MANAGE_USERS)
        if user_id == self.actor.user_id and not active:
            raise InvalidInput(_("You cannot deactivate your own account."))
        with self.db.session(write=True) as s:
            user = self._get(s, user_id)
            if user.active != bool(active):
                user.active = bool(active)
                audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id,
                      action="activate" if active else "deactivate", entity="user", entity_id=user.id)
                s.flush()
                if not active:  # a deactivated user can no longer open the keys
                    keyslots.remove_slot(self.db.keystore_path, user.id)
            return user_info(user)

    def find(self, username: str) -> dm.UserInfo:
        """The account called ``username`` at this post (NotFound otherwise)."""
        require(self.actor.role, P.MANAGE_USERS)
        name = username.strip().lower() if isinstance(username, str) else ""
        if not name or len(name) > 64:
            raise NotFound(_("This user account does not exist."))
        with self.db.session() as s:
            user = s.scalars(select(User).where(User.post_id == self.actor.post_id, User.username == name)).first()
            if user is None:
                raise NotFound(_("This user account does not exist."))
            return user_info(user)

    def unlock(self, user_id: str) -> dm.UserInfo:
        """End an account's lockout after too many wrong passwords (audited ``unlock``);
        the count of wrong passwords starts again from zero."""
        require(self.actor.role, P.MANAGE_USERS)
        with self.db.session(write=True) as s:
            user = self._get(s, user_id)
            if user.failed_logins or user.locked_until is not None:
                user.failed_logins, user.locked_until = 0, None
                audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="unlock",
                      entity="user", entity_id=user.id)
                s.flush()
            return user_info(user)

    def reset_password(self, user_id: str, new_password: str) -> None:
        require(self.actor.role, P.MANAGE_USERS)
        passwords.check_policy(new_password)
        password_hash = passwords.hash_password(new_password)
        with self.db.session(write=True) as s:
            user = self._get(s, user_id)
            user.password_hash = password_hash
            user.failed_logins, user.locked_until = 0, None
            audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="reset_password",
                  entity="user", entity_id=user.id)
            s.flush()
            if user.active:
                keyslots.set_slot(self.db.keystore_path, user.id, new_password, self.actor.keys)


class AccountService:
    """The signed-in user's own account (any role)."""

    def __init__(self, db: Database):
        self.db = db

    def change_password(self, actor: dm.Actor, old: str, new: str) -> None:
        if not isinstance(old, str):
            raise AuthenticationError(_("The current password is wrong."))
        passwords.check_policy(new)
        if old == new:
            raise InvalidInput(_("The new password must differ from the current one."))
        with self.db.session(write=True) as s:
            user = s.get(User, actor.user_id)
            if user is None or not user.active:
                raise AuthenticationError(_("This account is deactivated. Ask the post administrator."))
            if not passwords.verify_password(user.password_hash, old):
                audit(s, post_id=user.post_id, user_id=user.id, action="password_change_failed",
                      entity="user", entity_id=user.id)
                failed = True
            else:
                failed = False
                user.password_hash = passwords.hash_password(new)
                audit(s, post_id=user.post_id, user_id=user.id, action="change_password", entity="user",
                      entity_id=user.id)
                s.flush()
                keys = actor.keys or keyslots.try_unlock(self.db.keystore_path, user.id, old)
                keyslots.set_slot(self.db.keystore_path, user.id, new, keys)
        if failed:
            raise AuthenticationError(_("The current password is wrong."))

    def set_language(self, actor: dm.Actor, language: str) -> None:
        """The user's own language, applied at each sign-in (the post's default is not
        touched). A preference, not a security event: not audited."""
        lang = validation.language(language)
        with self.db.session(write=True) as s:
            user = s.get(User, actor.user_id)
            if user is None or not user.active:
                raise AuthenticationError(_("This account is deactivated. Ask the post administrator."))
            user.language = lang
