"""Fictitious travellers for training, demos and benchmarks (pure: no database, no Qt).

:func:`generate_travellers` yields :class:`~border_app.model.RegistrationDraft` records
that look like a day at a Niger border post: names of the region (Hausa, Zarma/Songhai,
Tuareg, Fulani, Kanuri, Arabic/Toubou, and neighbouring countries), men, women and
children, families travelling together, documents of several formats with *valid* MRZs
built by :mod:`border_app.mrz` (a few expired), about 15 % of travellers without any
document (identity as declared, birth year approximate), crossings in daytime hours over
several weeks, by bus, truck, car, motorcycle, on foot or with animals.

Every person is invented by combining common first names and family names at random;
any resemblance to a real person is chance. Deterministic for a given ``seed`` and
``end``; fast enough to generate a million records for benchmarks.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate

from . import clock
from .model import (
    CrossingData,
    Direction,
    DocumentData,
    DocumentType,
    PersonData,
    RegistrationDraft,
    TransportMode,
    TravelReason,
)
from .mrz.build import build_mrva, build_mrvb, build_td1, build_td2, build_td3
from .mrz.layouts import LAYOUTS

__all__ = ["generate_travellers", "NO_DOCUMENT_SHARE", "NIGER_PLACES", "FOREIGN_PLACES"]

NO_DOCUMENT_SHARE = 0.15

# -- names by group: (male given names, female given names, family names) --------------
_GROUPS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "hausa": (
        "Abdou Abdoulaye Issoufou Moussa Ibrahim Sani Habibou Lawali Mahamadou Nafiou Salissou "
        "Yacouba Bachir Harouna Kabirou Nouhou Rabiou Chaibou Maman Laouali Souleymane Zakari".split(),
        "Aïchatou Hadiza Zeinabou Rakia Mariama Hassana Balkissa Safiatou Haoua Fatchima Zalika "
        "Maimouna Rabi Nana Halima Salamatou Amina Hadjara".split(),
        ["Issoufou", "Mahamane", "Garba", "Dan Baki", "Sani", "Ousmane", "Tanko", "Maazou", "Dan Jimo",
         "Illa", "Yahaya", "Adamou", "Oumarou", "Bako", "Salifou", "Dodo", "Labo", "Moustapha", "Hamani",
         "Mai Gari", "Abdoulkarim", "Nomao", "Chaibou"],
    ),
    "zarma": (
        "Boubacar Hamidou Seyni Amadou Hama Idrissa Soumana Djibo Moumouni Hassane Oumarou Garba "
        "Alfari Siddo Zakou Yayé Issaka Saidou".split(),
        "Mariama Ramatou Fati Aissata Zeinabou Hadiza Kadidiatou Hawa Balkissa Adama Mounira "
        "Roukaya Salamatou Ousseina".split(),
        ["Hama", "Seyni", "Boubacar", "Djibo", "Soumana", "Moumouni", "Maiga", "Touré", "Kountché",
         "Harouna", "Hamidou", "Zakari", "Siddo", "Gado", "Tinni", "Yacouba", "Saley", "Alou"],
    ),
    "tuareg": (
        "Akoli Mohamed Rhissa Mano Ghali Alhassane Attaher Ibrahim Assalek Bilal Elhadj Mohamed "
        "Agali Alghabass Intalla Alkassoum Moussa".split(),
        "Tabouda Fadimata Mariam Tina Lalla Raichatou Takama Aminatou Fatimata Tahanine".split(),
        ["Ag Alher", "Ag Boula", "Ag Ghali", "Ag Intalla", "Ag Mohamed", "Ag Rhissa", "Walet Ahmed",
         "Ag Attaher", "Ag Assalek", "Alkassoum", "Ag Akoli", "Mohamed", "Ag Alhassane"],
    ),
    "fulani": (
        "Amadou Oumarou Hamadou Boubacar Mamoudou Alhousseini Souleymane Bello Ousmane Sambo "
        "Hamma Djibrilla Abdoulaye Yero Demba Samba".split(),
        "Aissata Djenabou Kadiatou Mariama Hawa Fanta Assanatou Habsatou Dikko Bintou Koumba "
        "Aminata".split(),
        ["Diallo", "Barry", "Sow", "Bah", "Ba", "Dicko", "Sidibé", "Sangaré", "Bello", "Boubé",
         "Hamadou", "Djibo", "Cissé", "Jallo", "Balde", "Kane", "Dia"],
    ),
    "kanuri": (
        "Kaka Abba Bukar Modu Mustapha Ali Lawan Goni Kachalla Zanna Mallam Kolo Adam Bulama".split(),
        "Falmata Fanna Yagana Aisa Hauwa Zara Kellu Amina Inna Yakaka".split(),
        ["Kaka", "Bukar", "Modu", "Kolo", "Goni", "Kachalla", "Mustapha", "Abba Kyari", "Ali", "Lawan",
         "Bulama", "Kime", "Zanna"],
    ),
    "arab_toubou": (
        "Mahamat Abakar Ahmat Brahim Hassan Youssouf Moussa Abderahim Issa Barka Allatchi Oumar "
        "Adoum Chidi Wardougou Sidi Mohamed".split(),
        "Khadidja Halimé Achta Zara Fatimé Hawa Mariam Amna Kaltouma Hadjé Salma".split(),
        ["Mahamat", "Abakar", "Ahmat", "Brahim", "Barka", "Chidi", "Allatchi", "Wardougou", "Togoi",
         "Adoum", "Ould Sidi", "Ould Ahmed", "Ben Ali", "Kellou", "Tchélé"],
    ),
    "nigeria_south": (
        "Chinedu Emeka Oluwaseun Tunde Adebayo Ifeanyi Babatunde Segun Uchenna Kelechi Olumide "
        "Chukwuma Femi Yusuf".split(),
        "Ngozi Chioma Funmilayo Adaeze Bisi Folake Nkechi Ifeoma Yetunde Blessing Aisha".split(),
        ["Okafor", "Adeyemi", "Okonkwo", "Olawale", "Eze", "Balogun", "Nwosu", "Adebayo", "Ogunleye",
         "Chukwu", "Obi", "Ibrahim", "Okeke"],
    ),
    "bambara": (
        "Modibo Seydou Bakary Mamadou Drissa Siaka Lassana Adama Fousseyni Moussa Sékou "
        "Souleymane".split(),
        "Fatoumata Oumou Mariam Kadiatou Assitan Aminata Djeneba Rokia Salimata Nana".split(),
        ["Traoré", "Coulibaly", "Keita", "Diarra", "Konaté", "Sangaré", "Doumbia", "Dembélé", "Sissoko",
         "Kanté", "Samaké", "Koné"],
    ),
    "mossi": (
        "Ousmane Boukary Salif Issouf Wendpouiré Zakaria Hamado Moumouni Rasmané Adama Karim".split(),
        "Alimata Awa Salamata Rasmata Pauline Mariam Aïssétou Habibou Zénabo Fatimata".split(),
        ["Ouédraogo", "Sawadogo", "Kaboré", "Compaoré", "Zongo", "Ilboudo", "Kaboré", "Tapsoba",
         "Nikiéma", "Zoungrana", "Ouattara", "Sanou"],
    ),
    "fon": (
        "Koffi Sèna Codjo Romuald Rodrigue Gildas Kossi Euloge Jean Arnaud Mathieu".split(),
        "Afi Rachidatou Bernadette Pélagie Mireille Edwige Colette Nafissatou Ruth".split(),
        ["Houngbédji", "Agossou", "Dossou", "Hounkpatin", "Adjovi", "Gbaguidi", "Sossou", "Zinsou",
         "Ahouansou", "Tossou", "Bio", "Chabi"],
    ),
    "wolof": (
        "Mamadou Cheikh Abdoulaye Modou Ousmane Ibrahima Babacar Pape Moustapha Serigne".split(),
        "Aminata Fatou Awa Ndeye Mame Astou Khady Coumba Sokhna Rokhaya".split(),
        ["Ndiaye", "Diop", "Fall", "Sarr", "Gueye", "Mbaye", "Faye", "Seck", "Niang", "Cissé", "Thiam"],
    ),
    "guinea": (
        "Alpha Mamadou Sékou Lansana Ibrahima Fodé Moussa Kerfala Mohamed Ousmane".split(),
        "Mariama Hadja Kadiatou Fatoumata Aissatou Mabinty Saran Djénab Néné".split(),
        ["Camara", "Condé", "Soumah", "Touré", "Sylla", "Kourouma", "Bangoura", "Keita", "Diakité",
         "Bah", "Diallo"],
    ),
    "ivorian": (
        "Kouassi Yao Konan Koffi Kouamé Seydou Dramane Adama Lassina Yacouba Arsène".split(),
        "Adjoua Amenan Affoué Akissi Mariam Aya Fanta Awa Christelle Rokia".split(),
        ["Kouassi", "Koné", "Ouattara", "Yao", "Kouadio", "Bamba", "Coulibaly", "Traoré", "N'Guessan",
         "Konan", "Diabaté"],
    ),
    "cameroon": (
        "Jean Paul Emmanuel Hamidou Alim Boris Ibrahim Aboubakar Samuel Martin".split(),
        "Marie Hadidja Aissatou Christine Esther Nadège Hapsatou Brigitte Sandrine".split(),
        ["Mbarga", "Nkoulou", "Fotso", "Tchoua", "Ngono", "Oumarou", "Hayatou", "Bello", "Ekotto",
         "Kamga", "Mballa"],
    ),
    "sudan": (
        "Mohamed Ahmed Osman Abdelrahman Omer Khalid Hamid Yasir Babiker Adam Ishag".split(),
        "Fatima Amna Hawa Sara Nafisa Rasha Huda Mariam Zeinab Samia".split(),
        ["Osman", "Abdallah", "Elhassan", "Babiker", "Ibrahim", "Hamid", "Adam", "Ishag", "Eltayeb",
         "Mohamed Ali", "Yousif"],
    ),
    "ghana": (
        "Kwame Kofi Kwabena Yaw Kwaku Kojo Ebo Nana Daniel Samuel".split(),
        "Akosua Ama Abena Afua Yaa Adwoa Efua Comfort Gifty".split(),
        ["Mensah", "Asante", "Owusu", "Boateng", "Osei", "Appiah", "Addo", "Agyeman", "Ofori", "Danso"],
    ),
}

# nationality -> ((group, weight), ...)
_NATIONAL_GROUPS: dict[str, tuple[tuple[str, int], ...]] = {
    "NER": (("hausa", 50), ("zarma", 22), ("tuareg", 9), ("fulani", 8), ("kanuri", 5), ("arab_toubou", 6)),
    "NGA": (("hausa", 45), ("nigeria_south", 30), ("kanuri", 12), ("fulani", 13)),
    "MLI": (("bambara", 45), ("zarma", 15), ("tuareg", 15), ("fulani", 25)),
    "BFA": (("mossi", 70), ("fulani", 20), ("bambara", 10)),
    "TCD": (("arab_toubou", 65), ("kanuri", 25), ("fulani", 10)),
    "DZA": (("tuareg", 40), ("arab_toubou", 60)),
    "LBY": (("arab_toubou", 80), ("tuareg", 20)),
    "BEN": (("fon", 75), ("fulani", 15), ("hausa", 10)),
    "SEN": (("wolof", 75), ("fulani", 25)),
    "GIN": (("guinea", 70), ("fulani", 30)),
    "CIV": (("ivorian", 90), ("bambara", 10)),
    "CMR": (("cameroon", 75), ("fulani", 25)),
    "SDN": (("sudan", 100),),
    "GHA": (("ghana", 100),),
    "TGO": (("fon", 70), ("ghana", 30)),
}
_NATIONALITIES = (("NER", 62), ("NGA", 16), ("MLI", 8), ("BFA", 6), ("TCD", 5), ("BEN", 3), ("SEN", 3),
                  ("GIN", 3), ("CIV", 2), ("CMR", 2), ("SDN", 3), ("GHA", 2), ("DZA", 1), ("LBY", 1),
                  ("TGO", 1))

NIGER_PLACES = ("Agadez", "Arlit", "Assamaka", "Niamey", "Zinder", "Maradi", "Tahoua", "Birni N'Konni",
                "Diffa", "Dosso", "Gaya", "Makalondi")
_NIGER_WEIGHTS = (14, 6, 8, 22, 8, 9, 7, 8, 5, 5, 4, 4)
#: foreign places with their country (origin of entries, destination of exits)
FOREIGN_PLACES = (("Kano", "NGA"), ("Katsina", "NGA"), ("Sokoto", "NGA"), ("Maiduguri", "NGA"),
                  ("Gao", "MLI"), ("Ménaka", "MLI"), ("Bamako", "MLI"), ("Ouagadougou", "BFA"),
                  ("Tamanrasset", "DZA"), ("Sebha", "LBY"), ("N'Djamena", "TCD"), ("Cotonou", "BEN"),
                  ("Malanville", "BEN"), ("Dakar", "SEN"), ("Abidjan", "CIV"), ("Conakry", "GIN"),
                  ("Lomé", "TGO"), ("Accra", "GHA"))
_FOREIGN_WEIGHTS = (16, 9, 8, 4, 6, 4, 3, 7, 6, 5, 5, 4, 4, 2, 2, 2, 2, 2)

_TRANSPORT = ((TransportMode.BUS, 34), (TransportMode.TRUCK, 15), (TransportMode.CAR, 15),
              (TransportMode.MOTORCYCLE, 15), (TransportMode.FOOT, 12), (TransportMode.ANIMAL, 5),
              (TransportMode.BICYCLE, 4))
_REASONS = ((TravelReason.TRADE, 25), (TravelReason.WORK, 20), (TravelReason.FAMILY, 19),
            (TravelReason.RETURN, 10), (TravelReason.TRANSIT, 8), (TravelReason.PASTORALISM, 4),
            (TravelReason.DISPLACEMENT, 5), (TravelReason.HEALTH, 4), (TravelReason.STUDIES, 3),
            (TravelReason.TOURISM, 1), (TravelReason.OTHER, 1))
# document formats for travellers who carry one
_FORMATS = (("TD3", 62), ("TD1", 28), ("TD2", 5), ("MRVA", 3), ("MRVB", 2))
# local (UTC+1) hour of crossing: posts open about 6:00-19:00, busy mornings and afternoons
_HOURS = ((6, 3), (7, 7), (8, 11), (9, 12), (10, 11), (11, 9), (12, 6), (13, 5), (14, 7), (15, 9),
          (16, 9), (17, 7), (18, 4))
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_DIGITS = "0123456789"


class _Weighted:
    """``pick(rng)`` draws one item by weight with one random number and a bisection."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs)
        self.items = [item for item, _w in pairs]
        self.cum = list(accumulate(w for _i, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


_NAT = _Weighted(_NATIONALITIES)
_GROUP_OF = {nat: _Weighted(groups) for nat, groups in _NATIONAL_GROUPS.items()}
_TRANSPORT_W = _Weighted(_TRANSPORT)
_REASON_W = _Weighted(_REASONS)
_FORMAT_W = _Weighted(_FORMATS)
_HOUR_W = _Weighted(_HOURS)
_NIGER_W = _Weighted(zip(NIGER_PLACES, _NIGER_WEIGHTS, strict=True))
_FOREIGN_W = _Weighted(zip(FOREIGN_PLACES, _FOREIGN_WEIGHTS, strict=True))
_MRZ_NAME_TABLE = str.maketrans({"é": "E", "è": "E", "ë": "E", "ï": "I", "É": "E", "ç": "C", "'": None})


_MRZ_FORMS: dict[str, str] = {}


def _mrz_form(name: str) -> str:
    """The name as it reads back from an MRZ (upper case, no accents, no apostrophe)."""
    form = _MRZ_FORMS.get(name)
    if form is None:
        form = _MRZ_FORMS[name] = name.translate(_MRZ_NAME_TABLE).upper().replace("-", " ")
    return form


def _document_number(rng: random.Random, fmt: str, nationality: str, serial: int) -> str:
    """A fictitious number, unique within one run: the digits are a bijection of ``serial``
    (multiplying by a number prime to 10 permutes the residues), so a million documents
    never share a number and the database never merges two different travellers."""
    r = rng.random
    mixed = serial * 7_919_131 + 4_057
    if fmt == "TD3":
        # one or two series letters then digits (fictitious series)
        if r() < 0.5:
            return _LETTERS[int(r() * 23)] + _LETTERS[int(r() * 23)] + f"{mixed % 10_000_000:07d}"
        return _LETTERS[int(r() * 23)] + f"{mixed % 100_000_000:08d}"
    if fmt in ("MRVA", "MRVB"):
        return "V" + f"{mixed % 100_000_000:08d}"
    if nationality == "NGA" and fmt == "TD1" and r() < 0.6:
        return "9" + f"{mixed % 10_000_000_000:010d}"  # 11 digits: the long-number rule
    if r() < 0.1:
        return _LETTERS[int(r() * 23)] + f"{mixed % 10_000_000_000:010d}"  # 11 characters
    return f"{mixed % 1_000_000_000:09d}"


def generate_travellers(n: int, *, seed: int = 0, end: datetime | None = None, weeks: int = 6,
                        today: date | None = None) -> Iterator[RegistrationDraft]:
    """Yield ``n`` fictitious :class:`RegistrationDraft` records, in chronological order of
    days, with crossings over ``weeks`` weeks ending at ``end`` (default: now, UTC).

    ``today`` fixes the date against which ages and document validity are drawn
    (default: the day of ``end``). Families travel together: consecutive drafts with the
    same crossing time, transport, places and ``group_size``.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    if end is None:
        end = clock.utcnow().replace(second=0, microsecond=0)
    elif end.tzinfo is None:
        end = end.replace(tzinfo=timezone.utc)
    if today is None:
        today = end.date()
    rng = random.Random(seed)
    r = rng.random
    serial_base = rng.randrange(1_000_000)
    days = weeks * 7
    first_day = end.date() - timedelta(days=days - 1)
    this_year = today.year
    produced = 0
    while produced < n:
        # -- one travelling party: one crossing shared by every member ------------------
        day = first_day + timedelta(days=min(days - 1, produced * days // max(n, 1)))
        hour = _HOUR_W.pick(rng)
        crossed_at = datetime.combine(day, time(hour, int(r() * 60)), tzinfo=clock.POST_TIMEZONE) \
            .astimezone(timezone.utc)
        if crossed_at > end:
            crossed_at = end - timedelta(minutes=int(r() * 90) + 1)
        direction = Direction.ENTRY if r() < 0.55 else Direction.EXIT
        transport = _TRANSPORT_W.pick(rng)
        reason = _REASON_W.pick(rng)
        if transport is TransportMode.ANIMAL and r() < 0.6:
            reason = TravelReason.PASTORALISM
        foreign, foreign_country = _FOREIGN_W.pick(rng)
        home = _NIGER_W.pick(rng)
        origin, destination = (foreign, home) if direction is Direction.ENTRY else (home, foreign)
        nationality = foreign_country if r() < 0.35 else _NAT.pick(rng)
        if nationality not in _NATIONAL_GROUPS:
            nationality = "NER"
        family = r() < 0.1
        size = (2 + int(r() * r() * 6)) if family else 1
        size = min(size, n - produced)
        group = _GROUP_OF[nationality].pick(rng)
        males, females, surnames = _GROUPS[group]
        family_name = surnames[int(r() * len(surnames))]
        for member in range(size):
            # -- the person -------------------------------------------------------------
            if family and member >= 2:
                age = int(r() * 16)                      # children
            elif family:
                age = 20 + int(r() * 40)                 # the adults of the family
            else:
                x = r()                                  # on their own: a few minors, some elderly
                age = int(r() * 18) if x < 0.08 else (18 + int(r() * 42) if x < 0.93 else 60 + int(r() * 25))
            if family and member == 0:
                sex = "M" if r() < 0.8 else "F"
            elif family and member == 1:
                sex = "F" if r() < 0.9 else "M"
            else:
                sex = "M" if r() < (0.5 if family else 0.6) else "F"  # most lone travellers are men
            names = females if sex == "F" else males
            given = names[int(r() * len(names))]
            if r() < 0.3:
                second = names[int(r() * len(names))]
                if second != given:
                    given = f"{given} {second}"
            if family:
                surname = family_name if (member != 1 or r() < 0.3) else surnames[int(r() * len(surnames))]
            else:
                surname = surnames[int(r() * len(surnames))]
            birth_year = this_year - age - (1 if r() < 0.5 else 0)
            month, mday = 1 + int(r() * 12), 1 + int(r() * 28)
            if (birth_year, month, mday) > (day.year, day.month, day.day):
                birth_year -= 1
            no_document = r() < (0.55 if age < 5 else 0.125)
            member_crossed = crossed_at + timedelta(seconds=40 * member) if member else crossed_at
            crossing = CrossingData(direction=direction, crossed_at=member_crossed, transport_mode=transport,
                                    origin=origin, destination=destination, reason=reason,
                                    group_size=size)
            if no_document:
                approx = r() < 0.85 and age >= 5
                birth = str(birth_year if not approx else birth_year - birth_year % 5 + (5 if r() < 0.3 else 0))
                if not approx and r() < 0.5:
                    birth = f"{birth_year}-{month:02d}-{mday:02d}"
                person = PersonData(surname=surname, given_names=given, sex=sex, birth_date=birth,
                                    birth_date_approximate=approx, nationality=nationality,
                                    identity_declared=True)
                produced += 1
                yield RegistrationDraft(person=person, crossing=crossing, document=None)
                continue
            fmt = _FORMAT_W.pick(rng)
            if fmt in ("TD1", "TD2") and age < 10:
                fmt = "TD3"
            surname_mrz, given_mrz = _mrz_form(surname), _mrz_form(given)
            width = LAYOUTS[fmt].name_room
            if len(surname_mrz) + 2 + len(given_mrz) > width:
                given_mrz = given_mrz.split(" ")[0]
            # about 3 % of documents leave the day and month unknown ("born in 1968")
            if r() < 0.03 and age > 30:
                birth, birth_mrz = str(birth_year), f"{birth_year % 100:02d}<<<<"
            else:
                birth = f"{birth_year}-{month:02d}-{mday:02d}"
                birth_mrz = f"{birth_year % 100:02d}{month:02d}{mday:02d}"
            if r() < 0.05:
                expiry = day - timedelta(days=1 + int(r() * 900))        # expired
            else:
                expiry = day + timedelta(days=30 + int(r() * 3600))
            expiry = date(expiry.year, expiry.month, min(expiry.day, 28))
            number = _document_number(rng, fmt, nationality, produced + serial_base)
            issuing = nationality
            if fmt in ("MRVA", "MRVB"):
                issuing = "NER" if r() < 0.7 else ("DZA" if r() < 0.5 else "NGA")
                if issuing == nationality:
                    issuing = "NER" if nationality != "NER" else "NGA"
            expiry_mrz = f"{expiry.year % 100:02d}{expiry.month:02d}{expiry.day:02d}"
            if fmt == "TD3":
                code = "P<"
                lines = build_td3(surname=surname_mrz, given_names=given_mrz, document_number=number,
                                  issuing_state=issuing, nationality=nationality, birth_date=birth_mrz,
                                  sex=sex, expiry_date=expiry_mrz)
                doc_type = DocumentType.PASSPORT
            elif fmt == "TD1":
                code = "ID"
                lines = build_td1(surname=surname_mrz, given_names=given_mrz, document_number=number,
                                  issuing_state=issuing, nationality=nationality, birth_date=birth_mrz,
                                  sex=sex, expiry_date=expiry_mrz, document_code=code)
                doc_type = DocumentType.ID_CARD
            else:
                builder = build_td2 if fmt == "TD2" else (build_mrva if fmt == "MRVA" else build_mrvb)
                code = "I<" if fmt == "TD2" else "V<"
                lines = builder(surname=surname_mrz, given_names=given_mrz, document_number=number,
                                issuing_state=issuing, nationality=nationality, birth_date=birth_mrz,
                                sex=sex, expiry_date=expiry_mrz)
                doc_type = DocumentType.ID_CARD if fmt == "TD2" else DocumentType.VISA
            person = PersonData(surname=surname_mrz, given_names=given_mrz, sex=sex, birth_date=birth,
                                nationality=nationality)
            document = DocumentData(doc_type=doc_type, number=number, issuing_state=issuing,
                                    expiry_date=expiry, document_code=code, mrz_format=fmt,
                                    mrz_raw="\n".join(lines), mrz_valid=True)
            produced += 1
            yield RegistrationDraft(person=person, crossing=crossing, document=document)


# -- screenings ----------------------------------------------------------------------
#: the protocols the demo screenings use (shipped protocol ids)
DEMO_SCREENING_PROTOCOLS = ("general", "cholera", "ebola_marburg")
#: the outcomes of the demo's screenings, in order: the first four give one of each outcome
DEMO_SCREENING_PLAN = ("cleared", "secondary", "referral", "isolation",
                       "cleared", "cleared", "secondary", "cleared", "cleared", "cleared")
#: where the demo's referrals and isolations send the traveller (fictitious)
DEMO_REFERRAL = {"destination": "CSI de Makalondi", "notes": None}


def demo_screening_answers(outcome: str, today: date) -> dict:
    """Fictitious answers to :data:`DEMO_SCREENING_PROTOCOLS` that give ``outcome`` for an
    adult traveller (the real engine decides; ``db.demo`` checks it before storing):
    nothing found (cleared), acute watery diarrhoea (secondary), with severe dehydration
    (referral), fever after a contact with an Ebola case six days ago (isolation)."""
    answers: dict = {"temperature": 36.6, "temperature_method": "axillary", "general_condition": "good",
                     "fever_reported": False, "symptoms": [], "areas_visited": [], "sick_contact": False,
                     "ebola_contact": False, "unexplained_bleeding": False}
    if outcome in ("secondary", "referral"):
        answers.update(symptoms=["diarrhoea"], loose_stools_24h=4, diarrhoea_days=2, bloody_stools=False,
                       severe_dehydration=outcome == "referral")
    elif outcome == "isolation":
        answers.update(temperature=38.4, ebola_contact=True,
                       ebola_contact_date=(today - timedelta(days=6)).isoformat())
    elif outcome != "cleared":
        raise ValueError(outcome)
    return answers
