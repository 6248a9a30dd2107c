"""Background work that never blocks the GUI thread (after Anki's ``CollectionOp``).

Each non-thread-safe resource has one serial worker (``max_workers=1``): the database
(SQLite has a single writer), the camera/OCR, exports. The operation body runs in the
worker and must never touch widgets; ``success``/``failure`` callbacks run on the GUI
thread. A Session is opened *inside* the body (services do that), never shared.

    Op(lambda: service.register(draft), parent=self).success(self._saved).run()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

_executors: dict[str, ThreadPoolExecutor] = {}


def executor(name: str) -> ThreadPoolExecutor:
    if name not in _executors:
        _executors[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"border-{name}")
    return _executors[name]


def shutdown_executors(wait: bool = True) -> None:
    for ex in list(_executors.values()):
        ex.shutdown(wait=wait, cancel_futures=False)
    _executors.clear()


class _Bridge(QObject):
    """Carries a callable from a worker thread to the GUI thread."""

    call = Signal(object)

    def __init__(self):
        super().__init__()
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def _run(fn: Callable[[], None]) -> None:
        fn()


_bridge: _Bridge | None = None


def _get_bridge() -> _Bridge:
    global _bridge
    if _bridge is None:
        _bridge = _Bridge()
    return _bridge


def run_on_main(fn: Callable[[], None]) -> None:
    _get_bridge().call.emit(fn)


_pending: set["Op"] = set()


class Op:
    def __init__(self, body: Callable[[], Any], *, parent: QWidget | None = None, resource: str = "db"):
        self._body = body
        self._parent = parent
        self._resource = resource
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_finally: Callable[[], None] | None = None
        self.future: Future | None = None

    def success(self, fn: Callable[[Any], None]) -> "Op":
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> "Op":
        self._on_failure = fn
        return self

    def finally_(self, fn: Callable[[], None]) -> "Op":
        self._on_finally = fn
        return self

    def run(self) -> "Op":
        _get_bridge()  # created on the GUI thread
        _pending.add(self)
        self.future = executor(self._resource).submit(self._body)
        self.future.add_done_callback(lambda fut: run_on_main(lambda: self._finish(fut)))
        return self

    def _finish(self, fut: Future) -> None:
        _pending.discard(self)
        if self._parent is not None and not isValid(self._parent):
            return  # the widget is gone: nothing to update
        try:
            exc = fut.exception()
            if exc is None:
                if self._on_success is not None:
                    self._on_success(fut.result())
            elif self._on_failure is not None:
                self._on_failure(exc)
            else:
                from .errors import show_error

                show_error(self._parent, exc)
        finally:
            if self._on_finally is not None:
                self._on_finally()


def pending_count() -> int:
    return len(_pending)
