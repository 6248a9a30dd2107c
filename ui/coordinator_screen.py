"""The coordinator's screen (role ``coordinator``: ``IMPORT_BUNDLE``): the coordination
database (its address is the coordination profile's setting
``coordination_database_url``; empty: libpq's ``PG*`` variables), import of bundles with a
progress bar (off the GUI thread), each post's last bundle, lag, clock skew and gaps, the
import log with outcomes and reasons, and a chart of daily crossings by post and direction
(drawn with QPainter: QtCharts is not in PySide6-Essentials).

The work is the use cases :mod:`border_app.usecases.import_bundles` and
:mod:`border_app.usecases.coordination_status`, the same as the command line's."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QRectF, Qt
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from border_app import clock
from border_app.dates import format_date, format_datetime
from border_app.i18n import N_, _, ngettext
from border_app.usecases.coordination_status import coordination_status, crossings_by_day, import_log
from border_app.bundles import REASONS
from border_app.usecases.import_bundles import import_bundles
from db.coordination import open_coordination

from .errors import report_failure
from .i18n import Retranslatable
from .ops import Op, run_on_main
from .widgets import Notice, RoomyTabBar

CHART_DAYS = 30
STATUS_LABELS = {"imported": N_("imported"), "already_imported": N_("already imported"), "rejected": N_("refused")}
POST_COLUMNS = (N_("P-code"), N_("Post"), N_("Last bundle"), N_("Last import"), N_("Lag"), N_("Clock skew"),
                N_("Gaps"))
IMPORT_COLUMNS = (N_("When"), N_("Bundle"), N_("Outcome"), N_("Reason"), N_("Post"))
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def split_password(address: str) -> tuple[str, str | None]:
    """The database address without its password, and the password (``None``: it had none).

    A password never goes to the settings file nor stays on the screen: it comes from
    libpq (``PGPASSWORD``, ``~/.pgpass``) or from the screen's password field, kept in
    memory for the session only."""
    address = address.strip()
    if not address:
        return "", None
    try:
        url = make_url(address)
    except (ArgumentError, ValueError):
        # not a URL (libpq's "key=value" form): drop any "password=..." word
        words = address.split()
        kept = [w for w in words if not w.lower().startswith("password=")]
        found = [w.split("=", 1)[1] for w in words if w.lower().startswith("password=")]
        return " ".join(kept), (found[-1] if found else None)
    password = url.password
    query_password = url.query.get("password")
    if isinstance(query_password, tuple):
        query_password = query_password[-1] if query_password else None
    if password is None and query_password is None:
        return address, None
    url = URL.create(url.drivername, url.username, None, url.host, url.port, url.database,
                     url.query).difference_update_query(["password"])
    return url.render_as_string(hide_password=False), str(password if password is not None else query_password)


def with_password(address: str, password: str) -> str:
    """The address to connect to: the one shown, with the session's password if one was typed."""
    if not password or not address:
        return address
    try:
        return make_url(address).set(password=password).render_as_string(hide_password=False)
    except (ArgumentError, ValueError):
        return address + " password=" + password


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = abs(seconds)
    if seconds < 120:
        return _("{n} s").format(n=round(seconds))
    if seconds < 7200:
        return _("{n} min").format(n=round(seconds / 60))
    if seconds < 172800:
        return _("{n} h").format(n=round(seconds / 3600))
    days = round(seconds / 86400)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def skew_text(seconds: float | None) -> str:
    """The laptop's clock at export minus this computer's at import, with its sign: a
    positive value is a laptop clock ahead (a bundle cannot come from the future); a
    negative one also holds the bundle's time in transit."""
    if seconds is None:
        return "—"
    return ("+" if seconds >= 0 else "−") + duration_text(seconds)


