"""Base45 (RFC 9285), strict: the alphabet is ``0-9A-Z $%*+-./:``."""

from __future__ import annotations

from border_app.certificates.limits import MAX_BASE45, PayloadError
from border_app.i18n import _

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        value = data[i] * 256 + data[i + 1]
        value, c = divmod(value, 45)
        e, d = divmod(value, 45)
        out += [ALPHABET[c], ALPHABET[d], ALPHABET[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [ALPHABET[c], ALPHABET[d]]
    return "".join(out)


def b45decode(text: str, *, limit: int = MAX_BASE45) -> bytes:
    if len(text) > limit:
        raise PayloadError(_("The Base45 text is too long ({count} characters).").format(count=len(text)))
    if len(text) % 3 == 1:
        raise PayloadError(_("The Base45 text has an invalid length."))
    try:
        values = [_INDEX[c] for c in text]
    except KeyError as exc:
        raise PayloadError(
            _("The Base45 text contains an invalid character {char!r}.").format(char=exc.args[0])
        ) from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            value = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            if value > 0xFFFF:
                raise PayloadError(_("The Base45 text is invalid (a triplet is out of range)."))
            out += value.to_bytes(2, "big")
        else:
            value = chunk[0] + chunk[1] * 45
            if value > 0xFF:
                raise PayloadError(_("The Base45 text is invalid (a pair is out of range)."))
            out.append(value)
    return bytes(out)
