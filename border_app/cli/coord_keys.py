"""``border-app coordination keys``: the coordination's own keys.

* ``coordination keys init`` — post administrator (``MANAGE_KEYS``) of the coordination
  computer's profile: adds the coordination's Ed25519 and X25519 keys to the keystore that
  ``border-app setup`` made. Rotate them with ``keys rotate --coordination`` (the retired
  private keys are kept: bundles in transit still open).
* ``coordination keys export-public --out FILE.json [--qr FILE]`` — no sign-in: the
  coordination's public keys, to pin at every post (``border-app keys pin-coordination``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..i18n import _


def register_coordination(sub) -> None:
    parser = sub.add_parser("keys", help=_("create and export the coordination's keys"),
                            description=_("Create and export the coordination's keys."))
    keys_sub = parser.add_subparsers(dest="coord_keys_command", metavar="ACTION")
    keys_sub.required = True
    p = keys_sub.add_parser("init", help=_("add the coordination's keys to this computer's keystore (administrator)"))
    p.set_defaults(func=run_init)
    p = keys_sub.add_parser("export-public", help=_("write the coordination's public keys (no sign-in needed)"))
    p.add_argument("--out", metavar="FILE.json", required=True, help=_("write the public keys as JSON to this file"))
    p.add_argument("--qr", metavar="FILE", help=_("write the public keys as a QR code image (.png or .svg)"))
    p.set_defaults(func=run_export_public)


def run_init(args, ctx) -> int:
    from ..keys import Keystore
    from ..roles import Permission

    actor = ctx.login(Permission.MANAGE_KEYS)
    path = ctx.profile.keystore
    keys = actor.keys or Keystore.load(path).unlock(actor.user_id, ctx.password())
    new = add_coordination_keys(path, keys)
    actor.keys = new
    public = Keystore.load(path).coordination_public_keys()
    print(_("Coordination keys created. Signing key: {signing}; encryption key: {encryption}").format(
        signing=public.signing_key_id, encryption=public.encryption_key_id))
    print(_("Next: border-app coordination keys export-public --out coordination-keys.json, then pin that file "
            "at every post (border-app keys pin-coordination FILE.json)."))
    return 0


def add_coordination_keys(path: Path, keys):
    from ..keys import Keystore

    return Keystore.load(Path(path)).add_coordination_keys(keys)


def run_export_public(args, ctx) -> int:
    return export_coordination_public(ctx.profile.keystore, out=args.out, qr=args.qr)


def export_coordination_public(path: Path, *, out: str, qr: str | None = None) -> int:
    from ..atomic import atomic_write
    from ..keys import Keystore
    from ..keys.coordination import export_coordination_qr

    public = Keystore.load(Path(path)).coordination_public_keys()
    text = json.dumps(public.to_json(), indent=2, ensure_ascii=False) + "\n"
    atomic_write(Path(out), text.encode("utf-8"), mode=0o644)
    print(_("Coordination public keys written to {path} (encryption key {key_id})").format(
        path=out, key_id=public.encryption_key_id))
    if qr:
        export_coordination_qr(public, Path(qr))
        print(_("QR code written to {path}").format(path=qr), file=sys.stdout)
    return 0
