"""ICAO Doc 9303 Part 3 country codes, with English and French names.

The three-letter codes used in machine readable zones: every ISO 3166-1 alpha-3 state or
territory (except Germany, which ICAO writes ``D``, padded ``D<<`` in three-character
fields), plus the ICAO special codes (United Nations, refugees and stateless persons,
issuing organisations, Kosovo, the ``UTO`` specimen state).

Pure data, no imports beyond the standard library: the MRZ parser checks codes against
:data:`CODES` on every parse, so lookups are plain ``frozenset``/``dict`` operations.
Names were taken from the Unicode CLDR (English and French) and reviewed.
"""

from __future__ import annotations

__all__ = [
    "CODES",
    "NEIGHBOURS",
    "SPECIAL_CODES",
    "is_valid_code",
    "is_state",
    "mrz_field",
    "name",
    "normalise_code",
    "ordered_codes",
]

# ISO 3166-1 alpha-3 (DEU replaced by ICAO's ``D``): code -> (English, French)
_STATES: dict[str, tuple[str, str]] = {
    'ABW': ('Aruba', 'Aruba'),
    'AFG': ('Afghanistan', 'Afghanistan'),
    'AGO': ('Angola', 'Angola'),
    'AIA': ('Anguilla', 'Anguilla'),
    'ALA': ('Åland Islands', 'Îles Åland'),
    'ALB': ('Albania', 'Albanie'),
    'AND': ('Andorra', 'Andorre'),
    'ARE': ('United Arab Emirates', 'Émirats arabes unis'),
    'ARG': ('Argentina', 'Argentine'),
    'ARM': ('Armenia', 'Arménie'),
    'ASM': ('American Samoa', 'Samoa américaines'),
    'ATA': ('Antarctica', 'Antarctique'),
    'ATF': ('French Southern and Antarctic Lands', 'Terres australes françaises'),
    'ATG': ('Antigua and Barbuda', 'Antigua-et-Barbuda'),
    'AUS': ('Australia', 'Australie'),
    'AUT': ('Austria', 'Autriche'),
    'AZE': ('Azerbaijan', 'Azerbaïdjan'),
    'BDI': ('Burundi', 'Burundi'),
    'BEL': ('Belgium', 'Belgique'),
    'BEN': ('Benin', 'Bénin'),
    'BES': ('Caribbean Netherlands', 'Pays-Bas caribéens'),
    'BFA': ('Burkina Faso', 'Burkina Faso'),
    'BGD': ('Bangladesh', 'Bangladesh'),
    'BGR': ('Bulgaria', 'Bulgarie'),
    'BHR': ('Bahrain', 'Bahreïn'),
    'BHS': ('Bahamas', 'Bahamas'),
    'BIH': ('Bosnia and Herzegovina', 'Bosnie-Herzégovine'),
    'BLM': ('St. Barthélemy', 'Saint-Barthélemy'),
    'BLR': ('Belarus', 'Biélorussie'),
    'BLZ': ('Belize', 'Belize'),
    'BMU': ('Bermuda', 'Bermudes'),
    'BOL': ('Bolivia', 'Bolivie'),
    'BRA': ('Brazil', 'Brésil'),
    'BRB': ('Barbados', 'Barbade'),
    'BRN': ('Brunei', 'Brunei'),
    'BTN': ('Bhutan', 'Bhoutan'),
    'BVT': ('Bouvet Island', 'Île Bouvet'),
    'BWA': ('Botswana', 'Botswana'),
    'CAF': ('Central African Republic', 'République centrafricaine'),
    'CAN': ('Canada', 'Canada'),
    'CCK': ('Cocos (Keeling) Islands', 'Îles Cocos'),
    'CHE': ('Switzerland', 'Suisse'),
    'CHL': ('Chile', 'Chili'),
    'CHN': ('China', 'Chine'),
    'CIV': ("Côte d'Ivoire", "Côte d'Ivoire"),
    'CMR': ('Cameroon', 'Cameroun'),
    'COD': ('Congo (Democratic Republic of the)', 'Congo (République démocratique du)'),
    'COG': ('Congo', 'Congo'),
    'COK': ('Cook Islands', 'Îles Cook'),
    'COL': ('Colombia', 'Colombie'),
    'COM': ('Comoros', 'Comores'),
    'CPV': ('Cape Verde', 'Cap-Vert'),
    'CRI': ('Costa Rica', 'Costa Rica'),
    'CUB': ('Cuba', 'Cuba'),
    'CUW': ('Curaçao', 'Curaçao'),
    'CXR': ('Christmas Island', 'Île Christmas'),
    'CYM': ('Cayman Islands', 'Îles Caïmans'),
    'CYP': ('Cyprus', 'Chypre'),
    'CZE': ('Czechia', 'Tchéquie'),
    'DJI': ('Djibouti', 'Djibouti'),
    'DMA': ('Dominica', 'Dominique'),
    'DNK': ('Denmark', 'Danemark'),
    'DOM': ('Dominican Republic', 'République dominicaine'),
    'DZA': ('Algeria', 'Algérie'),
    'ECU': ('Ecuador', 'Équateur'),
    'EGY': ('Egypt', 'Égypte'),
    'ERI': ('Eritrea', 'Érythrée'),
    'ESH': ('Western Sahara', 'Sahara occidental'),
    'ESP': ('Spain', 'Espagne'),
    'EST': ('Estonia', 'Estonie'),
    'ETH': ('Ethiopia', 'Éthiopie'),
    'FIN': ('Finland', 'Finlande'),
    'FJI': ('Fiji', 'Fidji'),
    'FLK': ('Falkland Islands', 'Îles Malouines'),
    'FRA': ('France', 'France'),
    'FRO': ('Faroe Islands', 'Îles Féroé'),
    'FSM': ('Micronesia', 'Micronésie'),
    'GAB': ('Gabon', 'Gabon'),
    'GBR': ('United Kingdom', 'Royaume-Uni'),
    'GEO': ('Georgia', 'Géorgie'),
    'GGY': ('Guernsey', 'Guernesey'),
    'GHA': ('Ghana', 'Ghana'),
    'GIB': ('Gibraltar', 'Gibraltar'),
    'GIN': ('Guinea', 'Guinée'),
    'GLP': ('Guadeloupe', 'Guadeloupe'),
    'GMB': ('Gambia', 'Gambie'),
    'GNB': ('Guinea-Bissau', 'Guinée-Bissau'),
    'GNQ': ('Equatorial Guinea', 'Guinée équatoriale'),
    'GRC': ('Greece', 'Grèce'),
    'GRD': ('Grenada', 'Grenade'),
    'GRL': ('Greenland', 'Groenland'),
    'GTM': ('Guatemala', 'Guatemala'),
    'GUF': ('French Guiana', 'Guyane française'),
    'GUM': ('Guam', 'Guam'),
    'GUY': ('Guyana', 'Guyana'),
    'HKG': ('Hong Kong', 'Hong Kong'),
    'HMD': ('Heard Island and McDonald Islands', 'Îles Heard-et-MacDonald'),
    'HND': ('Honduras', 'Honduras'),
    'HRV': ('Croatia', 'Croatie'),
    'HTI': ('Haiti', 'Haïti'),
    'HUN': ('Hungary', 'Hongrie'),
    'IDN': ('Indonesia', 'Indonésie'),
    'IMN': ('Isle of Man', 'Île de Man'),
    'IND': ('India', 'Inde'),
    'IOT': ('British Indian Ocean Territory', "Territoire britannique de l'océan Indien"),
    'IRL': ('Ireland', 'Irlande'),
    'IRN': ('Iran', 'Iran'),
    'IRQ': ('Iraq', 'Irak'),
    'ISL': ('Iceland', 'Islande'),
    'ISR': ('Israel', 'Israël'),
    'ITA': ('Italy', 'Italie'),
    'JAM': ('Jamaica', 'Jamaïque'),
    'JEY': ('Jersey', 'Jersey'),
    'JOR': ('Jordan', 'Jordanie'),
    'JPN': ('Japan', 'Japon'),
    'KAZ': ('Kazakhstan', 'Kazakhstan'),
    'KEN': ('Kenya', 'Kenya'),
    'KGZ': ('Kyrgyzstan', 'Kirghizstan'),
    'KHM': ('Cambodia', 'Cambodge'),
    'KIR': ('Kiribati', 'Kiribati'),
    'KNA': ('St. Kitts and Nevis', 'Saint-Christophe-et-Niévès'),
    'KOR': ('Korea (Republic of)', 'Corée (République de)'),
    'KWT': ('Kuwait', 'Koweït'),
    'LAO': ('Laos', 'Laos'),
    'LBN': ('Lebanon', 'Liban'),
    'LBR': ('Liberia', 'Liberia'),
    'LBY': ('Libya', 'Libye'),
    'LCA': ('St. Lucia', 'Sainte-Lucie'),
    'LIE': ('Liechtenstein', 'Liechtenstein'),
    'LKA': ('Sri Lanka', 'Sri Lanka'),
    'LSO': ('Lesotho', 'Lesotho'),
    'LTU': ('Lithuania', 'Lituanie'),
    'LUX': ('Luxembourg', 'Luxembourg'),
    'LVA': ('Latvia', 'Lettonie'),
    'MAC': ('Macao', 'Macao'),
    'MAF': ('St. Martin', 'Saint-Martin'),
    'MAR': ('Morocco', 'Maroc'),
    'MCO': ('Monaco', 'Monaco'),
    'MDA': ('Moldova', 'Moldavie'),
    'MDG': ('Madagascar', 'Madagascar'),
    'MDV': ('Maldives', 'Maldives'),
    'MEX': ('Mexico', 'Mexique'),
    'MHL': ('Marshall Islands', 'Îles Marshall'),
    'MKD': ('North Macedonia', 'Macédoine du Nord'),
    'MLI': ('Mali', 'Mali'),
    'MLT': ('Malta', 'Malte'),
    'MMR': ('Myanmar', 'Myanmar'),
    'MNE': ('Montenegro', 'Monténégro'),
    'MNG': ('Mongolia', 'Mongolie'),
    'MNP': ('Northern Mariana Islands', 'Îles Mariannes du Nord'),
    'MOZ': ('Mozambique', 'Mozambique'),
    'MRT': ('Mauritania', 'Mauritanie'),
    'MSR': ('Montserrat', 'Montserrat'),
    'MTQ': ('Martinique', 'Martinique'),
    'MUS': ('Mauritius', 'Maurice'),
    'MWI': ('Malawi', 'Malawi'),
    'MYS': ('Malaysia', 'Malaisie'),
    'MYT': ('Mayotte', 'Mayotte'),
    'NAM': ('Namibia', 'Namibie'),
    'NCL': ('New Caledonia', 'Nouvelle-Calédonie'),
    'NER': ('Niger', 'Niger'),
    'NFK': ('Norfolk Island', 'Île Norfolk'),
    'NGA': ('Nigeria', 'Nigeria'),
    'NIC': ('Nicaragua', 'Nicaragua'),
    'NIU': ('Niue', 'Niue'),
    'NLD': ('Netherlands', 'Pays-Bas'),
    'NOR': ('Norway', 'Norvège'),
    'NPL': ('Nepal', 'Népal'),
    'NRU': ('Nauru', 'Nauru'),
    'NZL': ('New Zealand', 'Nouvelle-Zélande'),
    'OMN': ('Oman', 'Oman'),
    'PAK': ('Pakistan', 'Pakistan'),
    'PAN': ('Panama', 'Panama'),
    'PCN': ('Pitcairn Islands', 'Îles Pitcairn'),
    'PER': ('Peru', 'Pérou'),
    'PHL': ('Philippines', 'Philippines'),
    'PLW': ('Palau', 'Palaos'),
    'PNG': ('Papua New Guinea', 'Papouasie-Nouvelle-Guinée'),
    'POL': ('Poland', 'Pologne'),
    'PRI': ('Puerto Rico', 'Porto Rico'),
    'PRK': ("Korea (Democratic People's Republic of)", 'Corée (République populaire démocratique de)'),
    'PRT': ('Portugal', 'Portugal'),
    'PRY': ('Paraguay', 'Paraguay'),
    'PSE': ('Palestine', 'Palestine'),
    'PYF': ('French Polynesia', 'Polynésie française'),
    'QAT': ('Qatar', 'Qatar'),
    'REU': ('Réunion', 'La Réunion'),
    'ROU': ('Romania', 'Roumanie'),
    'RUS': ('Russia', 'Russie'),
    'RWA': ('Rwanda', 'Rwanda'),
    'SAU': ('Saudi Arabia', 'Arabie saoudite'),
    'SDN': ('Sudan', 'Soudan'),
    'SEN': ('Senegal', 'Sénégal'),
    'SGP': ('Singapore', 'Singapour'),
    'SGS': ('South Georgia and South Sandwich Islands', 'Géorgie du Sud-et-les Îles Sandwich du Sud'),
    'SHN': ('St. Helena, Ascension and Tristan da Cunha', 'Sainte-Hélène'),
    'SJM': ('Svalbard and Jan Mayen', 'Svalbard et Jan Mayen'),
    'SLB': ('Solomon Islands', 'Îles Salomon'),
    'SLE': ('Sierra Leone', 'Sierra Leone'),
    'SLV': ('El Salvador', 'Salvador'),
    'SMR': ('San Marino', 'Saint-Marin'),
    'SOM': ('Somalia', 'Somalie'),
    'SPM': ('St. Pierre and Miquelon', 'Saint-Pierre-et-Miquelon'),
    'SRB': ('Serbia', 'Serbie'),
    'SSD': ('South Sudan', 'Soudan du Sud'),
    'STP': ('São Tomé and Príncipe', 'Sao Tomé-et-Principe'),
    'SUR': ('Suriname', 'Suriname'),
    'SVK': ('Slovakia', 'Slovaquie'),
    'SVN': ('Slovenia', 'Slovénie'),
    'SWE': ('Sweden', 'Suède'),
    'SWZ': ('Eswatini', 'Eswatini'),
    'SXM': ('Sint Maarten', 'Saint-Martin (partie néerlandaise)'),
    'SYC': ('Seychelles', 'Seychelles'),
    'SYR': ('Syria', 'Syrie'),
    'TCA': ('Turks and Caicos Islands', 'Îles Turques-et-Caïques'),
    'TCD': ('Chad', 'Tchad'),
    'TGO': ('Togo', 'Togo'),
    'THA': ('Thailand', 'Thaïlande'),
    'TJK': ('Tajikistan', 'Tadjikistan'),
    'TKL': ('Tokelau', 'Tokelau'),
    'TKM': ('Turkmenistan', 'Turkménistan'),
    'TLS': ('Timor-Leste', 'Timor oriental'),
    'TON': ('Tonga', 'Tonga'),
    'TTO': ('Trinidad and Tobago', 'Trinité-et-Tobago'),
    'TUN': ('Tunisia', 'Tunisie'),
    'TUR': ('Türkiye', 'Turquie'),
    'TUV': ('Tuvalu', 'Tuvalu'),
    'TWN': ('Taiwan', 'Taïwan'),
    'TZA': ('Tanzania', 'Tanzanie'),
    'UGA': ('Uganda', 'Ouganda'),
    'UKR': ('Ukraine', 'Ukraine'),
    'UMI': ('U.S. Outlying Islands', 'Îles mineures éloignées des États-Unis'),
    'URY': ('Uruguay', 'Uruguay'),
    'USA': ('United States of America', 'États-Unis'),
    'UZB': ('Uzbekistan', 'Ouzbékistan'),
    'VAT': ('Vatican City', 'État de la Cité du Vatican'),
    'VCT': ('St. Vincent and Grenadines', 'Saint-Vincent-et-les Grenadines'),
    'VEN': ('Venezuela', 'Venezuela'),
    'VGB': ('British Virgin Islands', 'Îles Vierges britanniques'),
    'VIR': ('U.S. Virgin Islands', 'Îles Vierges des États-Unis'),
    'VNM': ('Vietnam', 'Viêt Nam'),
    'VUT': ('Vanuatu', 'Vanuatu'),
    'WLF': ('Wallis and Futuna', 'Wallis-et-Futuna'),
    'WSM': ('Samoa', 'Samoa'),
    'YEM': ('Yemen', 'Yémen'),
    'ZAF': ('South Africa', 'Afrique du Sud'),
    'ZMB': ('Zambia', 'Zambie'),
    'ZWE': ('Zimbabwe', 'Zimbabwe'),
}

