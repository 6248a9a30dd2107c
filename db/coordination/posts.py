"""The posts known to the coordination and their public keys (``coordination posts add``,
``posts list``, ``posts revoke``).

A post (one laptop: its own ``post_id`` and change counter) is registered from the file
``border-app keys export-public --out`` wrote at the post, which carries its name and
P-code (older files without them still read). Registering a known post again updates its
keys only when the new file lists the registered signing key among its retired keys (the
post rotated its keys); otherwise it is refused. A revoked post's bundles are refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import text

from border_app.errors import ConflictError, InvalidInput, NotFound
from border_app.i18n import _
from border_app.keys import POST_SIGNING, PublicKeys

from . import CoordinationDB


@dataclass
class PostInfo:
    post_id: str
    name: str
    pcode: str
    signing_key_id: str
    demo: bool
    revoked_at: datetime | None
    registered_at: datetime | None

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("revoked_at", "registered_at"):
            d[k] = d[k].isoformat().replace("+00:00", "Z") if d[k] else None
        d["revoked"] = self.revoked_at is not None
        return d


def read_public_file(data: dict) -> tuple[PublicKeys, str, str]:
    """The post's public keys, name and P-code from an ``export-public`` JSON document."""
    keys = PublicKeys.from_json(data)
    name = data.get("post_name") or data.get("name") or ""
    pcode = data.get("pcode") or ""
    if not isinstance(name, str) or not isinstance(pcode, str) or len(name) > 200 or len(pcode) > 40:
        raise InvalidInput(_("These public keys are not valid (damaged, or not the public keys of a post)."))
    return keys, name, pcode


def _key_rows(keys: PublicKeys) -> list[dict]:
    rows = [{"key_id": keys.signing_key_id, "purpose": POST_SIGNING, "public_key": keys.signing_public_key,
             "status": "current"}]
    for r in keys.retired:
        if r["purpose"] == POST_SIGNING:
            rows.append({"key_id": r["key_id"], "purpose": POST_SIGNING, "public_key": r["public_key"],
                         "status": "retired"})
    return rows


def add_post(db: CoordinationDB, keys: PublicKeys, *, name: str = "", pcode: str = "") -> str:
    """Register a post, or update a known post's keys after a rotation. Returns ``added``,
    ``updated`` or ``unchanged``; refuses a demo post's keys in a real database (and the
    reverse), and a new key that does not continue the registered one."""
    if bool(keys.demo) != db.demo:
        raise InvalidInput(_("A demo post's keys can only be registered in a demo coordination database, and a "
                             "real post's only in a real one."))
    doc = keys.to_json()
    with db.engine.begin() as conn:
        row = conn.execute(text("SELECT signing_key_id, name, pcode FROM posts WHERE post_id = :p FOR UPDATE"),
                           {"p": keys.post_id}).first()
        taken = conn.execute(text("SELECT post_id FROM post_keys WHERE key_id = ANY(:k) AND post_id <> :p"),
                             {"k": [r["key_id"] for r in _key_rows(keys)], "p": keys.post_id}).first()
        if taken is not None:
            raise ConflictError(_("These keys are already registered for another post."))
        if row is None:
            conn.execute(text(
                "INSERT INTO posts (post_id, name, pcode, signing_key_id, public_keys, demo) "
                "VALUES (:p, :n, :c, :k, CAST(:doc AS jsonb), :d)"),
                {"p": keys.post_id, "n": name, "c": pcode, "k": keys.signing_key_id, "doc": _json(doc),
                 "d": bool(keys.demo)})
            outcome = "added"
        elif row.signing_key_id == keys.signing_key_id:
            conn.execute(text("UPDATE posts SET name = coalesce(nullif(:n, ''), name), "
                              "pcode = coalesce(nullif(:c, ''), pcode), updated_at = now() WHERE post_id = :p"),
                         {"p": keys.post_id, "n": name, "c": pcode})
            outcome = "unchanged"
        elif any(r["purpose"] == POST_SIGNING and r["key_id"] == row.signing_key_id for r in keys.retired):
            conn.execute(text(
                "UPDATE posts SET signing_key_id = :k, public_keys = CAST(:doc AS jsonb), "
                "name = coalesce(nullif(:n, ''), name), pcode = coalesce(nullif(:c, ''), pcode), updated_at = now() "
                "WHERE post_id = :p"),
                {"p": keys.post_id, "k": keys.signing_key_id, "doc": _json(doc), "n": name, "c": pcode})
            conn.execute(text("UPDATE post_keys SET status = 'retired' WHERE post_id = :p"), {"p": keys.post_id})
            outcome = "updated"
        else:
            raise ConflictError(_("This post is already registered with another key, and the new file does not "
                                  "list that key among its retired keys: refused. If the post really has new keys, "
                                  "revoke it and register it under its new identity."))
        for r in _key_rows(keys):
            conn.execute(text(
                "INSERT INTO post_keys (key_id, post_id, purpose, public_key, status) VALUES (:key_id, :p, :purpose, "
                ":public_key, :status) ON CONFLICT (key_id) DO UPDATE SET status = excluded.status"),
                {**r, "p": keys.post_id})
    return outcome


def _json(doc: dict) -> str:
    import json

    return json.dumps(doc, sort_keys=True)


def list_posts(db: CoordinationDB) -> list[PostInfo]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT post_id, name, pcode, signing_key_id, demo, revoked_at, registered_at "
                                 "FROM posts ORDER BY pcode, name, post_id")).all()
    return [PostInfo(*r) for r in rows]


def revoke_post(db: CoordinationDB, post_id: str) -> bool:
    """Revoke a post: its bundles are refused from now on (what was imported stays).
    Returns False when it was already revoked."""
    with db.engine.begin() as conn:
        row = conn.execute(text("SELECT revoked_at FROM posts WHERE post_id = :p FOR UPDATE"), {"p": post_id}).first()
        if row is None:
            raise NotFound(_("No post {post_id} is registered.").format(post_id=post_id))
        if row.revoked_at is not None:
            return False
        conn.execute(text("UPDATE posts SET revoked_at = now(), updated_at = now() WHERE post_id = :p"),
                     {"p": post_id})
    return True


def signing_keys(db: CoordinationDB) -> dict[str, tuple[str, bytes]]:
    """Every registered signing key (revoked posts' too): key id -> (post id, public key)."""
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT key_id, post_id, public_key FROM post_keys")).all()
    return {r.key_id: (r.post_id, bytes(r.public_key)) for r in rows}
