"""The day list ("Crossings of the day"): its bottom bar is readable at 1366x768 and at
1280x720 less a taskbar, in French and in English (issue #18, defect 14), and its search box
finds earlier travellers on every day (defect 15)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QPushButton

from .conftest import login

pytestmark = pytest.mark.gui

SIZES = ((1366, 768), (1280, 680))


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _visible_area(widget, main, screen: QRect) -> QRect:
    """The part of the window that shows ``widget`` without scrolling: the screen, cut by
    every scroll area's viewport the widget lies in."""
    area, parent = QRect(screen), widget.parentWidget()
    while parent is not None and parent is not main:
        if isinstance(parent, QAbstractScrollArea):
            viewport = parent.viewport()
            area = area.intersected(QRect(viewport.mapTo(main, QPoint(0, 0)), viewport.size()))
        parent = parent.parentWidget()
    return area


def _clipped(main, listing, width: int, height: int) -> list[str]:
    """The bottom bar's buttons and labels that show less than their text needs, or lie
    outside the part of the window a ``width`` x ``height`` screen shows."""
    problems = []
    screen = QRect(0, 0, min(main.width(), width), min(main.height(), height))
    for widget in listing.findChildren(QPushButton) + listing.findChildren(QLabel):
        if not widget.isVisibleTo(main) or widget.window() is not main:
            continue
        if isinstance(widget, QLabel) and (not widget.text() or widget.parentWidget() is not listing):
            continue  # labels inside other widgets (the notice, the table) have their own rules
        name = widget.objectName() or widget.text()
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        if not wraps and widget.width() < widget.sizeHint().width():
            problems.append(f"{name!r}: {widget.width()} px wide, its text needs {widget.sizeHint().width()}")
        if widget.height() < widget.minimumSizeHint().height():
            problems.append(f"{name!r}: {widget.height()} px high")
        rect = QRect(widget.mapTo(main, QPoint(0, 0)), widget.size())
        if not _visible_area(widget, main, screen).contains(rect):
            problems.append(f"{name!r}: at {rect.getRect()}, not in view on a {width}x{height} screen")
    return problems


LONG_NOTICE = ("Cet enregistrement a été annulé : aucune attestation ne peut être imprimée pour lui. "
               "Sélectionnez un autre passage dans la liste, ou effacez la recherche pour revenir au jour. ") * 3


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_day_lists_bottom_bar_is_readable_on_small_screens(qtbot, app_controller, lang, monkeypatch):
    import ui.registrations_list as module
    from ui.i18n import switch_language

    monkeypatch.setattr(module, "SEARCH_LIMIT", 1, raising=False)  # the "more results" note shows
    app_controller.start()
    main = login(qtbot, app_controller, "superviseur")  # every button: print, edit, void
    listing = main.registrations
    main.tabs.setCurrentWidget(listing)
    switch_language(lang)
    settle()
    problems = []

    def day_list():
        listing.notice.hide()
        listing.search.clear()
        listing.refresh()

    def long_notice():
        listing.notice.show_message(LONG_NOTICE, "warning")

    def capped_search():
        listing.notice.hide()
        listing.search.setText("a")
        listing.refresh()

    for state in (day_list, long_notice, capped_search):
        state()
        qtbot.wait(400)
        for width, height in SIZES:
            main.showNormal()
            main.resize(width, height)
            settle()
            qtbot.waitUntil(lambda: listing.count_label.text() != "", timeout=10_000)
            problems += [f"{lang} {state.__name__} {width}x{height}: {p}"
                         for p in _clipped(main, listing, width, height)]
    switch_language("fr")
    assert problems == []


def _draft(surname: str, given: str, number: str, when):
    from border_app import model as dm

    return dm.RegistrationDraft(
        person=dm.PersonData(surname=surname, given_names=given, sex="M", birth_date="1984-02",
                             nationality="NER", identity_declared=False),
        crossing=dm.CrossingData(direction=dm.Direction.ENTRY, crossed_at=when, transport_mode=dm.TransportMode.BUS,
                                 origin="Kano", destination="Niamey", reason=dm.TravelReason.TRADE, group_size=1),
        document=dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number=number, issuing_state="NER",
                                 mrz_raw=None, expiry_date=None),
    )


def test_the_search_box_finds_earlier_travellers_on_every_day(qtbot, app_controller, monkeypatch):
    """Defect 15: the search looked only inside the chosen day. Now it searches every day by
    name or document number, newest first, capped with a visible note; clearing it goes
    back to the day."""
    from datetime import timedelta

    import ui.registrations_list as module
    from border_app import clock
    from db.services import RegistrationService

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    listing = main.registrations
    main.tabs.setCurrentWidget(listing)
    service = RegistrationService(app_controller.db, main.actor)
    now = clock.utcnow()
    old = service.register(_draft("Zinsou", "Barkiré", "QQ7654321", now - timedelta(days=12)))
    older = service.register(_draft("Zinsou", "Adamou", "QQ1111111", now - timedelta(days=40)))
    today = service.register(_draft("Garba", "Zinsou", "RR2222222", now - timedelta(minutes=1)))
    listing.refresh()
    qtbot.waitUntil(lambda: any(r.crossing_id == today.crossing_id for r in listing.rows), timeout=10_000)
    assert old.crossing_id not in {r.crossing_id for r in listing.rows}
    assert listing.day.isEnabled()

    qtbot.keyClicks(listing.search, "zinsou")
    wanted = [today.crossing_id, old.crossing_id, older.crossing_id]  # newest first, every day
    qtbot.waitUntil(lambda: [r.crossing_id for r in listing.rows] == wanted, timeout=10_000)
    assert not listing.day.isEnabled()  # the day does not apply to a search
    assert not listing.more_label.isVisible()
    shown_date = listing.table.item(1, 0).text()
    assert shown_date.startswith(old.crossing.crossed_at.astimezone(clock.POST_TIMEZONE).strftime("%d/%m/%Y"))
    assert "3" in listing.count_label.text()

    listing.search.clear()
    qtbot.keyClicks(listing.search, "barkire zins")  # any order, accents ignored, word beginnings
    qtbot.waitUntil(lambda: [r.crossing_id for r in listing.rows] == [old.crossing_id], timeout=10_000)
    listing.search.clear()
    qtbot.keyClicks(listing.search, "qq76")  # a document number's beginning
    qtbot.waitUntil(lambda: [r.crossing_id for r in listing.rows] == [old.crossing_id], timeout=10_000)

    monkeypatch.setattr(module, "SEARCH_LIMIT", 2)
    listing.search.clear()
    qtbot.keyClicks(listing.search, "zinsou")
    qtbot.waitUntil(lambda: [r.crossing_id for r in listing.rows] == wanted[:2], timeout=10_000)
    assert listing.more_label.isVisibleTo(main) and "affinez" in listing.more_label.text()

    listing.search.clear()  # back to the chosen day
    qtbot.waitUntil(lambda: listing.day.isEnabled() and old.crossing_id not in {r.crossing_id for r in listing.rows}
                    and any(r.crossing_id == today.crossing_id for r in listing.rows), timeout=10_000)
    assert not listing.more_label.isVisibleTo(main)
