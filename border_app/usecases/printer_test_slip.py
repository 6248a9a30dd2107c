"""The printer's test slip: a signed TEST attestation for a fictitious traveller, to check
a printer's alignment (``border-app slip --demo``, the printing settings' "Test slip").

No sign-in: it signs with the demo profile's keys when the demo keystore exists (unlocked
with the public demo password), else with a one-time key, and says which. A real post's key
never signs a fictitious traveller.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from db.demo import DEMO_PASSWORD, DEMO_PCODE, DEMO_POST_NAME
from printing.slips import render_slip

from .. import clock
from ..errors import KeyStoreError
from ..keys import Keystore
from ..slip_data import SlipData, sign_slip_data
from ..slip_payload import key_id_for

#: the fictitious registration every test slip is about
TEST_RECORD_ID = "00000000-0000-4000-8000-000000000000"


def serial_for(kind: str, record_id: str, issued_at: datetime) -> str:
    """A short printed serial: kind letter, issue date, 6 hex of the record id
    (``R250312-4F2A9C``). A reprint on the same day carries the same serial."""
    tag = hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:6].upper()
    return "{letter}{stamp}-{tag}".format(letter="R" if kind == "registration" else "S",
                                           stamp=issued_at.strftime("%y%m%d"), tag=tag)


class EphemeralKeys:
    """A one-time Ed25519 key for test slips when no demo keystore exists (never stored)."""

    def __init__(self, post_id: str = "demo-ephemeral"):
        self._key = Ed25519PrivateKey.generate()
        self.signing_public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.signing_key_id = key_id_for(self.signing_public_key)
        self.post_id = post_id

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(bytes(data))


def demo_keys(profile, demo: bool) -> tuple[Any, str]:
    """(keys, how): the demo keystore's keys (demo profile only), or a one-time key."""
    path = profile.keystore if demo and profile is not None else None
    if path is not None and path.exists():
        try:
            store = Keystore.load(path)
            for slot in store.slot_ids()[:3]:
                try:
                    return store.unlock(slot, DEMO_PASSWORD), "keystore"
                except KeyStoreError:
                    continue
        except Exception:  # noqa: BLE001 - fall back to a one-time key, and say so
            pass
    return EphemeralKeys(), "ephemeral"


def demo_slip_data(kind: str, issued_at: datetime) -> SlipData:
    """What the test slip says: a fictitious traveller at the demo post."""
    return SlipData(
        post_name=DEMO_POST_NAME, post_pcode=DEMO_PCODE, issued_at=issued_at,
        serial=serial_for(kind, TEST_RECORD_ID, issued_at),
        surname="EXEMPLE-DÉMO", given_names="Aïchatou Françoise",
        birth_date="1990", birth_date_approximate=True, nationality="NER",
        document_type="id_card", document_number="DEMO12345",
        screening_outcome="cleared" if kind == "screening" else None,
        direction="entry", record_id=TEST_RECORD_ID,
    )


def printer_test_slip(profile, demo: bool, *, kind: str, size: str,
                      languages: tuple[str, ...]) -> tuple[bytes, str, str]:
    """The signed TEST slip: (PDF, QR text, how the key was obtained: "keystore" |
    "ephemeral"). ``profile`` is the data folder's profile (its demo keystore), ``demo``
    whether it is the demo profile."""
    keys, how = demo_keys(profile, demo)
    issued = clock.utcnow().replace(microsecond=0)
    data = demo_slip_data(kind, issued)
    qr = sign_slip_data(data, kind=kind, post_id=getattr(keys, "post_id", "demo"), keys=keys, demo=True)
    pdf = render_slip(data, kind=kind, size=size, languages=languages, demo=True, qr_text=qr)
    return pdf, qr, how
