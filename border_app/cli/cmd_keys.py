"""``border-app keys``: create, rotate and export the post's keys.

* ``keys init [--coordination]`` — signed-in administrator (``MANAGE_KEYS``): creates the
  keystore with a first key slot for that administrator, in one atomic write.
* ``keys rotate [--coordination]`` — same sign-in: new signing and encryption keys; the old
  public keys stay listed (old slips still verify).
* ``keys export-public [--out FILE.json] [--qr FILE.png|.svg] [--json]`` — no sign-in
  (public data): shows or writes the post's public keys, as JSON and/or a QR code; they
  carry the post's name and P-code (for ``coordination posts add``).
* ``keys pin-coordination FILE.json`` — post administrator: stores the coordination's public
  keys (``coordination keys export-public``; a JSON file or the QR code's text) in the
  post's keystore, covered by its MAC. ``export`` refuses until they are pinned.

``keys init --coordination`` on a computer already set up adds the coordination's keys to
its keystore (the same as ``coordination keys init``).

The work is done by :func:`init_keys`, :func:`rotate_keys` and :func:`export_public`,
which tests and the GUI can call without the command line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from ..keys import KdfParams, PublicKeys, UnlockedKeys


def register(subparsers) -> None:
    parser = subparsers.add_parser("keys", help=_("manage the post's signing and encryption keys"),
                                   description=_("Manage the post's signing and encryption keys."))
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("init", help=_("create the post's keys and a key slot for you (administrator)"))
    p.add_argument("--coordination", action="store_true",
                   help=_("also create the coordination's keys (coordination computer only)"))
    p.set_defaults(func=run, keys_action="init")

    p = sub.add_parser("rotate", help=_("replace the post's keys; old public keys stay valid for checking old slips"))
    p.add_argument("--coordination", action="store_true", help=_("also replace the coordination's keys"))
    p.set_defaults(func=run, keys_action="rotate")

    p = sub.add_parser("export-public", help=_("show or export the post's public keys (no sign-in needed)"))
    p.add_argument("--out", metavar="FILE.json", help=_("write the public keys as JSON to this file"))
    p.add_argument("--qr", metavar="FILE", help=_("write the public keys as a QR code image (.png or .svg)"))
    p.add_argument("--json", action="store_true", help=_("print the public keys as JSON"))
    p.set_defaults(func=run, keys_action="export-public")

    p = sub.add_parser("pin-coordination",
                       help=_("store the coordination's public keys at this post (administrator)"))
    p.add_argument("file", metavar="FILE.json",
                   help=_("the coordination's public keys (border-app coordination keys export-public)"))
    p.set_defaults(func=run, keys_action="pin-coordination")


def run(args, ctx) -> int:
    action = args.keys_action
    if action == "export-public":
        name, pcode = _post_name_and_pcode(ctx)
        return export_public(ctx.profile.keystore, out=args.out, qr=args.qr, as_json=args.json,
                             post_name=name, pcode=pcode)

    from ..roles import Permission

    actor = ctx.login(Permission.MANAGE_KEYS)
    path = ctx.profile.keystore
    if action == "pin-coordination":
        return pin_coordination_cli(ctx, actor, args.file)
    if action == "init" and args.coordination and path.exists():
        from .coord_keys import run_init

        return run_init(args, ctx)       # a computer set up already: add the coordination's keys
    if action == "init":
        ctx.profile.ensure()
        keys = init_keys(path, actor.post_id, actor.user_id, ctx.password(), coordination=args.coordination)
        actor.keys = keys
        print(_("Keys created for post {post}. Signing key: {key_id}").format(post=actor.post_id,
                                                                              key_id=keys.signing_key_id))
        if keys.has_coordination:
            print(_("Coordination signing key: {key_id}").format(
                key_id=keys.public_keys().coordination_signing_key_id))
        return 0

    # rotate
    keys = actor.keys
    if keys is None:
        from ..keys import Keystore

        keys = Keystore.load(path).unlock(actor.user_id, ctx.password())
    old = keys.signing_key_id
    new = rotate_keys(path, keys, coordination=args.coordination)
    actor.keys = new
    print(_("New signing key: {key_id}. The old key {old} stays listed to check old slips.").format(
        key_id=new.signing_key_id, old=old))
    return 0


def init_keys(path: Path, post_id: str, slot_id: str, password: str, *, coordination: bool = False,
              kdf: "KdfParams | None" = None) -> "UnlockedKeys":
    """Create the keystore at ``path`` with a first slot (``slot_id``, ``password``)."""
    from ..keys import init_keystore

    _store, keys = init_keystore(Path(path), post_id, slot_id, password, coordination=coordination, kdf=kdf)
    return keys


def rotate_keys(path: Path, keys: "UnlockedKeys", *, coordination: bool = False) -> "UnlockedKeys":
    from ..keys import rotate_keystore

    return rotate_keystore(Path(path), keys, coordination=coordination)


def _post_name_and_pcode(ctx) -> tuple[str | None, str | None]:
    """The local post's name and P-code from the profile's database (no sign-in: not
    personal data), or ``(None, None)`` if there is no database yet."""
    try:
        if not ctx.profile.database.exists():
            return None, None
        from db.exports import local_post

        post = local_post(ctx.database())
    except Exception:   # the public keys are still worth exporting without the names
        return None, None
    return (post.name, post.pcode) if post is not None else (None, None)


def pin_coordination_cli(ctx, actor, file: str) -> int:
    from ..keys import Keystore
    from ..keys.coordination import CoordinationPublicKeys

    public = CoordinationPublicKeys.read(file)
    path = ctx.profile.keystore
    keys = actor.keys or Keystore.load(path).unlock(actor.user_id, ctx.password())
    actor.keys = pin_coordination(path, keys, public)
    try:
        from db.exports import audit_key_event

        audit_key_event(ctx.database(), actor, "pin_coordination")
    except Exception:  # pragma: no cover - the keys are pinned; the audit entry is best effort
        pass
    print(_("Coordination keys pinned: encryption key {key_id}. This post can now export bundles.").format(
        key_id=public.encryption_key_id))
    return 0


def pin_coordination(path: Path, keys: "UnlockedKeys", public) -> "UnlockedKeys":
    """Store ``public`` (:class:`~border_app.keys.coordination.CoordinationPublicKeys`) in the keystore."""
    from ..keys import Keystore

    return Keystore.load(Path(path)).pin_coordination(public, keys)


def export_public(path: Path, *, out: str | None = None, qr: str | None = None, as_json: bool = False,
                  stdout: TextIO | None = None, post_name: str | None = None, pcode: str | None = None) -> int:
    """Show the public keys of the keystore at ``path``; write JSON / QR files if asked."""
    import dataclasses

    from ..atomic import atomic_write
    from ..keys import Keystore, export_public_qr

    stdout = stdout or sys.stdout
    public = Keystore.load(Path(path)).public_keys()
    if post_name or pcode:
        public = dataclasses.replace(public, post_name=post_name or None, pcode=pcode or None)
    text = json.dumps(public.to_json(), indent=2, ensure_ascii=False) + "\n"
    if out:
        atomic_write(Path(out), text.encode("utf-8"), mode=0o644)
        print(_("Public keys written to {path}").format(path=out), file=sys.stderr if as_json else stdout)
    if qr:
        export_public_qr(public, Path(qr))
        print(_("QR code written to {path}").format(path=qr), file=sys.stderr if as_json else stdout)
    if as_json:
        stdout.write(text)
    elif not out and not qr:
        _describe(public, stdout)
    return 0


def _describe(public: "PublicKeys", stdout: TextIO) -> None:
    lines = [
        _("Post: {post}").format(post=public.post_id),
        *([_("Post name: {name} (P-code {pcode})").format(name=public.post_name, pcode=public.pcode or "-")]
          if public.post_name else []),
        _("Signing key: {key_id}").format(key_id=public.signing_key_id),
        _("Encryption key: {key_id}").format(key_id=public.encryption_key_id),
        _("Created: {date}").format(date=public.created_at),
    ]
    if public.coordination_signing_public_key is not None:
        lines.append(_("Coordination signing key: {key_id}").format(key_id=public.coordination_signing_key_id))
    for entry in public.retired:
        if entry["purpose"] == "post_signing":
            lines.append(_("Retired signing key: {key_id} (retired {date})").format(
                key_id=entry["key_id"], date=entry["retired_at"]))
    stdout.write("\n".join(lines) + "\n")
