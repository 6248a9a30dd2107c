"""Serial-port barcode scanner source (pyserial).

Many fixed scanners speak a plain serial protocol: each code followed by CR and/or LF.
``SerialScanner(port).read_codes()`` yields decoded texts; ``port`` may be a device
(``/dev/ttyACM0``, ``COM3``) or a pyserial URL (``loop://`` in tests).

pyserial is imported at the top: a run-time dependency, and cheap (``python -X importtime``:
``serial`` 3-15 ms, ``serial.tools.list_ports`` about 1 ms).
"""

from __future__ import annotations

from collections.abc import Iterator

import serial
from serial.tools import list_ports as lp

from border_app.errors import DeviceUnavailable
from border_app.i18n import _

MAX_CODE_BYTES = 8192


def list_ports() -> list[str]:
    return [p.device for p in lp.comports()]


class SerialScanner:
    def __init__(self, port: str, *, baudrate: int = 9600, timeout: float = 0.2):
        self.port = port
        self.baudrate = baudrate
        self.timeout = timeout
        self._serial: serial.SerialBase | None = None
        self._buffer = bytearray()

    def open(self) -> "SerialScanner":
        try:
            self._serial = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=self.timeout)
        except (serial.SerialException, ValueError, OSError) as exc:
            raise DeviceUnavailable(
                _("Cannot open the scanner on {port}: {reason}").format(port=self.port, reason=str(exc))
            ) from None
        return self

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None

    def __enter__(self) -> "SerialScanner":
        return self.open() if self._serial is None else self

    def __exit__(self, *exc) -> None:
        self.close()

    def write(self, data: bytes) -> None:  # for loopback tests and scanner commands
        assert self._serial is not None, "open() the scanner first"
        self._serial.write(data)

    def poll(self) -> list[str]:
        """Read what is available now; return the complete codes received."""
        if self._serial is None:
            raise DeviceUnavailable(_("The scanner is not open."))
        try:
            chunk = self._serial.read(max(1, getattr(self._serial, "in_waiting", 0) or 1))
        except Exception as exc:
            raise DeviceUnavailable(_("The scanner stopped answering: {reason}").format(reason=str(exc))) from None
        self._buffer += chunk
        codes = []
        while True:
            cut = min((i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            line, self._buffer = bytes(self._buffer[:cut]), self._buffer[cut + 1:]
            if line:
                codes.append(_decode(line))
        if len(self._buffer) > MAX_CODE_BYTES:  # no terminator ever came: drop, never grow unbounded
            self._buffer.clear()
        return codes

    def read_codes(self, limit: int | None = None) -> Iterator[str]:
        count = 0
        while limit is None or count < limit:
            for code in self.poll():
                yield code
                count += 1
                if limit is not None and count >= limit:
                    return


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