_STATES["D"] = ("Germany", "Allemagne")

# ICAO Doc 9303 Part 3 special codes: code -> (English, French)
SPECIAL_CODES: dict[str, tuple[str, str]] = {
    "GBD": ("British Overseas Territories Citizen", "Citoyen des territoires britanniques d'outre-mer"),
    "GBN": ("British National (Overseas)", "Ressortissant britannique (outre-mer)"),
    "GBO": ("British Overseas Citizen", "Citoyen britannique d'outre-mer"),
    "GBP": ("British Protected Person", "Personne sous protection britannique"),
    "GBS": ("British Subject", "Sujet britannique"),
    "UNO": ("United Nations Organization", "Organisation des Nations unies"),
    "UNA": ("United Nations specialized agency", "Institution spécialisée des Nations unies"),
    "UNK": ("Resident of Kosovo (UNMIK)", "Résident du Kosovo (MINUK)"),
    "RKS": ("Kosovo", "Kosovo"),
    "EUE": ("European Union", "Union européenne"),
    "XBA": ("African Development Bank", "Banque africaine de développement"),
    "XIM": ("African Export-Import Bank", "Banque africaine d'import-export"),
    "XCC": ("Caribbean Community", "Communauté caribéenne"),
    "XCE": ("Council of Europe", "Conseil de l'Europe"),
    "XCO": ("Common Market for Eastern and Southern Africa", "Marché commun de l'Afrique orientale et australe"),
    "XDC": ("Southern African Development Community", "Communauté de développement de l'Afrique australe"),
    "XEC": ("Economic Community of West African States", "Communauté économique des États de l'Afrique de l'Ouest"),
    "XES": ("Organisation of Eastern Caribbean States", "Organisation des États de la Caraïbe orientale"),
    "XMP": ("International Organization for Migration", "Organisation internationale pour les migrations"),
    "XOM": ("Sovereign Military Order of Malta", "Ordre souverain militaire de Malte"),
    "XPO": ("International Criminal Police Organization (INTERPOL)",
            "Organisation internationale de police criminelle (INTERPOL)"),
    "XXA": ("Stateless person", "Apatride"),
    "XXB": ("Refugee (1951 Convention)", "Réfugié (Convention de 1951)"),
    "XXC": ("Refugee (other)", "Réfugié (autre)"),
    "XXX": ("Unspecified nationality", "Nationalité non précisée"),
    "UTO": ("Utopia (specimen)", "Utopie (spécimen)"),
}

