"""Domain records shared by every layer (plain dataclasses, no ORM, no Qt).

Repositories in ``db/`` return these, the UI shows them, ``printing/`` renders them.
Identifiers are UUID strings so that records from many posts merge without clash.
Times are timezone-aware UTC ``datetime`` objects; dates of birth are *partial* ISO
strings (``"1985"``, ``"1985-03"``, ``"1985-03-12"``) with an ``approximate`` flag for
declared identities ("about 1985").
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .i18n import N_, _
from .roles import Role


def new_id() -> str:
    return str(uuid.uuid4())


class Direction(str, enum.Enum):
    ENTRY = "entry"
    EXIT = "exit"

    @property
    def label(self) -> str:
        return _(DIRECTION_LABELS[self])


DIRECTION_LABELS = {Direction.ENTRY: N_("Entry"), Direction.EXIT: N_("Exit")}


class TransportMode(str, enum.Enum):
    FOOT = "foot"
    CAR = "car"
    BUS = "bus"
    TRUCK = "truck"
    MOTORCYCLE = "motorcycle"
    ANIMAL = "animal"       # camel, donkey, horse
    BICYCLE = "bicycle"
    BOAT = "boat"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(TRANSPORT_LABELS[self])


TRANSPORT_LABELS = {
    TransportMode.FOOT: N_("On foot"),
    TransportMode.CAR: N_("Car"),
    TransportMode.BUS: N_("Bus"),
    TransportMode.TRUCK: N_("Truck"),
    TransportMode.MOTORCYCLE: N_("Motorcycle"),
    TransportMode.ANIMAL: N_("Animal (camel, donkey)"),
    TransportMode.BICYCLE: N_("Bicycle"),
    TransportMode.BOAT: N_("Boat"),
    TransportMode.OTHER: N_("Other"),
}


class TravelReason(str, enum.Enum):
    WORK = "work"
    TRADE = "trade"
    FAMILY = "family"
    STUDIES = "studies"
    HEALTH = "health"
    TOURISM = "tourism"
    RETURN = "return"            # returning home (incl. assisted voluntary return)
    DISPLACEMENT = "displacement"  # fleeing conflict or disaster
    TRANSIT = "transit"
    PASTORALISM = "pastoralism"  # seasonal herding
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(REASON_LABELS[self])


REASON_LABELS = {
    TravelReason.WORK: N_("Work"),
    TravelReason.TRADE: N_("Trade"),
    TravelReason.FAMILY: N_("Family visit"),
    TravelReason.STUDIES: N_("Studies"),
    TravelReason.HEALTH: N_("Health care"),
    TravelReason.TOURISM: N_("Tourism"),
    TravelReason.RETURN: N_("Return home"),
    TravelReason.DISPLACEMENT: N_("Displacement (conflict, disaster)"),
    TravelReason.TRANSIT: N_("Transit"),
    TravelReason.PASTORALISM: N_("Pastoralism"),
    TravelReason.OTHER: N_("Other"),
}


class DocumentType(str, enum.Enum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    VISA = "visa"
    RESIDENCE_PERMIT = "residence_permit"
    TRAVEL_CERTIFICATE = "travel_certificate"   # laissez-passer, ECOWAS travel certificate
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(DOCUMENT_TYPE_LABELS[self])


DOCUMENT_TYPE_LABELS = {
    DocumentType.PASSPORT: N_("Passport"),
    DocumentType.ID_CARD: N_("Identity card"),
    DocumentType.VISA: N_("Visa"),
    DocumentType.RESIDENCE_PERMIT: N_("Residence permit"),
    DocumentType.TRAVEL_CERTIFICATE: N_("Travel certificate / laissez-passer"),
    DocumentType.OTHER: N_("Other document"),
}

SEXES = ("M", "F", "X")  # X: unspecified; None: unknown

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial_date(value: str | None) -> str | None:
    """Validate a partial ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); ``None`` passes."""
    if value in (None, ""):
        return None
    m = _PARTIAL_DATE.match(value)
    if not m:
        raise ValueError(value)
    year, month, day = m.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(value)
    if day is not None:
        date(int(year), int(month), int(day))  # raises ValueError when impossible
    return value


#: an age typed instead of a birth date: "40", "~40", "about 40", "40 ans", "environ 40 ans"
_AGE = re.compile(r"^(?:~|about|around|approx\.?|environ|vers|env\.?)?\s*(\d{1,3})\s*"
                  r"(?:y|yr|yrs|year|years|years old|ans?|an)?$", re.IGNORECASE)
MAX_AGE = 130


def parse_age(text: str | None) -> int | None:
    """An age in years typed where a birth date is asked ("40", "about 40", "40 ans");
    ``None`` when the text is not an age (a year has four digits, so "1985" is not one)."""
    m = _AGE.match((text or "").strip())
    if not m:
        return None
    age = int(m.group(1))
    return age if 0 <= age <= MAX_AGE else None


def birth_year_from_age(age: int, today: date) -> str:
    """The approximate birth date stored for "about ``age`` years old": the year ``today``'s
    year minus ``age`` (a partial ISO date, shown as approximate)."""
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise ValueError(age)
    return f"{today.year - age:04d}"


@dataclass
class Post:
    id: str
    name: str
    pcode: str
    country: str = "NER"
    language: str = "fr"
    demo: bool = False


@dataclass
class Actor:
    """The signed-in user, as the services see them. ``keys`` is the unlocked key ring
    (``border_app.keys.UnlockedKeys``) or ``None`` when this user holds no key slot."""

    user_id: str
    username: str
    full_name: str
    role: Role
    post_id: str
    language: str = "fr"
    keys: Any = None
    demo: bool = False


@dataclass
class UserInfo:
    id: str
    username: str
    full_name: str
    role: Role
    active: bool
    language: str = "fr"
    #: locked for a while after too many wrong passwords (the administrator can unlock it)
    locked: bool = False


@dataclass
class PersonData:
    surname: str
    given_names: str = ""
    sex: str | None = None                 # "M", "F", "X" or None (unknown)
    birth_date: str | None = None          # partial ISO
    birth_date_approximate: bool = False   # "about 1985"
    nationality: str | None = None         # ICAO 3-letter code
    identity_declared: bool = False        # no document: identity as declared
    photo_ref: str | None = None           # file name under the profile's photos/
    phone: str | None = None
    id: str | None = None


@dataclass
class DocumentData:
    doc_type: DocumentType
    number: str
    issuing_state: str | None = None
    expiry_date: date | None = None
    document_code: str | None = None       # MRZ document code, e.g. "P<", "ID", "V<"
    mrz_format: str | None = None          # TD1, TD2, TD3, MRVA, MRVB
    mrz_raw: str | None = None             # the MRZ lines, newline-separated
    mrz_valid: bool | None = None
    image_refs: list[str] = field(default_factory=list)
    id: str | None = None


@dataclass
class CrossingData:
    direction: Direction
    crossed_at: datetime
    transport_mode: TransportMode | None = None
    origin: str | None = None              # place or country of departure
    destination: str | None = None
    reason: TravelReason | None = None
    group_size: int = 1
    notes: str | None = None
    id: str | None = None


@dataclass
class RegistrationDraft:
    """What a registration screen (or the CLI, or the demo generator) submits."""

    person: PersonData
    crossing: CrossingData
    document: DocumentData | None = None
    #: the official confirmed saving a document whose check digits fail / that had expired
    #: on the day of the crossing (``db.validation.document_problems``); the service refuses
    #: such a document without it
    confirmed_invalid: bool = False
    confirmed_expired: bool = False


@dataclass
class Registration:
    """A stored registration: a crossing with its person and document, as read back."""

    crossing_id: str
    person: PersonData
    crossing: CrossingData
    document: DocumentData | None
    post_id: str
    recorded_by: str
    recorded_at: datetime
    voided: bool = False
    void_reason: str | None = None
    screening_outcome: str | None = None
    #: saved with a document whose check digits fail / that had expired, as confirmed
    confirmed_invalid: bool = False
    confirmed_expired: bool = False


@dataclass
class EarlierCrossing:
    crossing_id: str
    post_name: str
    direction: Direction
    crossed_at: datetime
    voided: bool = False
    # the name the document was registered under then (a different name today: possible misuse)
    surname: str = ""
    given_names: str = ""


@dataclass
class AuditEntry:
    id: str
    at: datetime
    user_id: str | None
    action: str
    entity: str
    entity_id: str | None
    post_id: str
    seq: int
    #: the user name of ``user_id`` (None: no account, e.g. a wrong user name at sign-in)
    username: str | None = None
