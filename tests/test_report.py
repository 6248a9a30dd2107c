"""Period reports: aggregation, small-count suppression, PDF text and charts."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from border_app import model as dm
from border_app.errors import InvalidInput
from printing.report_render import render_report
from printing.reports import AGE_GROUPS, age_group, compute_report

import pypdf
POST = dm.Post(id="p1", name="Poste frontière de Makalondi", pcode="NE006013")


def reg(when: datetime, *, direction="entry", sex="F", birth="1990-04-01", nationality="NER", outcome=None,
        voided=False) -> dm.Registration:
    return dm.Registration(
        crossing_id=f"c-{when.isoformat()}-{direction}", post_id="p1", recorded_by="u", recorded_at=when,
        person=dm.PersonData(surname="X", sex=sex, birth_date=birth, nationality=nationality),
        crossing=dm.CrossingData(direction=dm.Direction(direction), crossed_at=when), document=None,
        voided=voided, screening_outcome=outcome)


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=timezone.utc)


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def sample():
    rows = []
    rows += [reg(at(1), nationality="NER") for _ in range(12)]
    rows += [reg(at(2), direction="exit", sex="M", nationality="NGA", birth="2023") for _ in range(6)]
    rows += [reg(at(2), sex="M", nationality="MLI", birth=None, outcome="referral") for _ in range(2)]
    rows += [reg(at(3), sex=None, nationality="BFA", birth="1950", outcome="cleared") for _ in range(7)]
    rows += [reg(at(3), nationality="TCD", outcome="isolation") for _ in range(5)]
    rows.append(reg(at(3), voided=True))                      # voided: left out
    rows.append(reg(datetime(2025, 2, 28, 23, 30, tzinfo=timezone.utc)))  # 00:30 on 1 March in Niger: in
    rows.append(reg(datetime(2025, 3, 3, 23, 30, tzinfo=timezone.utc)))   # 00:30 on 4 March in Niger: out
    rows.append(reg(at(5)))                                   # after the period
    return rows


def test_counts_by_day_direction_nationality_sex_age_outcome(sample):
    data = compute_report(sample, date_from="2025-03-01", date_to="2025-03-03", small_count_threshold=0)
    assert data.total.value == 12 + 6 + 2 + 7 + 5 + 1
    days = {r.day: (r.entries.value, r.exits.value, r.total.value) for r in data.by_day}
    assert days == {date(2025, 3, 1): (13, 0, 13), date(2025, 3, 2): (2, 6, 8), date(2025, 3, 3): (12, 0, 12)}
    assert data.cell("by_direction", "entry").value == 27 and data.cell("by_direction", "exit").value == 6
    assert [c.key for c in data.by_nationality][:2] == ["NER", "BFA"]
    assert data.cell("by_nationality", "NER").value == 13
    assert data.cell("by_sex", "F").value == 18 and data.cell("by_sex", "M").value == 8
    assert data.cell("by_sex", "unknown").value == 7
    assert data.cell("by_age_group", "0-4").value == 6
    assert data.cell("by_age_group", "60+").value == 7
    assert data.cell("by_age_group", "unknown").value == 2
    assert data.cell("by_age_group", "18-59").value == 18
    assert data.cell("by_outcome", "not_screened").value == 19
    assert data.cell("by_outcome", "cleared").value == 7
    assert data.referrals.value == 7  # referral (2) + isolation (5)
    assert data.cell("referrals_by_age_group", "unknown").value == 2
    assert data.screened.value == 14
    assert sum(c.value for c in data.by_age_group) == data.total.value
    assert sum(c.value for row in data.by_sex_age.values() for c in row) == data.total.value


@pytest.mark.parametrize("birth, on, group", [
    ("2020-03-12", date(2025, 3, 11), "0-4"), ("2020-03-12", date(2025, 3, 12), "5-17"),
    ("2007-03-12", date(2025, 3, 11), "5-17"), ("2007-03-12", date(2025, 3, 12), "18-59"),
    ("1965-03", date(2025, 3, 14), "18-59"), ("1965-03", date(2025, 3, 15), "60+"),
    ("1965", date(2025, 6, 30), "18-59"), ("1965", date(2025, 7, 1), "60+"),
    (None, date(2025, 1, 1), "unknown"), ("2030", date(2025, 1, 1), "unknown"), ("1850", date(2025, 1, 1), "unknown"),
    ("garbage", date(2025, 1, 1), "unknown"),
])
def test_age_groups(birth, on, group):
    assert age_group(birth, on) == group
    assert group in AGE_GROUPS


def test_small_counts_are_suppressed_in_the_data_itself(sample):
    data = compute_report(sample, date_from=date(2025, 3, 1), date_to=date(2025, 3, 3), small_count_threshold=5)
    mli = data.cell("by_nationality", "MLI")
    assert mli.value is None and mli.text == "<5" and mli.plotted == 0
    # 5 is not a small count, but it is the smallest other nationality: hidden as well ("x"),
    # or MLI would be the total minus the shown nationalities (tests/test_report_suppression.py)
    assert data.cell("by_nationality", "TCD").text == "x" and data.cell("by_nationality", "TCD").value is None
    assert data.cell("by_nationality", "NER").value == 13
    # 2 March: 2 entries ("<5") and 6 exits: the 6 goes too, and with it the period's exits
    assert (data.by_day[1].entries.text, data.by_day[1].exits.text) == ("<5", "x")
    assert data.cell("by_direction", "exit").text == "x"
    assert data.cell("by_outcome", "referral").text == "<5"
    zero = data.by_day[0].exits
    assert zero.value == 0 and zero.text == "0"  # zero is not a small count
    # nothing small survives anywhere
    cells = [data.total, data.referrals, data.screened, *data.by_direction, *data.by_nationality, *data.by_sex,
             *data.by_age_group, *data.by_outcome, *data.referrals_by_direction, *data.referrals_by_age_group]
    cells += [c for row in data.by_sex_age.values() for c in row]
    cells += [c for r in data.by_day for c in (r.entries, r.exits, r.total)]
    for c in cells:
        assert c.value is None or c.value == 0 or c.value >= 5, c


def test_bad_periods_are_clear_errors():
    with pytest.raises(InvalidInput):
        compute_report([], date_from="2025-03-10", date_to="2025-03-01", small_count_threshold=5)
    with pytest.raises(InvalidInput):
        compute_report([], date_from="10/03/2025", date_to="2025-03-01", small_count_threshold=5)
    with pytest.raises(InvalidInput):
        compute_report([], date_from="2000-01-01", date_to="2025-03-01", small_count_threshold=5)


@pytest.mark.parametrize("language, words", [
    ("fr", ["Rapport des passages", "Période : du 01/03/2025 au 03/03/2025", "Passages par jour",
            "Passages par nationalité", "Tranche d'âge", "Résultats du dépistage sanitaire", "Orientations",
            "Niger", "Burkina Faso", "<5", "Entrée", "Sortie", "Femmes", "Hommes", "60 ans et plus"]),
    ("en", ["Crossings report", "Period: 01/03/2025 to 03/03/2025", "Crossings by day", "Crossings by nationality",
            "Age group", "Health screening outcomes", "Referrals", "Niger", "Burkina Faso", "<5", "Entry", "Exit",
            "Women", "Men", "60 years and over"]),
])
def test_render_report_text(sample, language, words):
    data = compute_report(sample, date_from="2025-03-01", date_to="2025-03-03", small_count_threshold=5)
    pdf = render_report(data, language=language, post=POST, demo=False)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for word in words:
        assert word in text, word
    assert "DÉMO" not in text
    assert "Poste frontière de Makalondi" in text and "NE006013" in text
    # the suppressed Mali row says <5 and never its real count
    assert re.search(r"Mali <5", text)


def test_demo_report_is_marked_and_empty_periods_render(sample):
    data = compute_report([], date_from="2025-03-01", date_to="2025-03-01", small_count_threshold=5)
    text = text_of(render_report(data, language="fr", post="Poste de Gaya", demo=True))
    assert "DÉMO" in text and "données fictives" in text and "Poste de Gaya" in text
    assert "Aucune donnée" in text


def test_report_has_charts(sample, tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    data = compute_report(sample, date_from="2025-03-01", date_to="2025-03-03", small_count_threshold=0)
    pdf = render_report(data, language="fr", post=POST, demo=False)
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "r.pdf"),
                    str(tmp_path / "r")], check=True, timeout=60)
    from PIL import Image

    img = Image.open(tmp_path / "r.png").convert("RGB")
    colours = img.getcolors(maxcolors=100_000)
    # the bar chart's entry colour (#1f4e79) is drawn on the first page
    assert any(abs(r - 0x1F) < 12 and abs(g - 0x4E) < 12 and abs(b - 0x79) < 12 and n > 20 for n, (r, g, b) in colours)


def test_month_of_data_in_a_few_pages(sample):
    rows = [reg(at(1 + i % 31, hour=i % 24), nationality=("NER", "NGA", "MLI")[i % 3],
                direction=("entry", "exit")[i % 2]) for i in range(3000)]
    data = compute_report(rows, date_from="2025-03-01", date_to="2025-03-31", small_count_threshold=5)
    assert data.total.value == sum(1 for r in rows if r.crossing.crossed_at + timedelta(hours=1) < datetime(
        2025, 4, 1, tzinfo=timezone.utc))
    pdf = render_report(data, language="fr", post=POST, demo=False)
    assert 2 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 6
