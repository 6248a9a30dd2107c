"""Period reports aggregated in the database (issue #18, defect 17): the figures computed
with GROUP BY (``ReportService.counts`` -> ``report_from_counts``) equal those computed row
by row (the old way: every registration of the period, then counted in Python), on SQLite
and on PostgreSQL, before and after the small-count suppression; and nothing is dropped.
"""

from __future__ import annotations

import io
import random
import re
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "db"))
from db_helpers import make_world  # noqa: E402

from border_app import model as dm  # noqa: E402
from border_app.roles import Role  # noqa: E402

START, END = date(2026, 3, 1), date(2026, 3, 5)
WAT = timezone(timedelta(hours=1))           # the post's zone (West Africa Time)
OUTCOMES = ("cleared", "secondary", "referral", "isolation")


@pytest.fixture(autouse=True)
def _fast(fast_hashing):
    """Every test here signs in: password hashing at test speed (tests/conftest.py)."""


@pytest.fixture
def sqlite_world(home):
    from border_app.keys import KdfParams
    from border_app.paths import profile
    from db import open_database

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    yield make_world(database, KdfParams.TEST)
    database.dispose()


@pytest.fixture
def pg_world(pg_url):
    from border_app.keys import KdfParams
    from db import open_database

    database = open_database(pg_url)
    yield make_world(database, KdfParams.TEST)
    database.dispose()


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` post time on ``day``, as a UTC moment."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WAT).astimezone(timezone.utc)


def varied_rows(post_id: str, user_id: str):
    """Persons, crossings and screenings (Core row dicts): seeded random rows over the period
    and the days around it, plus the edge cases written out."""
    from benchmarks.bench_report import synthetic_rows

    rng = random.Random(18_17)
    persons, crossings, screenings = synthetic_rows(rng, 700, post_id=post_id, user_id=user_id,
                                                    first_day=START - timedelta(days=1), days=7)
    seq = 10_000

    def person(sex, birth, nationality):
        nonlocal seq
        seq += 1
        p = dict(id=f"p-{seq}", post_id=post_id, change_seq=seq, surname="EDGE", given_names="", search_key="edge",
                 sex=sex, birth_date=birth, birth_date_approximate=False, nationality=nationality,
                 identity_declared=False, created_at=_utc(START, 8))
        persons.append(p)
        return p

    def crossing(p, when, direction="entry", voided=False):
        nonlocal seq
        seq += 1
        c = dict(id=f"c-{seq}", post_id=post_id, change_seq=seq, person_id=p["id"], document_id=None,
                 direction=direction, crossed_at=when, group_size=1, recorded_by=user_id, recorded_at=when,
                 voided=voided, confirmed_invalid=False, confirmed_expired=False)
        crossings.append(c)
        return c

    def screening(c, outcome, minutes, voided=False):
        nonlocal seq
        seq += 1
        screenings.append(dict(id=f"s-{seq}", post_id=post_id, change_seq=seq, person_id=c["person_id"],
                               crossing_id=c["id"], screened_at=c["crossed_at"] + timedelta(minutes=minutes),
                               screened_by=user_id, protocol_versions={}, answers={}, outcome=outcome,
                               fired=[], actions=[], voided=voided))

    # birthdays on the day itself and the day before, year-only (1 July) and month-only (15th)
    day = START + timedelta(days=2)                                     # 3 March 2026
    for birth in ("2021-03-03", "2021-03-04", "2008-03-03", "2008-03-04", "1966-03-03", "1966-03-04",
                  "1895-03-03", "1895-03-04", "2026-03-04", "2026-03-03", "1966", "1966-03", "1966-02",
                  "2021", "2008-03", None, ""):
        crossing(person(random.Random(birth).choice(["F", "M", "X", None]), birth, "NER"), _utc(day, 10))
    # the day's edges in post time (00:00 and 23:59), and just outside the period
    edge = person("F", "1990-04-01", None)
    crossing(edge, _utc(START, 0, 0))
    crossing(edge, _utc(END, 23, 59), "exit")
    crossing(edge, _utc(START, 0, 0) - timedelta(minutes=1))
    crossing(edge, _utc(END + timedelta(days=1), 0, 0))
    # voided crossings (left out, screened or not), voided and repeated screenings
    gone = crossing(person("M", "1980", "MLI"), _utc(day, 11), voided=True)
    screening(gone, "isolation", 5)
    for outcome in OUTCOMES:
        c = crossing(person("M", "1985-06-30", "BFA"), _utc(day, 12), "exit")
        screening(c, "cleared", 5)
        screening(c, outcome, 20)                                       # the latest counts
        screening(c, "isolation", 30, voided=True)                      # voided: not counted
    return persons, crossings, screenings


def _age_group_plain(birth: str | None, on: date) -> str:
    """The age group written out: a year alone counts from 1 July, a month from its 15th."""
    if not birth:
        return "unknown"
    parts = birth.split("-")
    born = date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 7,
                int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1))
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 0 or age > 130:
        return "unknown"
    return "0-4" if age <= 4 else "5-17" if age <= 17 else "18-59" if age <= 59 else "60+"


def plain_counts(persons, crossings, screenings) -> Counter:
    """Row by row, from the rows as inserted: (day, direction, nationality, sex, age group,
    latest not-voided outcome) -> crossings, voided crossings left out."""
    by_id = {p["id"]: p for p in persons}
    latest: dict[str, tuple] = {}
    for s in screenings:
        if not s["voided"]:
            key = (s["screened_at"], s["change_seq"])
            if s["crossing_id"] not in latest or key > latest[s["crossing_id"]][0]:
                latest[s["crossing_id"]] = (key, s["outcome"])
    out: Counter = Counter()
    for c in crossings:
        day = c["crossed_at"].astimezone(WAT).date()
        if c["voided"] or not START <= day <= END:
            continue
        p = by_id[c["person_id"]]
        sex = p["sex"] if p["sex"] in ("F", "M", "X") else "unknown"
        outcome = latest.get(c["id"], (None, "not_screened"))[1]
        out[(day, c["direction"], p["nationality"] or "unknown", sex, _age_group_plain(p["birth_date"], day),
             outcome)] += 1
    return out


def _load(world):
    from benchmarks.bench_report import insert_rows

    supervisor = world.actor(Role.SUPERVISOR)
    rows = varied_rows(supervisor.post_id, supervisor.user_id)
    with world.db.engine.begin() as conn:
        insert_rows(conn, *rows)
    return supervisor, rows


def _published(data) -> dict:
    out = {"total": data.total, "referrals": data.referrals, "screened": data.screened}
    for table in ("by_direction", "by_nationality", "by_sex", "by_age_group", "by_outcome",
                  "referrals_by_direction", "referrals_by_age_group"):
        out[table] = [(c.key, c.value, c.text) for c in getattr(data, table)]
    out["by_sex_age"] = {s: [(c.key, c.value, c.text) for c in cells] for s, cells in data.by_sex_age.items()}
    out["by_day"] = [(r.day, r.entries, r.exits, r.total) for r in data.by_day]
    return out


def check_equal_figures(world):
    from db.report_services import ReportService
    from printing.reports import compute_report, count_key, report_from_counts

    supervisor, rows = _load(world)
    service = ReportService(world.db, supervisor)
    progress = []
    counts = service.counts(START, END, progress=lambda done, days: progress.append((done, days)))
    assert progress[-1] == (5, 5) and len(progress) == 5

    expected = plain_counts(*rows)
    assert sum(expected.values()) > 500
    assert {k[5] for k in expected} == {*OUTCOMES, "not_screened"}
    assert {k[4] for k in expected} == {"0-4", "5-17", "18-59", "60+", "unknown"}
    assert {k[3] for k in expected} == {"F", "M", "X", "unknown"}
    normalised = Counter()
    for key, n in counts.items():
        normalised[count_key(*key)] += n
    assert normalised == expected

    # the old way: every registration of the period, then counted row by row
    registrations = service.registrations(START, END)
    for threshold in (0, 5):
        old = compute_report(registrations, date_from=START, date_to=END, small_count_threshold=threshold)
        new = report_from_counts(counts, date_from=START, date_to=END, small_count_threshold=threshold)
        assert _published(new) == _published(old)
    internal = report_from_counts(counts, date_from=START, date_to=END, small_count_threshold=5, kind="internal")
    assert _published(internal) == _published(
        compute_report(registrations, date_from=START, date_to=END, small_count_threshold=0))
    assert internal.kind == "internal" and internal.total.value == sum(expected.values())


def test_sql_figures_equal_row_by_row_sqlite(sqlite_world):
    check_equal_figures(sqlite_world)


@pytest.mark.postgres
def test_sql_figures_equal_row_by_row_postgres(pg_world):
    check_equal_figures(pg_world)


def test_other_posts_are_left_out_and_coordinators_see_every_post(sqlite_world):
    from db.report_services import ReportService

    supervisor, rows = _load(sqlite_world)
    with sqlite_world.db.engine.begin() as conn:
        from db.models import Crossing, Post

        conn.execute(Post.__table__.insert(), [dict(id="other-post", name="Autre poste", pcode="NE000001",
                                                    created_at=_utc(START, 8))])
        conn.execute(Crossing.__table__.insert(), [dict(
            id="c-other", post_id="other-post", change_seq=1, person_id=rows[0][0]["id"], document_id=None,
            direction="entry", crossed_at=_utc(START, 9), group_size=1, recorded_by=supervisor.user_id,
            recorded_at=_utc(START, 9), voided=False, confirmed_invalid=False, confirmed_expired=False)])
    own = sum(ReportService(sqlite_world.db, supervisor).counts(START, END).values())
    every = sum(ReportService(sqlite_world.db, sqlite_world.actor(Role.COORDINATOR)).counts(START, END).values())
    assert own == sum(plain_counts(*rows).values()) and every == own + 1


def test_report_prints_every_crossing_past_the_old_cap(sqlite_world, monkeypatch):
    """At 82affb9 the report stopped at ``MAX_ROWS`` crossings, oldest first, silently (200,000
    on a real post; lowered here to keep the test small): the PDF printed the truncated total."""
    import db.report_services as report_services
    from border_app.usecases.period_report import report_pdf

    import pypdf
    monkeypatch.setattr(report_services, "MAX_ROWS", 50, raising=False)
    supervisor, rows = _load(sqlite_world)
    total = sum(plain_counts(*rows).values())
    assert total > 50
    pdf = report_pdf(sqlite_world.db, supervisor, start=START, end=END, threshold=0, language="en")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert f"Crossings {total}" in text


def test_counts_hold_no_row_per_crossing(sqlite_world):
    """Aggregated cells, not crossings: far fewer keys than crossings on a busy period."""
    from db.report_services import ReportService

    supervisor, rows = _load(sqlite_world)
    counts = ReportService(sqlite_world.db, supervisor).counts(START, END)
    assert all(isinstance(n, int) and n > 0 for n in counts.values())
    assert len(counts) < sum(counts.values())
    assert not any(isinstance(k, dm.Registration) for k in counts)


# --- a dense post (issue #18, defect 17, the 870,000-crossing case): the age groups as the
# database works them out, the report's indexes and the days counted in parallel ---

def _age_rows(post_id: str, user_id: str, days: list[date]):
    """One crossing a day for each birth date around the bounds of every age group on that
    day (the day itself, the day before and after, N years earlier), in every stored form."""
    persons, crossings = [], []
    births: set[str | None] = {None, ""}
    for day in days:
        for n in (0, 5, 18, 60, 131):
            for delta in (-40, -1, 0, 1, 40):
                try:
                    born = date(day.year - n, day.month, day.day) + timedelta(days=delta)
                except ValueError:                       # 29 February, N years earlier
                    born = date(day.year - n, day.month, 28) + timedelta(days=delta + 1)
                births.update({born.isoformat(), born.isoformat()[:7], born.isoformat()[:4]})
    births_sorted = sorted(births, key=lambda b: (b is None, b or ""))
    for i, birth in enumerate(births_sorted):
        persons.append(dict(id=f"age-p-{i}", post_id=post_id, change_seq=i + 1, surname="AGE", given_names="",
                            search_key="age", sex="F", birth_date=birth, birth_date_approximate=False,
                            nationality="NER", identity_declared=False, created_at=_utc(days[0], 8)))
    seq = len(persons)
    for day in days:
        for p in persons:
            seq += 1
            crossings.append(dict(id=f"age-c-{seq}", post_id=post_id, change_seq=seq, person_id=p["id"],
                                  document_id=None, direction="entry", crossed_at=_utc(day, 9), group_size=1,
                                  recorded_by=user_id, recorded_at=_utc(day, 9), voided=False,
                                  confirmed_invalid=False, confirmed_expired=False))
    return persons, crossings


#: days whose bounds fall on every side of the forms' completions (a month from its 15th, a
#: year from 1 July), the ends of months and of a leap February
AGE_DAYS = [date(2028, 2, 29), date(2027, 2, 28), date(2026, 3, 1), date(2026, 6, 30), date(2026, 7, 1),
            date(2026, 7, 2), date(2026, 1, 14), date(2026, 1, 15), date(2026, 1, 16), date(2026, 12, 31),
            date(2026, 11, 30)]


def check_age_groups(world):
    """The age groups the database computes (string bounds per stored form) equal those
    computed row by row (``printing.reports.age_group``, and the plain version here)."""
    from db.report_services import ReportService
    from printing.reports import count_key

    supervisor = world.actor(Role.SUPERVISOR)
    persons, crossings = _age_rows(supervisor.post_id, supervisor.user_id, AGE_DAYS)
    with world.db.engine.begin() as conn:
        from db.models import Crossing, Person

        conn.execute(Person.__table__.insert(), persons)
        conn.execute(Crossing.__table__.insert(), crossings)
    service = ReportService(world.db, supervisor)
    births = {p["id"]: p["birth_date"] for p in persons}
    for day in AGE_DAYS:
        expected = Counter(_age_group_plain(births[c["person_id"]], day)
                           for c in crossings if c["crossed_at"] == _utc(day, 9))
        got = Counter()
        for key, n in service.counts(day, day).items():
            got[count_key(*key)[4]] += n
        assert got == expected, day
        assert set(expected) == {"unknown", "0-4", "5-17", "18-59", "60+"}


def test_age_groups_sqlite(sqlite_world):
    check_age_groups(sqlite_world)


@pytest.mark.postgres
def test_age_groups_postgres(pg_world):
    check_age_groups(pg_world)


def test_age_group_plain_is_the_reports_own():
    """The plain version the tests compare with is the report's row-by-row rule."""
    from printing.reports import age_group

    for day in AGE_DAYS:
        for birth in ("2021", "2021-07", "2021-06", day.isoformat(), "1960-07-01", None, ""):
            assert age_group(birth, day) == _age_group_plain(birth, day)


def _report_plan(world) -> str:
    """SQLite's plan of one day's report query, as the service runs it."""
    import sqlalchemy as sa

    from db.report_services import ReportService

    supervisor, _rows = _load(world)
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "GROUP BY" in statement:
            statements.append((statement, parameters))

    sa.event.listen(world.db.engine, "before_cursor_execute", capture)
    try:
        ReportService(world.db, supervisor).counts(START, START)
    finally:
        sa.event.remove(world.db.engine, "before_cursor_execute", capture)
    (statement, parameters), = statements
    with world.db.engine.connect() as conn:
        return "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))


def test_report_reads_covering_indexes_only(sqlite_world):
    """At 82affb9 (and with the first aggregated version) every crossing cost a table row, a
    person's row and a sort of its screenings: 7-12 s for a dense post's 30 days. Now each
    is one entry of a covering index, also in a fresh database (no planner statistics)."""
    plan = _report_plan(sqlite_world)
    assert "COVERING INDEX ix_crossings_report" in plan, plan
    assert "COVERING INDEX ix_persons_report" in plan, plan
    assert "COVERING INDEX ix_screenings_latest" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "RIGHT PART OF ORDER BY" not in plan, plan


def test_report_indexes_after_statistics(sqlite_world):
    """A post database analysed before migration 0005 (the benchmark's, or a post's after
    ``ANALYZE``): the migration analyses the tables again, and the plan still uses the
    report's indexes."""
    with sqlite_world.db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    plan = _report_plan(sqlite_world)
    assert "ix_crossings_report" in plan and "ix_persons_report" in plan and "ix_screenings_latest" in plan, plan


def test_days_counted_in_parallel_equal_one_by_one(sqlite_world, monkeypatch):
    """Several days at a time (threads, each with its own session) or one by one: the same
    counts, and progress reported from the calling thread for every day."""
    import threading

    from db import report_services
    from db.report_services import ReportService

    supervisor, _rows = _load(sqlite_world)
    service = ReportService(sqlite_world.db, supervisor)
    assert service._workers(5) >= 1
    seen = []
    monkeypatch.setattr(report_services.os, "cpu_count", lambda: 4)
    assert service._workers(5) == min(4, report_services.MAX_WORKERS)
    parallel = service.counts(START, END, progress=lambda done, days: seen.append(
        (done, days, threading.current_thread() is threading.main_thread())))
    assert seen == [(i, 5, True) for i in range(1, 6)]
    monkeypatch.setattr(report_services, "MAX_WORKERS", 1)
    assert service._workers(5) == 1
    assert service.counts(START, END) == parallel