class DailyChart(QWidget):
    """Daily crossings: per day a bar of entries and a bar of exits, stacked by post."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("coordinatorChart")
        self.rows: list = []
        self.start = clock.utcnow().date()
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows, start) -> None:
        self.rows, self.start = list(rows), start
        posts = sorted({r[2] or r[1][:8] for r in self.rows})
        self.colours = {p: QColor(PALETTE[i % len(PALETTE)]) for i, p in enumerate(posts)}
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        w, h = self.width(), self.height()
        legend_h = 18
        top, bottom, left = 6, 18, 34
        plot_h = max(10, h - top - bottom - legend_h)
        stacks: dict = {}
        for day, post_id, pcode, direction, n in self.rows:
            key = (day, "exit" if direction == "exit" else "entry")
            stacks.setdefault(key, []).append((pcode or post_id[:8], n))
        peak = max([sum(n for _p, n in v) for v in stacks.values()] or [1])
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(0, top, left - 4, 14), Qt.AlignmentFlag.AlignRight, str(peak))
        painter.drawLine(left, top + plot_h, w - 4, top + plot_h)
        slot = max(2.0, (w - left - 8) / CHART_DAYS)
        bar = max(1.0, slot / 2 - 1)
        for i in range(CHART_DAYS):
            day = self.start + timedelta(days=i)
            for j, direction in enumerate(("entry", "exit")):
                y = top + plot_h
                x = left + i * slot + j * bar
                for post, n in stacks.get((day, direction), []):
                    hh = plot_h * n / peak
                    colour = QColor(self.colours.get(post, QColor("#888")))
                    if direction == "exit":
                        colour = colour.lighter(150)
                    painter.fillRect(QRectF(x, y - hh, bar, hh), colour)
                    y -= hh
            if i % 7 == 0:
                painter.drawText(QRectF(left + i * slot, top + plot_h + 2, 60, 14), Qt.AlignmentFlag.AlignLeft,
                                 format_date(day)[:5])
        x = left
        legend = [(_("dark: entries, light: exits"), None)] + [(p, c) for p, c in getattr(self, "colours", {}).items()]
        for text, colour in legend:
            if colour is not None:
                painter.fillRect(QRectF(x, h - legend_h + 4, 10, 10), colour)
                x += 14
            painter.drawText(QRectF(x, h - legend_h, 400, legend_h), Qt.AlignmentFlag.AlignVCenter, text)
            x += painter.fontMetrics().horizontalAdvance(text) + 12
        painter.end()


class CoordinatorScreen(QWidget, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.local_db, self.actor, self.settings, self.profile, self.demo = db, actor, settings, profile, demo
        self.setObjectName("coordinatorScreen")
        self.cdb = None
        self.cdb_url = None
        self.status = None
        self.imports: list = []
        self.results: list = []
        self.op = None
        outer = QVBoxLayout(self)

        row = QHBoxLayout()
        label = QLabel(self)
        self.bind(label.setText, N_("Coordination database"))
        self.url = QLineEdit(self)
        self.url.setObjectName("coordinatorDatabaseUrl")
        self.bind(self.url.setPlaceholderText, N_("postgresql://… (empty: the PG* variables)"))
        self.password = QLineEdit(self)
        self.password.setObjectName("coordinatorDatabasePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaximumWidth(180)
        self.bind(self.password.setPlaceholderText, N_("Password (not saved)"))
        self.bind(self.password.setToolTip, N_("The database password, kept for this session only; empty: "
                                               "PGPASSWORD or the ~/.pgpass file"))
        if settings is not None:
            self.url.setText(settings.coordination_database_url)
        self.url.editingFinished.connect(self._strip_password)
        self._strip_password()
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("coordinatorRefresh")
        self.bind(self.refresh_button.setText, N_("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("coordinatorImport")
        self.bind(self.import_button.setText, N_("Import bundles…"))
        self.import_button.clicked.connect(self.choose_bundles)
        row.addWidget(label)
        row.addWidget(self.url, 1)
        row.addWidget(self.password)
        row.addWidget(self.refresh_button)
        row.addWidget(self.import_button)
        outer.addLayout(row)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("coordinatorProgress")
        self.progress.hide()
        outer.addWidget(self.progress)
        self.notice = Notice(self)
        self.notice.setObjectName("coordinatorNotice")
        outer.addWidget(self.notice)

        self.tabs = QTabWidget(self)
        self.tabs.setTabBar(RoomyTabBar(self.tabs))
        self.posts_table = self._table("coordinatorPosts", len(POST_COLUMNS))
        self.imports_table = self._table("coordinatorImports", len(IMPORT_COLUMNS))
        self.chart = DailyChart(self)
        self.tabs.addTab(self.posts_table, "")
        self.tabs.addTab(self.imports_table, "")
        self.tabs.addTab(self.chart, "")
        outer.addWidget(self.tabs, 1)
        self.on_retranslate()

    def _table(self, name: str, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, self)
        table.setObjectName(name)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(False)
        return table

    def on_retranslate(self) -> None:
        for i, title in enumerate((N_("Posts"), N_("Imports"), N_("Daily crossings"))):
            self.tabs.setTabText(i, _(title))
        self.posts_table.setHorizontalHeaderLabels([_(c) for c in POST_COLUMNS])
        self.imports_table.setHorizontalHeaderLabels([_(c) for c in IMPORT_COLUMNS])
        self._fill()
        if self.notice.isVisible():   # a message is in the language it was shown in: ask again
            self.notice.hide()
            self.refresh()

    # ------------------------------------------------------------------ the database
    def _database(self):
        """The open coordination database (worker thread): reopened when the address changed."""
        url = self.cdb_url_wanted
        if self.cdb is None or self.cdb_url != url:
            if self.cdb is not None:
                self.cdb.dispose()
            self.cdb = open_coordination(url or None)
            self.cdb_url = url
        return self.cdb

    def _strip_password(self) -> None:
        """A password typed or pasted in the address moves to the password field (masked, in
        memory only); the address field and the settings file never hold it."""
        address, password = split_password(self.url.text())
        if password is not None:
            self.password.setText(password)
            self.url.setText(address)
        if self.settings is not None and password is not None \
                and split_password(self.settings.coordination_database_url)[1] is not None:
            self._save_address(address)     # an older settings file held a password: rewrite it

    def _save_address(self, address: str) -> None:
        if self.settings is not None and self.settings.coordination_database_url != address:
            self.settings.coordination_database_url = address
            try:
                self.settings.save()
            except OSError:
                pass

    def _remember_url(self) -> None:
        self._strip_password()
        address = self.url.text().strip()
        self.cdb_url_wanted = with_password(address, self.password.text())
        self._save_address(address)

    def refresh(self) -> None:
        self._remember_url()
        actor = self.actor
        start = clock.utcnow().date() - timedelta(days=CHART_DAYS - 1)

        def load():
            db = self._database()
            return (coordination_status(db, actor, full=True), import_log(db, actor),
                    crossings_by_day(db, actor, start, CHART_DAYS), start)

        Op(load, parent=self, resource="coordination").success(self._loaded).failure(self._load_failed).run()

    def _load_failed(self, exc: BaseException) -> None:
        report_failure(self, exc, self.notice)
        self._load_error = self.notice.text()     # hidden again once the database answers

    def _loaded(self, loaded) -> None:
        if self.notice.isVisible() and self.notice.text() == getattr(self, "_load_error", None):
            self.notice.hide()                    # the database answers again
        self.status, self.imports, rows, start = loaded
        self.chart.set_rows(rows, start)
        self._fill()

    def _fill(self) -> None:
        posts = (self.status or {}).get("posts", [])
        self.posts_table.setRowCount(len(posts))
        for r, p in enumerate(posts):
            gaps = ", ".join(f"{a}–{b}" for a, b in p["gaps"]) or "—"
            last = format_datetime(_parse(p["last_import_at"])) if p["last_import_at"] else _("never")
            values = (p["pcode"], p["name"] + (" (" + _("revoked") + ")" if p.get("revoked") else ""),
                      p.get("last_bundle") or "—", last, duration_text(p.get("lag_s")),
                      skew_text(p["clock_skew_s"]), gaps)
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))
                self.posts_table.setItem(r, c, item)
        self.imports_table.setRowCount(len(self.imports))
        for r, i in enumerate(self.imports):
            reason = ""
            if i["reason_code"]:
                reason = _(REASONS[i["reason_code"]]) if i["reason_code"] in REASONS else i["reason_code"]
            values = (format_datetime(i["at"]), i["bundle"], _(STATUS_LABELS.get(i["status"], i["status"])), reason,
                      " ".join(x for x in (i.get("pcode"), i.get("name")) if x) or (i["post_id"] or "—"))
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))
                self.imports_table.setItem(r, c, item)

    # ------------------------------------------------------------------ import
    def choose_bundles(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Bundles to import"), "",
                                                      _("HHBM bundles (*.hhbm);;All files (*)"))
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths) -> None:
        if not self.import_button.isEnabled() or not paths:
            return
        self._remember_url()
        actor = self.actor
        self.import_button.setEnabled(False)
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.progress.show()
        self.notice.show_message(_("Importing…"), "info")

        def step(done, total, result):      # on the worker thread
            run_on_main(lambda: self._step(done))

        def work():
            return import_bundles(self._database(), actor, paths, progress=step)

        def finished():
            self.import_button.setEnabled(True)
            self.progress.hide()
            self.refresh()

        self.op = (Op(work, parent=self, resource="coordination").success(self._imported)
                   .failure(lambda exc: report_failure(self, exc, self.notice)).finally_(finished).run())

    def _step(self, done: int) -> None:
        try:
            self.progress.setValue(done)
        except RuntimeError:
            pass

    def _imported(self, results) -> None:
        self.results = results
        ok = sum(r.status == "imported" for r in results)
        same = sum(r.status == "already_imported" for r in results)
        refused = [r for r in results if r.status == "rejected"]
        text = _("Imported: {ok} · already imported: {same} · refused: {refused}").format(
            ok=ok, same=same, refused=len(refused))
        for r in refused[:5]:
            text += "\n" + _("{bundle}: {reason}").format(bundle=r.bundle.rsplit("/", 1)[-1], reason=r.reason)
        self.notice.show_message(text, "error" if refused else "ok")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.cdb is not None:
            self.cdb.dispose()
        super().closeEvent(event)


def _parse(value: str):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
