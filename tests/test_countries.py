"""ICAO 9303 country codes: validity, names in French and English, ordering for Niger."""

from __future__ import annotations

import pytest

from border_app import countries
from border_app.i18n import set_language


def test_every_iso_state_and_the_icao_specials():
    states = [c for c in countries.CODES if countries.is_state(c)]
    assert len(states) == 249  # ISO 3166-1, with Germany written D
    for code in ("XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE", "XEC", "RKS", "UTO",
                 "GBD", "GBN", "GBO", "GBP", "GBS", "XPO", "XOM"):
        assert code in countries.CODES and not countries.is_state(code)


@pytest.mark.parametrize("code", ["NER", "NGA", "MLI", "BFA", "TCD", "DZA", "LBY", "BEN", "SSD", "D", "D<<", "UTO",
                                  "XXA", "ner"])
def test_valid_codes(code):
    assert countries.is_valid_code(code)


@pytest.mark.parametrize("code", ["DEU", "ZZZ", "NE", "N3R", "", None, "XKX", "UTO<", "<<<", "ANT", "YUG"])
def test_invalid_codes(code):
    assert not countries.is_valid_code(code)


@pytest.mark.parametrize("code, fr, en", [
    ("NER", "Niger", "Niger"),
    ("DZA", "Algérie", "Algeria"),
    ("TCD", "Tchad", "Chad"),
    ("BEN", "Bénin", "Benin"),
    ("CIV", "Côte d'Ivoire", "Côte d'Ivoire"),
    ("D", "Allemagne", "Germany"),
    ("D<<", "Allemagne", "Germany"),
    ("XXA", "Apatride", "Stateless person"),
    ("XEC", "Communauté économique des États de l'Afrique de l'Ouest", "Economic Community of West African States"),
])
def test_names_in_both_languages(code, fr, en):
    assert countries.name(code, "fr") == fr
    assert countries.name(code, "en") == en


def test_name_follows_the_current_language():
    assert countries.name("LBY") == "Libye"
    set_language("en")
    try:
        assert countries.name("LBY") == "Libya"
    finally:
        set_language("fr")


def test_unknown_code_is_shown_as_written():
    assert countries.name("QQQ", "fr") == "QQQ"


def test_mrz_field_padding():
    assert countries.mrz_field("D") == "D<<"
    assert countries.mrz_field("ner") == "NER"
    assert countries.normalise_code(" d<< ") == "D"


def test_niger_and_neighbours_first_then_alphabetical_without_accents():
    order = countries.ordered_codes("fr")
    assert order[:8] == ["NER", "NGA", "MLI", "BFA", "TCD", "DZA", "LBY", "BEN"]
    assert sorted(order) == sorted(countries.CODES) and len(order) == len(set(order))
    names = [countries.name(c, "fr") for c in order[8:]]
    # "Égypte" sorts among the E (after "Écosse"-like accents are ignored), not after "Zimbabwe"
    assert names.index("Égypte") < names.index("Espagne") < names.index("Zimbabwe")
    assert countries.ordered_codes("en", include_special=False)[8:11] == ["AFG", "ALA", "ALB"]
    assert "XXA" not in countries.ordered_codes("en", include_special=False)
