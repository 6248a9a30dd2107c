"""Register, list and revoke the posts whose bundles the coordination accepts
(``border-app coordination posts add|list|revoke``): the post administrator of the
coordination computer's profile (``MANAGE_KEYS``: registering a post's keys is key
management). The database work is :mod:`db.coordination.posts`."""

from __future__ import annotations

import json
from pathlib import Path

from db.coordination import CoordinationDB
from db.coordination.posts import PostInfo, add_post, list_posts, read_public_file, revoke_post

from ..errors import InvalidInput
from ..i18n import _
from ..roles import Permission, require

MAX_PUBLIC_FILE = 1 << 20


def register_post(db: CoordinationDB, actor, public_keys_file: str | Path) -> tuple[str, PostInfo]:
    """Register the post whose ``keys export-public`` file this is; returns (``added`` |
    ``updated`` | ``unchanged``, the post)."""
    require(actor.role, Permission.MANAGE_KEYS)
    path = Path(public_keys_file).expanduser()
    try:
        if path.stat().st_size > MAX_PUBLIC_FILE:
            raise InvalidInput(_("These public keys are not valid (damaged, or not the public keys of a post)."))
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(_("These public keys are not valid (damaged, or not the public keys of a post).")) from exc
    keys, name, pcode = read_public_file(doc)
    outcome = add_post(db, keys, name=name, pcode=pcode)
    post = next(p for p in list_posts(db) if p.post_id == keys.post_id)
    return outcome, post


def posts(db: CoordinationDB, actor) -> list[PostInfo]:
    require(actor.role, Permission.MANAGE_KEYS) if actor.role == "post_admin" else require(
        actor.role, Permission.IMPORT_BUNDLE)
    return list_posts(db)


def revoke(db: CoordinationDB, actor, post_id: str) -> bool:
    require(actor.role, Permission.MANAGE_KEYS)
    return revoke_post(db, post_id)
