"""The services' use of the post keystore (``border_app.keys``): one slot per user.

Kept apart so that the services read simply and so that a keystore problem is handled in
one place. Slot id = user id.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def keys_module():
    from border_app import keys  # imported lazily: cryptography is slow to load

    return keys


def exists(path: Path | None) -> bool:
    if path is None:
        return False
    return bool(keys_module().Keystore.exists(path))


def create(path: Path, *, post_id: str, slot_id: str, password: str, kdf=None, coordination: bool = False,
           demo: bool = False):
    """Create the keystore with a first slot; returns the unlocked keys. ``demo``: the demo
    post's keys, marked demo in their public form (never trusted by a real post)."""
    Keystore = keys_module().Keystore
    kwargs: dict[str, Any] = {"post_id": post_id, "coordination": coordination}
    if demo:
        kwargs["demo"] = True
    if kdf is not None:
        kwargs["kdf"] = kdf
    _store, unlocked = Keystore.create(path, first_slot=(slot_id, password), **kwargs)
    return unlocked


def try_unlock(path: Path | None, slot_id: str, password: str):
    """The user's keys, or ``None`` (no keystore, no slot, or a keystore error: logged
    without personal data, and never blocking the login)."""
    if path is None:
        return None
    try:
        Keystore = keys_module().Keystore
        if not Keystore.exists(path):
            return None
        store = Keystore.load(path)
        if not store.has_slot(slot_id):
            return None
        return store.unlock(slot_id, password)
    except Exception as exc:  # noqa: BLE001 - the login must go on without keys
        log.warning("key slot could not be unlocked (%s); signed in without keys", type(exc).__name__)
        return None


def set_slot(path: Path | None, slot_id: str, password: str, keys) -> bool:
    """Add (or replace) ``slot_id`` wrapping ``keys`` with ``password``; False when there
    is no keystore or no keys to wrap."""
    if path is None or keys is None:
        return False
    Keystore = keys_module().Keystore
    if not Keystore.exists(path):
        return False
    Keystore.load(path).add_slot(slot_id, password, keys)  # replaces an existing slot
    return True


def remove_slot(path: Path | None, slot_id: str) -> bool:
    if path is None:
        return False
    Keystore = keys_module().Keystore
    if not Keystore.exists(path):
        return False
    store = Keystore.load(path)
    if not store.has_slot(slot_id):
        return False
    store.remove_slot(slot_id)
    return True
