"""Password hashing (Argon2id, argon2-cffi) and the password policy."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from border_app.errors import InvalidInput
from border_app.i18n import _

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()  # Argon2id, library defaults (RFC 9106 low-memory profile)
_dummy_hash: str | None = None


def hasher() -> PasswordHasher:
    return _hasher


def use_hasher(new: PasswordHasher) -> PasswordHasher:
    """Replace the hasher (tests use cheap parameters); returns the previous one."""
    global _hasher, _dummy_hash
    old, _hasher, _dummy_hash = _hasher, new, None
    return old


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return False


def dummy_verify(password: str) -> None:
    """Spend the same time as a real check (unknown user names must not answer faster)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_hex(16))
    verify_password(_dummy_hash, password)


def check_policy(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password must have at least {count} characters.").format(count=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(_("The password is too long."))
    if not password.strip():
        raise InvalidInput(_("The password cannot be only spaces."))
