"""Issue #19, item 4: the slip payload and the database services split along their seams
(no module over 600 lines), every name callers import still importable from where it was."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_slip_payload_and_db_modules_stay_under_600_lines():
    paths = [*(ROOT / "border_app" / "slip_payload").glob("*.py"), *(ROOT / "db").glob("*.py")]
    assert (ROOT / "border_app" / "slip_payload" / "__init__.py") in paths
    too_long = {p.relative_to(ROOT).as_posix(): n for p in paths
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not too_long


def test_the_old_import_paths_keep_working():
    from border_app import slip_payload as sp
    from db import services

    for name in ("PREFIX", "PREFIX_V2", "CONTEXT", "CONTEXT_V2", "SlipFormatError", "SlipPayload", "b45encode",
                 "b45decode", "decode_slip_text", "document_hash", "key_id_for", "new_payload", "sign_slip",
                 "slip_matches", "verify_slip_text"):
        assert hasattr(sp, name), name
    for name in ("AuthService", "PostService", "UserService", "AccountService", "RegistrationService",
                 "AuditService", "MAX_FAILED_LOGINS", "audit", "utcnow", "latest_outcomes"):
        assert hasattr(services, name), name
