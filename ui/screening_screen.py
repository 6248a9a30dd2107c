"""The health screener's screen.

Left: the day's crossings (search by name or document number) with their current
screening outcome. Right: the selected traveller's identity, a field to scan a
vaccination certificate (verified off the GUI thread against the post's trust list), and
the screening form generated from the active protocols (``ui.screening_form``). Recording
goes through :class:`db.screening_services.ScreeningService` in a worker; the screening
attestation is printed with ``ui.print_dialogs.print_slip`` (Ctrl+P) when that module exists.

Keyboard: Ctrl+F search, Up/Down in the list, Enter opens the traveller's form, Ctrl+K
certificate field (Ctrl+Enter verifies what was typed or pasted), Ctrl+P print.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from border_app import countries
from border_app.clock import post_time, utcnow
from border_app.dates import format_date
from border_app.errors import UserFacingError
from border_app.i18n import N_, _, ngettext
from border_app.model import Registration
from border_app.roles import Permission, allowed
from border_app.screening import (
    Outcome, ScreeningSettings, Traveller, build_form, default_active_protocols, load_protocols,
)
from border_app.screening.certificates import yellow_fever_answers
from border_app.usecases.read_scanned_code import read_scanned_code
from border_app.certificates.summary import verdict
from border_app.slip_payload import slip_matches
from db.screening_services import ScreeningService
from db.services import RegistrationService

from .errors import report_failure
from .fields import ScanField, day_and_search, selected_day
from .i18n import Retranslatable
from .ops import Op
from .print_dialogs import print_slip
from .screening_form import OUTCOME_COLOURS, ScreeningForm
from .widgets import Notice

log = logging.getLogger(__name__)

COLUMNS = (N_("Time"), N_("Name"), N_("Screening"))
SEX_LABELS = {"M": N_("Male"), "F": N_("Female"), "X": N_("Unspecified")}
NOT_SCREENED = N_("not screened")
CERT_COLOURS = {"genuine": ("#e8f5e9", "#1b5e20"), "invalid": ("#ffebee", "#b71c1c"),
                "unknown": ("#fff8e1", "#8d5300")}


def outcome_label(code: str | None) -> str:
    if not code:
        return _(NOT_SCREENED)
    try:
        return Outcome(code).label
    except ValueError:
        return code


def certificate_verdict(result) -> tuple[str, str]:
    """(colour key, headline) for a CertificateResult."""
    if result.genuine_and_valid:
        return "genuine", _("Genuine certificate: signature verified, valid today.")
    if result.signature == "invalid":
        return "invalid", _("INVALID signature: this certificate may be forged or altered.")
    if result.signature == "valid" and result.expired:
        return "invalid", _("Genuine signature, but the certificate has EXPIRED.")
    if result.malformed:
        return "invalid", _("This code cannot be read as a health certificate.")
    if result.signature == "unknown_key":
        return "unknown", _("Issuer key unknown to this post: authenticity NOT verified.")
    return "unknown", _("Not a signed certificate: authenticity NOT verified.")


class ScreeningScreen(QWidget, Retranslatable):
    screeningRecorded = Signal(object)     # ScreeningSummary
    certificateChecked = Signal(object)    # CertificateResult

    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.settings, self.profile, self.demo = settings, profile, demo
        self.setObjectName("screeningScreen")
        self.rows: list[Registration] = []
        self.current: Registration | None = None
        self.form = None
        self.certificate = None              # the verified CertificateResult of the current traveller
        self._protocols = None
        self._recorded_for: str | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        # ---------------------------------------------------------------- left: the list
        left = QWidget(splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.day, self.search = day_and_search(self, left, day_name="screeningDay", search_name="screeningSearch")
        self.search.returnPressed.connect(self._focus_list)
        # a short hint that fits the narrow list; the full one as a tooltip
        self.bind(self.search.setPlaceholderText, N_("Name or document no."))
        self.bind(self.search.setToolTip, N_("Search by name or document number…"))
        bar.addWidget(self.day)
        bar.addWidget(self.search, 1)
        lv.addLayout(bar)
        self.table = QTableWidget(left)
        self.table.setObjectName("screeningTable")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)        # long names wrap onto a second line, not clipped
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # long outcome labels elide, the full text in the tooltip
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _i: self._focus_form())
        lv.addWidget(self.table, 1)
        self.count_label = QLabel(left)
        self.count_label.setObjectName("screeningCount")
        lv.addWidget(self.count_label)
        left.setMinimumWidth(240)

        # ---------------------------------------------------------------- right: the traveller
        right = QWidget(splitter)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 0, 0, 0)
        rv.setSpacing(4)
        top = QHBoxLayout()
        self.identity = QLabel(left)
        self.identity.setObjectName("travellerIdentity")
        self.identity.setTextFormat(Qt.TextFormat.RichText)
        self.identity.setWordWrap(True)
        self.identity.setFrameShape(QFrame.Shape.StyledPanel)
        self.identity.setStyleSheet("QLabel#travellerIdentity{padding:6px;background:#fafafa;}")
        self.identity.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        lv.addWidget(self.identity)

        self.cert_box = QGroupBox(right)
        self.cert_box.setObjectName("certificateBox")
        self.bind(self.cert_box.setTitle, N_("Vaccination certificate (scan the QR code)"))
        cb = QVBoxLayout(self.cert_box)
        cb.setSpacing(2)
        cb.setContentsMargins(6, 4, 6, 4)
        self.scan = ScanField(self.cert_box, looks_complete=lambda _t: False)
        self.scan.setObjectName("certificateScan")
        self.scan.setFixedHeight(self.scan.fontMetrics().lineSpacing() + 14)
        self.scan.barcodeScanned.connect(self.verify_code)
        self.scan.scanned.connect(self.verify_code)
        row = QHBoxLayout()
        self.verify_button = QPushButton(self.cert_box)
        self.verify_button.setObjectName("verifyCertificate")
        self.bind(self.verify_button.setText, N_("Verify"))
        self.verify_button.clicked.connect(lambda: self.verify_code(self.scan.toPlainText()))
        hint = QLabel(self.cert_box)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        self.bind(hint.setText, N_("Scan, or paste the code and press Ctrl+Enter."))
        self.bind(self.scan.setPlaceholderText, N_("Scan, or paste the code and press Ctrl+Enter."))
        hint.hide()
        row.addWidget(self.scan, 1)
        row.addWidget(self.verify_button)
        cb.addLayout(row)
        self.cert_result = QLabel(self.cert_box)
        self.cert_result.setObjectName("certificateResult")
        self.cert_result.setWordWrap(True)
        self.cert_result.setTextFormat(Qt.TextFormat.RichText)
        self.cert_result.hide()
        cb.addWidget(self.cert_result)
        top.addWidget(self.cert_box, 1)
        rv.addLayout(top)

        self.form_holder = QVBoxLayout()
        self.placeholder = QLabel(right)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color:#666;font-size:12pt;")
        self.bind(self.placeholder.setText, N_("Select a traveller in the list to screen them."))
        self.form_holder.addWidget(self.placeholder, 1)
        rv.addLayout(self.form_holder, 1)

        bottom = QHBoxLayout()
        self.notice = Notice(right)
        self.notice.setObjectName("screeningNotice")
        bottom.addWidget(self.notice, 1)
        self.print_button = QPushButton(right)
        self.print_button.setObjectName("printScreeningSlip")
        self.bind(self.print_button.setText, N_("Print the screening attestation (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_attestation)
        self.print_button.setVisible(allowed(actor.role, Permission.PRINT_SLIP))
        self.print_button.setEnabled(False)
        bottom.addWidget(self.print_button)
        rv.addLayout(bottom)

        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 940])

        for keys, slot in (("Ctrl+F", self.search.setFocus), ("Ctrl+K", self.scan.setFocus),
                           ("Ctrl+P", self.print_attestation)):
            shortcut = QShortcut(QKeySequence(keys), self, activated=slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._show_identity()
        self.on_retranslate()

    # ------------------------------------------------------------------ list
    def on_retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self._fill()
        self._show_identity()
        if self.certificate is not None:
            self._show_certificate(self.certificate)

    def refresh(self) -> None:
        day = selected_day(self.day)
        query = self.search.text().strip() or None
        Op(lambda: RegistrationService(self.db, self.actor).list_day(day, query=query), parent=self) \
            .success(self._loaded).failure(self._failed).run()

    def _loaded(self, rows: list[Registration]) -> None:
        keep = self.current.crossing_id if self.current is not None else None
        self.rows = [r for r in rows if not r.voided]
        self._fill()
        if keep is not None:
            for i, reg in enumerate(self.rows):
                if reg.crossing_id == keep:
                    self.table.blockSignals(True)
                    self.table.selectRow(i)
                    self.table.blockSignals(False)
                    self.current = reg
                    break
        self._apply_pending_draft()

    # ------------------------------------------------------------------ drafts (idle sign-out)
    def save_draft(self) -> dict | None:
        """The screening being typed (traveller, answers, referral), kept in memory when the
        session locks for inactivity; ``None`` when nothing was typed or it was recorded."""
        form, reg = self.form, self.current
        if form is None or reg is None or self._recorded_for == reg.crossing_id:
            return None
        answers = {qid: v for qid, v in form.raw_answers().items() if v not in (None, "", [], ())}
        destination, notes = form.destination.currentText().strip(), form.notes.toPlainText().strip()
        if not answers and not destination and not notes:
            return None
        return {"crossing_id": reg.crossing_id, "day": selected_day(self.day), "answers": answers,
                "destination": destination, "notes": notes}

    def restore_draft(self, draft: dict | None) -> None:
        """Bring a kept screening back: its day, its traveller, what was typed."""
        if not draft:
            return
        self._pending_draft = draft
        day = draft.get("day")
        if day is not None and day != selected_day(self.day):
            self.day.setDate(QDate(day))          # reloads the list, then applies the draft
        else:
            self.refresh()

    def _apply_pending_draft(self) -> None:
        draft = getattr(self, "_pending_draft", None)
        if not draft or not self.select_crossing(draft["crossing_id"]):
            return
        self._pending_draft = None
        if self.form is None:
            return
        for qid, value in draft["answers"].items():
            if qid in self.form._fields:
                self.form.set_answer(qid, value)
        if draft.get("destination"):
            self.form.destination.setEditText(draft["destination"])
        if draft.get("notes"):
            self.form.notes.setPlainText(draft["notes"])

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, reg in enumerate(self.rows):
            p, d, c = reg.person, reg.document, reg.crossing
            values = (
                post_time(c.crossed_at).strftime("%H:%M"),
                " ".join(x for x in (p.surname, p.given_names) if x),
                outcome_label(reg.screening_outcome),
            )
            tip = d.number if d else _("declared identity")
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{values[1]} — {tip} — {values[2]}")
                if col == 2 and reg.screening_outcome:
                    try:
                        item.setForeground(QColor(OUTCOME_COLOURS[Outcome(reg.screening_outcome)][1]))
                    except ValueError:
                        pass
                self.table.setItem(r, col, item)
        self.count_label.setText(ngettext("{n} registration", "{n} registrations", len(self.rows)).format(
            n=len(self.rows)))

    def _focus_list(self) -> None:
        self.table.setFocus()
        if self.rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(max(0, self.table.currentRow()))

    def _focus_form(self) -> None:
        if self.form is not None:
            self.form.focusNextChild()

    def select_crossing(self, crossing_id: str) -> bool:
        for i, reg in enumerate(self.rows):
            if reg.crossing_id == crossing_id:
                self.table.selectRow(i)
                return True
        return False

    def _selection_changed(self) -> None:
        row = self.table.currentRow()
        reg = self.rows[row] if 0 <= row < len(self.rows) else None
        if reg is None or (self.current is not None and reg.crossing_id == self.current.crossing_id
                           and self.form is not None):
            return
        self.current = reg
        self.certificate = None
        self._recorded_for = None
        self.cert_result.hide()
        self.scan.reset()
        self.notice.hide()
        self._show_identity()
        self._build_form()
        self.print_button.setEnabled(bool(reg.screening_outcome))

    # ------------------------------------------------------------------ identity and form
    def _show_identity(self) -> None:
        reg = self.current
        if reg is None:
            self.identity.setText("<i>" + html.escape(_("No traveller selected.")) + "</i>")
            return
        p, d = reg.person, reg.document
        name = " ".join(x for x in (p.surname.upper(), p.given_names) if x)
        birth = format_date(p.birth_date) or "?"
        if p.birth_date_approximate and p.birth_date:
            birth = _("about {date}").format(date=format_date(p.birth_date))
        sex = _(SEX_LABELS[p.sex]) if p.sex in SEX_LABELS else _("unknown")
        nationality = countries.name(p.nationality) if p.nationality else _("unknown")
        if d is not None:
            doc = "{kind} {number} ({state})".format(kind=d.doc_type.label, number=d.number,
                                                      state=d.issuing_state or "?")
        else:
            doc = _("declared identity (no document)")
        lines = [
            f"<b style='font-size:13pt'>{html.escape(name)}</b>",
            html.escape(_("Born: {date} — Sex: {sex}").format(date=birth, sex=sex)) + " — "
            + html.escape(_("Nationality: {country}").format(country=nationality)),
            html.escape(_("Document: {document}").format(document=doc)),
            "<b>" + html.escape(_("Current screening outcome: {outcome}").format(
                outcome=outcome_label(reg.screening_outcome))) + "</b>",
        ]
        self.identity.setText("<br>".join(lines))

    def _load_protocols(self):
        if self._protocols is None:
            self._protocols = load_protocols()
        return self._protocols

    def active_protocols(self):
        protocols = self._load_protocols()
        wanted = list(self.settings.active_protocols) if self.settings is not None \
            else default_active_protocols(protocols)
        ids = [pid for pid in wanted if pid in protocols] or [pid for pid in ("general",) if pid in protocols]
        return protocols.select(ids)

    def _build_form(self) -> None:
        if self.form is not None:
            self.form_holder.removeWidget(self.form)
            self.form.deleteLater()
            self.form = None
        reg = self.current
        if reg is None:
            self.placeholder.show()
            return
        try:
            screening_settings = ScreeningSettings.from_settings(self.settings) if self.settings is not None \
                else ScreeningSettings()
        except ValueError:
            screening_settings = ScreeningSettings()
        try:
            spec = build_form(self.active_protocols(), Traveller(reg.person.birth_date, reg.person.sex),
                              utcnow(), screening_settings)
        except UserFacingError as exc:
            self.notice.show_message(exc.message, "error")
            return
        self.placeholder.hide()
        self.form = ScreeningForm(spec, self, facilities=self._facilities())
        self.form.setObjectName("screeningForm")
        self.form.submitted.connect(self._submit)
        self.form_holder.addWidget(self.form, 1)

    def _facilities(self) -> tuple[str, ...]:
        value = getattr(self.settings, "referral_facilities", None) if self.settings is not None else None
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    # ------------------------------------------------------------------ certificate
    def verify_code(self, text: str) -> None:
        text = (text or "").strip()
        if not text:
            self.notice.show_message(_("Scan or paste a certificate code first."), "warning")
            return
        if len(text) > 16_000:
            self.notice.show_message(_("This code is too long to be a health certificate."), "error")
            return
        profile = self.profile
        self.verify_button.setEnabled(False)

        db = self.db

        def body():
            return read_scanned_code(db, profile, text, at=utcnow())

        Op(body, parent=self, resource="scan").success(self._verified).failure(self._failed) \
            .finally_(lambda: self.verify_button.setEnabled(True)).run()

    def _verified(self, result) -> None:
        self.scan.reset()
        self.certificate = result
        self._show_certificate(result)
        filled = self._fill_yellow_fever(result)
        self.certificateChecked.emit(result)
        if filled:
            self.notice.show_message(filled, "info")

    def _show_certificate(self, result) -> None:
        key, headline = certificate_verdict(result)
        summary = list(result.summary_lines())
        demo = bool(getattr(result, "demo", False))
        problems: list[str] = []
        if result.kind == "slip":
            # the slip's own verdict (it is not a health certificate), said once
            headline = verdict(result)
            summary = [line for line in summary if line != headline]
            problems = self._slip_mismatch(result)
        if demo:
            key = "unknown"
        if problems and key == "genuine":
            key = "invalid"
        bg, fg = CERT_COLOURS[key]
        lines = []
        if demo:  # in large letters: anyone can sign with the demo key
            lines.append("<span style='font-size:x-large;font-weight:bold;color:#b71c1c'>DÉMO</span>")
        lines.append(f"<b style='color:{fg}'>{html.escape(headline)}</b>")
        if problems:
            lines.append("<b style='color:#b71c1c'>⚠ " + html.escape(
                _("This slip is NOT for the selected traveller:")) + "</b>")
            lines += ["<span style='color:#b71c1c'>" + html.escape(p) + "</span>" for p in problems]
        lines += [html.escape(line) for line in summary]
        self.cert_result.setText("<br>".join(lines))
        self.cert_result.setStyleSheet(f"QLabel#certificateResult{{background:{bg};border:2px solid {fg};"
                                       f"border-radius:4px;padding:4px;color:#212121;}}")
        self.cert_result.setProperty("verdict", "demo" if demo else key)
        self.cert_result.setProperty("mismatch", bool(problems))
        self.cert_result.show()

    def _slip_mismatch(self, result) -> list[str]:
        """How a scanned slip differs from the selected traveller (names, birth date,
        document), translated; empty when it matches or nothing is selected."""
        reg = self.current
        if reg is None or result.malformed:
            return []
        person, document = reg.person, reg.document
        name = " ".join(x for x in (person.surname, person.given_names) if x)
        return slip_matches(result, name=name or None, birth_date=person.birth_date,
                            issuing_state=getattr(document, "issuing_state", None) if document else None,
                            document_number=getattr(document, "number", None) if document else None)

    def _fill_yellow_fever(self, result) -> str | None:
        """Fill the yellow fever answers a verified certificate gives (the mapping is the
        domain's, :mod:`border_app.screening.certificates`); the message to show, or None."""
        if self.form is None:
            return None
        fill = yellow_fever_answers(result, {f.id for f in self.form.spec.fields()})
        if fill is None:
            return None
        for qid, value in fill.answers.items():
            self.form.set_answer(qid, value)
        when = fill.vaccinated_on
        return _("Yellow fever vaccination filled in from the verified certificate (vaccinated on {date}).").format(
            date=format_date(when) if when else "?")

    # ------------------------------------------------------------------ record
    def _submit(self, record) -> None:
        """Store the form's :class:`~border_app.screening.ScreeningRecord`, with the summary
        of the scanned certificate if any."""
        reg = self.current
        if reg is None:
            return
        try:
            record = record.with_certificate(self.certificate)
        except UserFacingError as exc:
            self.notice.show_message(exc.message, "error")
            return
        crossing_id = reg.crossing_id
        form = self.form
        if form is not None:
            form.submit_button.setEnabled(False)

        def done():
            if form is not None:
                try:
                    form.submit_button.setEnabled(True)
                except RuntimeError:
                    pass

        Op(lambda: ScreeningService(self.db, self.actor).record(crossing_id, record), parent=self) \
            .success(self._recorded).failure(self._failed).finally_(done).run()

    def _recorded(self, summary) -> None:
        self._recorded_for = summary.crossing_id
        for reg in self.rows:
            if reg.crossing_id == summary.crossing_id:
                reg.screening_outcome = summary.outcome
        self._fill()
        self._show_identity()
        label = outcome_label(summary.outcome)
        self.notice.show_message(_("Screening recorded: {outcome}.").format(outcome=label),
                                 "ok" if summary.outcome == "cleared" else "warning")
        self.print_button.setEnabled(True)
        self.screeningRecorded.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        report_failure(self, exc, self.notice)

    # ------------------------------------------------------------------ print
    def print_attestation(self) -> None:
        if not self.print_button.isVisible():
            return
        reg = self.current
        if reg is None or not (reg.screening_outcome or self._recorded_for == reg.crossing_id):
            self.notice.show_message(_("Record the screening before printing its attestation."), "warning")
            return
        print_slip(self, self.db, self.actor, reg.crossing_id, "screening", settings=self.settings,
                   profile=self.profile, demo=self.demo, reprint=None, on_failure=self._failed)
