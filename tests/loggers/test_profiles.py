"""The signal profiles file: every source type covered, every table sourced, the issue's ranges as given."""

from __future__ import annotations

from ultralow.loggers.profiles import read_profiles
from ultralow.registry import SOURCE_TYPES


def test_every_registry_source_type_has_a_profile_with_source_and_status() -> None:
    profiles = read_profiles()
    assert set(SOURCE_TYPES) <= set(profiles.by_type)
    for profile in profiles.by_type.values():
        assert profile.source.strip()
        assert profile.status in ("verified", "unverified")
        for low, high in profile.pollutants_mg_m3.values():
            assert 0 <= low < high


def test_issue_ranges_for_coal_boiler_and_potline() -> None:
    profiles = read_profiles()
    coal = profiles.get("coal_boiler")
    assert coal.o2_ref_pct == 6.0 and coal.o2_pct == (5.0, 8.0)
    assert coal.pollutants_mg_m3 == {"a21026": (10.0, 25.0), "a21002": (20.0, 40.0), "a34013": (0.5, 3.0)}
    potline = profiles.get("potline")
    assert potline.o2_ref_pct is None  # GB 25465: measured basis
    assert potline.pollutants_mg_m3 == {"a21026": (5.0, 20.0), "a21018": (0.1, 1.0), "a34013": (1.0, 5.0)}
    assert profiles.normal_share == 0.75


def test_unknown_source_type_names_the_known_ones() -> None:
    try:
        read_profiles().get("red_mud_dryer")
    except KeyError as exc:
        assert "red_mud_dryer" in str(exc) and "coal_boiler" in str(exc)
    else:
        raise AssertionError("expected KeyError")
