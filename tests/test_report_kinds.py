"""Two kinds of period report (issue #18, defect 20): "internal" (exact counts, CONFIDENTIEL on
every page, only for roles that may see identities) and "for sharing" (small counts
suppressed, the default), each saying which it is; ``border-app report --kind``."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from border_app.cli import main

import pypdf
ADMIN_PASSWORD = "chef-secret"
SUPERVISOR_PASSWORD = "superviseur-secret"
DAY = date(2026, 3, 2)


def text_pages(path) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture
def post(home, monkeypatch, tmp_path, capsys):
    """A real post set up from the command line, a supervisor, and the issue's example day:
    6 entries and 2 exits (8 crossings)."""
    from border_app import keys

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)
    monkeypatch.setenv("BORDER_APP_PASSWORD", ADMIN_PASSWORD)
    assert main(["setup", "--post-name", "Poste de Gaya", "--pcode", "NE003006", "--language", "fr",
                 "--admin", "chef", "--admin-name", "Chef de poste"]) == 0
    pw = tmp_path / "pw.txt"
    pw.write_text(SUPERVISOR_PASSWORD, encoding="utf-8")
    assert main(["--user", "chef", "users", "add", "--username", "sup", "--full-name", "Superviseur",
                 "--role", "supervisor", "--new-password-file", str(pw)]) == 0
    import sqlalchemy as sa

    from benchmarks.bench_report import insert_rows
    from border_app.paths import profile
    from db import open_database

    prof = profile()
    database = open_database(prof.database_url, profile=prof)
    with database.engine.begin() as conn:
        user_id, post_id = conn.execute(sa.text("SELECT id, post_id FROM users WHERE username = 'sup'")).one()
        when = datetime(DAY.year, DAY.month, DAY.day, 9, tzinfo=timezone.utc)
        persons, crossings = [], []
        for i in range(8):
            persons.append(dict(id=f"p{i}", post_id=post_id, change_seq=100 + i, surname="X", given_names="",
                                search_key="x", sex="F", birth_date="1990", birth_date_approximate=False,
                                nationality="NER", identity_declared=False, created_at=when))
            at = when + timedelta(minutes=i)
            crossings.append(dict(id=f"c{i}", post_id=post_id, change_seq=200 + i, person_id=f"p{i}",
                                  document_id=None, direction="entry" if i < 6 else "exit", crossed_at=at,
                                  group_size=1, recorded_by=user_id, recorded_at=at, voided=False,
                                  confirmed_invalid=False, confirmed_expired=False))
        insert_rows(conn, persons, crossings, [])
    database.dispose()
    monkeypatch.setenv("BORDER_APP_PASSWORD", SUPERVISOR_PASSWORD)
    capsys.readouterr()
    return tmp_path


def report(out, *extra) -> int:
    return main(["--user", "sup", "report", "--from", DAY.isoformat(), "--to", DAY.isoformat(),
                 "--out", str(out), *extra])


def test_shared_is_the_default_and_says_so(post):
    out = post / "shared.pdf"
    assert report(out) == 0
    pages = text_pages(out)
    text = " ".join(pages)
    assert "Rapport à diffuser (petits effectifs masqués)" in text
    assert "CONFIDENTIEL" not in text and "Rapport interne" not in text
    assert "Sortie <5" in text                      # the 2 exits are hidden, as before
    for page in pages:
        assert "Rapport à diffuser" in page           # on every page


def test_internal_shows_exact_counts_marked_confidential_on_every_page(post):
    out = post / "internal.pdf"
    assert report(out, "--kind", "internal") == 0
    pages = text_pages(out)
    text = " ".join(pages)
    assert "Rapport interne (chiffres exacts)" in text
    assert "Entrée 6" in text and "Sortie 2" in text and "Passages 8" in text
    assert "<5" not in text and "Rapport à diffuser" not in text
    assert len(pages) >= 2
    for page in pages:
        assert "CONFIDENTIEL" in page


def test_internal_in_english_says_confidential(post):
    out = post / "internal-en.pdf"
    assert report(out, "--kind", "internal", "--language", "en") == 0
    pages = text_pages(out)
    assert all("CONFIDENTIAL" in page for page in pages)
    assert "Internal report (exact counts)" in pages[0]


def test_internal_is_refused_to_a_role_that_cannot_see_identities(post, monkeypatch, capsys):
    from border_app import roles

    matrix = dict(roles.MATRIX)
    matrix[roles.Role.SUPERVISOR] = matrix[roles.Role.SUPERVISOR] - {roles.Permission.VIEW_IDENTITY}
    monkeypatch.setattr(roles, "MATRIX", matrix)
    assert report(post / "refused.pdf", "--kind", "internal") == 4        # as other permission refusals
    assert not (post / "refused.pdf").exists()
    assert "identité des voyageurs" in capsys.readouterr().err
    assert report(post / "shared.pdf") == 0                              # sharing stays allowed


def test_unknown_kind_is_refused(post, capsys):
    with pytest.raises(SystemExit) as stop:
        report(post / "x.pdf", "--kind", "everything")
    assert stop.value.code == 2