_NAMES: dict[str, tuple[str, str]] = {**_STATES, **SPECIAL_CODES}

#: every code valid in an MRZ (``D`` for Germany, without its ``<`` padding)
CODES: frozenset[str] = frozenset(_NAMES)

#: Niger and its neighbours, first in lists shown at a Niger border post
NEIGHBOURS: tuple[str, ...] = ("NER", "NGA", "MLI", "BFA", "TCD", "DZA", "LBY", "BEN")

_VALID_FIELDS: frozenset[str] = frozenset(c.ljust(3, "<") for c in CODES) | CODES


def normalise_code(code: str) -> str:
    """``"d<<"`` -> ``"D"``, ``" ner "`` -> ``"NER"`` (no validation)."""
    return code.strip().upper().rstrip("<")


def is_valid_code(code: str | None) -> bool:
    """True for an ICAO code as written in an MRZ field (``NER``, ``D<<``) or bare (``D``)."""
    if not code:
        return False
    return code in _VALID_FIELDS or code.strip().upper() in _VALID_FIELDS


def is_state(code: str) -> bool:
    """True for a state or territory (not an organisation or special status)."""
    return normalise_code(code) in _STATES


def mrz_field(code: str) -> str:
    """The three-character MRZ form of ``code`` (``"D"`` -> ``"D<<"``)."""
    return normalise_code(code).ljust(3, "<")


def name(code: str, lang: str | None = None) -> str:
    """The country's name in ``lang`` (``"fr"`` or ``"en"``; default: the current language).

    An unknown code is returned as written, so that nothing shown is ever lost.
    """
    if lang is None:
        from .i18n import current_language

        lang = current_language()
    entry = _NAMES.get(normalise_code(code))
    if entry is None:
        return code
    return entry[1] if lang == "fr" else entry[0]


def _sort_key(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def ordered_codes(lang: str | None = None, *, include_special: bool = True) -> list[str]:
    """Codes for a pick list: Niger and its neighbours first, then the rest by name."""
    pool = CODES if include_special else frozenset(_STATES)
    rest = sorted((c for c in pool if c not in NEIGHBOURS), key=lambda c: _sort_key(name(c, lang)))
    return [c for c in NEIGHBOURS if c in pool] + rest
