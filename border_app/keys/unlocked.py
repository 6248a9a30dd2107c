"""The key ring of a signed-in session (:class:`UnlockedKeys`): signs with the post's key,
opens data sealed for the post, and forgets everything on :meth:`UnlockedKeys.lock`.
Made only by :class:`border_app.keys.keystore.Keystore` (unlock, create, rotate)."""

from __future__ import annotations

from typing import Any

from ..errors import KeyStoreError
from ..i18n import _
from .primitives import (COORD_ENCRYPTION, COORD_SIGNING, POST_ENCRYPTION, POST_SIGNING, key_id,
                         open_sealed_with, sealed_error, sealed_recipient)
from .public import PublicKeys


class UnlockedKeys:
    """The key ring of a signed-in session. Never serialised; :meth:`lock` forgets it.
    ``demo`` is true for the demo post's keys (slips signed with them say so)."""

    def __init__(self, *, post_id: str, master_key: bytes, private: dict[str, Any],
                 retired_encryption: dict[str, Any], public: PublicKeys,
                 retired_coordination: dict[str, Any] | None = None, pinned_coordination: Any = None):
        self.post_id = post_id
        self._master = bytearray(master_key)
        self._private = dict(private)
        self._retired_encryption = dict(retired_encryption)
        self._retired_coordination = dict(retired_coordination or {})
        self._public = public
        self.signing_key_id = public.signing_key_id
        self.signing_public_key = public.signing_public_key
        self.encryption_public_key = public.encryption_public_key
        self.encryption_key_id = public.encryption_key_id
        self.coordination_signing_public_key = public.coordination_signing_public_key
        self.coordination_encryption_public_key = public.coordination_encryption_public_key
        self.demo = bool(public.demo)
        #: the coordination's public keys pinned at this post (``keys pin-coordination``),
        #: a :class:`~border_app.keys.coordination.CoordinationPublicKeys` checked by the MAC, or None
        self.pinned_coordination = pinned_coordination

    # No pickling, copying or printing of secrets.
    def __reduce_ex__(self, protocol):
        raise TypeError("UnlockedKeys cannot be serialised")

    def __repr__(self) -> str:
        state = "locked" if self.locked else "unlocked"
        return f"<UnlockedKeys post={self.post_id!r} signing={self.signing_key_id} {state}>"

    @property
    def locked(self) -> bool:
        return not self._private

    @property
    def has_coordination(self) -> bool:
        return COORD_SIGNING in self._private

    def public_keys(self) -> PublicKeys:
        """The public keys as checked (MAC) when these keys were unlocked."""
        return self._public

    def _key(self, purpose: str):
        key = self._private.get(purpose)
        if key is None:
            if self.locked:
                raise KeyStoreError(_("The keys are locked: sign in again."))
            raise KeyStoreError(_("This post has no coordination keys."))
        return key

    def _master_key(self) -> bytes:
        if self.locked:
            raise KeyStoreError(_("The keys are locked: sign in again."))
        return bytes(self._master)

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data`` with the post's current signing key."""
        return self._key(POST_SIGNING).sign(bytes(data))

    def open_sealed(self, blob: bytes, *, aad: bytes = b"") -> bytes:
        """Decrypt what :func:`~border_app.keys.primitives.seal` made for this post's
        current or a retired X25519 key."""
        kid = sealed_recipient(blob)
        if kid is None:
            raise sealed_error()
        current = self._key(POST_ENCRYPTION)
        if kid == self.encryption_key_id:
            return open_sealed_with(current, blob, aad)
        old = self._retired_encryption.get(kid)
        if old is None:
            raise sealed_error()
        return open_sealed_with(old, blob, aad)

    def coordination_sign(self, data: bytes) -> bytes:
        return self._key(COORD_SIGNING).sign(bytes(data))

    def coordination_open_sealed(self, blob: bytes, *, aad: bytes = b"") -> bytes:
        key = self._key(COORD_ENCRYPTION)
        if sealed_recipient(blob) != key_id(self.coordination_encryption_public_key or b""):
            raise sealed_error()
        return open_sealed_with(key, blob, aad)

    def coordination_private_keys(self) -> dict[str, Any]:
        """The coordination's X25519 private keys by key id, current and retired (bundles
        sealed to a retired key while in transit still open): for
        :func:`border_app.bundles.open_bundle`."""
        current = self._key(COORD_ENCRYPTION)
        keys = dict(self._retired_coordination)
        keys[key_id(self.coordination_encryption_public_key or b"")] = current
        return keys

    def lock(self) -> None:
        """Forget the private keys and wipe the master key (best effort in Python)."""
        for i in range(len(self._master)):
            self._master[i] = 0
        self._master = bytearray()
        self._private.clear()
        self._retired_encryption.clear()
        self._retired_coordination.clear()
