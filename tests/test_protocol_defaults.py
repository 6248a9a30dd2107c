"""The protocols a post has enabled by default follow the protocol files' own applicability
(issue #18, defect 8: yellow fever was off by default although Niger requires the
certificate from all arrivals)."""

from __future__ import annotations

import pytest

from border_app.screening import ProtocolError, default_active_protocols, load_protocols, parse_protocol
from border_app.settings import Settings


def test_a_new_post_screens_for_yellow_fever_and_the_general_questions():
    assert Settings(None).active_protocols == ["general", "yellow_fever"]


def test_the_default_comes_from_the_files_and_a_choice_is_kept(tmp_path):
    protocols = load_protocols()
    standing = {p.id for p in protocols if p.applicability == "standing"}
    assert standing == {"general", "yellow_fever"}
    assert all(p.applicability == "outbreak" for p in protocols if p.id not in standing)
    assert set(default_active_protocols(protocols)) == standing
    settings = Settings(tmp_path / "settings.json")
    settings.active_protocols = ["general"]          # the administrator's choice stands
    assert Settings(tmp_path / "settings.json").active_protocols == ["general"]


def test_applicability_is_checked():
    from importlib import resources

    data = resources.files("resources").joinpath("protocols", "mpox.yaml").read_bytes()
    bad = data.replace(b"applicability: outbreak", b"applicability: sometimes")
    with pytest.raises(ProtocolError) as info:
        parse_protocol("mpox.yaml", bad)
    assert "applicability" in str(info.value)
