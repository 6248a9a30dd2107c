"""What leaves the post: the ONE list of exported fields per entity (data minimisation).

Anything not named here never leaves the post: photos (``photo_ref``), document images
(``image_refs``), the raw MRZ (``mrz_raw``), telephone numbers, free-text notes of
crossings, user names and password hashes, protection details. Health answers travel in
their own section (``health``), which the coordination stores where only health readers
can read it. See ``docs/bundles.md``.
"""

from __future__ import annotations

ENTITIES = ("persons", "documents", "crossings", "screenings", "health", "slips", "tombstones", "audit")

#: the interface's ``counts`` keys (health rows are counted under "screenings" only)
COUNT_KEYS = ("persons", "documents", "crossings", "screenings", "slips", "tombstones", "audit")

WHITELIST: dict[str, tuple[str, ...]] = {
    "persons": ("id", "change_seq", "surname", "given_names", "sex", "birth_date", "birth_date_approximate",
                "nationality", "identity_declared", "created_at"),
    "documents": ("id", "change_seq", "person_id", "doc_type", "document_code", "number", "issuing_state",
                  "expiry_date", "mrz_format", "mrz_valid"),
    "crossings": ("id", "change_seq", "person_id", "document_id", "direction", "crossed_at", "transport_mode",
                  "origin", "destination", "reason", "group_size", "recorded_at", "voided", "void_reason",
                  "confirmed_invalid", "confirmed_expired"),
    "screenings": ("id", "change_seq", "person_id", "crossing_id", "screened_at", "outcome", "protocol_versions",
                   "voided"),
    "health": ("id", "answers", "temperature_c", "temperature_method", "fired", "actions", "referral_destination",
               "referral_notes", "certificate"),
    "slips": ("id", "change_seq", "serial", "crossing_id", "screening_id", "kind", "size", "issued_at",
              "duplicate", "original_id", "copy_no"),
    "tombstones": ("id", "change_seq", "entity", "entity_id", "deleted_at"),
    "audit": ("id", "seq", "at", "user_id", "action", "entity", "entity_id"),
}

assert tuple(WHITELIST) == ENTITIES
