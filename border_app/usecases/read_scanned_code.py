"""Read a code a scanner gave (a health certificate, another post's slip, ours) with what
this post trusts: its own keys — its slips named by the post's name, never an id — and the
trust files in its profile (``border_app.trust.load_post_trust``). Used by the registration
and screening screens; ``border-app verify`` builds its trust from the command line."""

from __future__ import annotations

from datetime import datetime

from db.services import PostService

from ..certificates.result import CertificateResult
from ..scanned_codes import interpret
from ..trust import TrustList, load_post_trust


def local_post_name(db) -> str | None:
    """This post's name (``None`` before set-up)."""
    post = PostService(db).get_post()
    return post.name if post is not None else None


def read_scanned_code(db, profile, text: str, *, at: datetime | None = None) -> CertificateResult:
    """What ``text`` is and whether its signature holds, for this post (``profile`` ``None``:
    nothing is trusted)."""
    trust = load_post_trust(profile, post_name=local_post_name(db)) if profile is not None else TrustList()
    return interpret(text, trust=trust, at=at)
