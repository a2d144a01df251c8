"""Registry: the documented example loads; every error names file, line and key."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from ultralow.registry import RegistryError, load_registry, parse_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ultralow.toml"

GOOD = """\
[[bases]]
id = "b1"
name = "Base one"
country = "CN"

[[outlets]]
id = "o1"
base = "b1"
name = "Stack 1"
mn = "MN0001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011-coal"]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "g.toml")
    return caught.value.problems


def test_example_file_loads() -> None:
    registry = load_registry(EXAMPLE)
    assert [b.id for b in registry.bases] == ["shandong-power", "boke-alumina"]
    assert [o.id for o in registry.outlets] == ["sd-power-u1", "sd-power-legacy", "boke-calciner-1"]
    legacy = registry.outlet_by_mn("4201003")
    assert legacy is not None and legacy.id == "sd-power-legacy"
    assert legacy.crc_variants == ("modbus_hilo",)
    assert registry.outlet("sd-power-u1").limit_sets == ("GB13223-2011", "ultra-low-2015")
    assert registry.outlet("sd-power-u1").wet_analyser is False
    assert registry.outlet_by_mn("nope") is None
    assert "red_mud_dryer" in registry.source_types
    # Asia/Shanghai is UTC+8 = 8 * 60 = 480 min; Africa/Conakry is UTC+0
    assert registry.outlet("sd-power-u1").utc_offset_min == 480
    assert registry.outlet("boke-calciner-1").timezone == "Africa/Conakry"
    assert registry.outlet("boke-calciner-1").utc_offset_min == 0
    assert registry.text == EXAMPLE.read_text(encoding="utf-8")


def test_outlets_table_for_the_engines() -> None:
    table = load_registry(EXAMPLE).outlets_table()
    assert table.column_names == ["outlet_id", "base", "source_type", "limit_sets", "wet_analyser", "utc_offset_min"]
    assert table.schema.field("limit_sets").type == pa.list_(pa.string())
    assert table.schema.field("utc_offset_min").type == pa.int16()
    rows = table.to_pylist()
    assert rows[2] == {"outlet_id": "boke-calciner-1", "base": "boke-alumina", "source_type": "alumina_calciner",
                       "limit_sets": ["GB25465-2010"], "wet_analyser": False, "utc_offset_min": 0}


def test_defaults_timezone_and_optional_keys() -> None:
    registry = parse_registry(GOOD)
    outlet = registry.outlet("o1")
    assert outlet.crc_variants == ()
    assert outlet.wet_analyser is False
    assert registry.base("b1").timezone == "Asia/Shanghai"


def test_typo_in_a_key_is_an_error_with_its_line() -> None:
    text = GOOD.replace('source_type = "coal_boiler"', 'source_typ = "coal_boiler"')
    found = problems(text)
    # line 12 holds the misspelt key; the required key is then missing from the table starting at line 6
    assert "g.toml:12: outlets[0].source_typ: unknown key" in found[0]
    assert any(p.startswith("g.toml:6: outlets[0]: missing key 'source_type'") for p in found)


def test_duplicate_mn_and_id_name_the_second_entry() -> None:
    text = GOOD + """
[[outlets]]
id = "o1"
base = "b1"
name = "Stack 2"
mn = "MN0001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = []
"""
    found = problems(text)
    assert "g.toml:16: outlets[1].id: duplicate outlet id 'o1'" in found
    assert "g.toml:19: outlets[1].mn: MN 'MN0001' is already used by outlet 'o1'" in found


def test_unknown_base_source_type_and_crc_variant() -> None:
    text = GOOD.replace('base = "b1"', 'base = "b9"').replace('"coal_boiler"', '"steel_furnace"').replace(
        'limit_sets = ["GB13223-2011-coal"]', 'limit_sets = []\ncrc_variants = ["crc32"]')
    found = problems(text)
    assert "g.toml:8: outlets[0].base: unknown base 'b9'" in found
    assert any(p.startswith("g.toml:12: outlets[0].source_type: unknown source type 'steel_furnace'") for p in found)
    assert any(p.startswith("g.toml:14: outlets[0].crc_variants: 'crc32' is not one of") for p in found)


def test_extra_source_types_extend_the_list() -> None:
    text = '[source_types]\nextra = ["steel_furnace"]\n\n' + GOOD.replace('"coal_boiler"', '"steel_furnace"')
    assert parse_registry(text).outlet("o1").source_type == "steel_furnace"


def test_wrong_types_and_unknown_top_level_table() -> None:
    text = GOOD.replace('limit_sets = ["GB13223-2011-coal"]', 'limit_sets = "GB13223"\nwet_analyser = "no"')
    text += '\n[logging]\nlevel = "info"\n'
    found = problems(text)
    assert "g.toml:13: outlets[0].limit_sets: must be a list of strings" in found
    assert "g.toml:14: outlets[0].wet_analyser: must be true or false" in found
    assert any(p.startswith("g.toml:16: logging: unknown key") for p in found)


def test_timezone_with_daylight_saving_is_refused() -> None:
    text = GOOD.replace('country = "CN"', 'country = "DE"\ntimezone = "Europe/Berlin"')
    found = problems(text)
    assert found == ["g.toml:5: bases[0].timezone: time zone 'Europe/Berlin' has daylight saving time, "
                     "which the store does not model"]


def test_bad_mn_characters() -> None:
    found = problems(GOOD.replace('mn = "MN0001"', 'mn = "MN;0001"'))
    assert found[0].startswith("g.toml:10: outlets[0].mn: 'MN;0001' does not match")


def test_syntax_error_gives_the_parser_line() -> None:
    found = problems(GOOD.replace('pw = "123456"', 'pw = "123456'))
    assert len(found) == 1 and found[0].startswith("g.toml:11: syntax:")


def test_error_message_ends_with_a_count(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(GOOD.replace('base = "b1"', 'base = "b9"').replace('pw = "123456"', "pw = 5"), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    lines = str(caught.value).splitlines()
    assert lines[-1] == "2 problems in the registry"
    assert all(line.startswith(f"{path}:") for line in lines[:-1])


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path / "absent.toml")
    assert "absent.toml:0: file: cannot read" in caught.value.problems[0]


def test_peers_are_ip_networks_and_a_bad_one_is_named() -> None:
    text = GOOD.replace('limit_sets = ["GB13223-2011-coal"]', 'limit_sets = ["GB13223-2011-coal"]\npeers = ["10.2.3.0/24", "192.0.2.7"]')
    assert parse_registry(text, "g.toml").outlet("o1").peers == ("10.2.3.0/24", "192.0.2.7")
    found = problems(GOOD.replace('limit_sets = ["GB13223-2011-coal"]',
                                  'limit_sets = ["GB13223-2011-coal"]\npeers = ["10.2.3.0/33"]'))
    assert any("outlets[0].peers: '10.2.3.0/33' is not an IP address or network (CIDR)" in p for p in found), found


def test_chinese_names_are_optional_and_used_for_chinese_readers() -> None:
    registry = load_registry(EXAMPLE)
    assert registry.group_name_in("zh") == "示例铝业集团" and registry.group_name_in("en") == "Example Aluminium Group"
    assert registry.base("shandong-power").name_in("zh") == "山东自备电厂"
    assert registry.outlet("sd-power-u1").name_in("zh") == "1号锅炉烟囱"
    assert registry.outlet("sd-power-u1").name_in("en") == "Unit 1 boiler stack"
    # no name_zh: the one name serves both languages
    assert registry.base("boke-alumina").name_in("zh") == "Boké alumina refinery"
    assert registry.outlet("boke-calciner-1").name_in("zh") == "Calciner 1 stack"
    assert parse_registry(GOOD).group_name_in("zh") is None


def test_an_empty_or_non_text_chinese_name_is_an_error() -> None:
    text = GOOD.replace('name = "Base one"', 'name = "Base one"\nname_zh = " "').replace(
        'name = "Stack 1"', 'name = "Stack 1"\nname_zh = 7')
    # lines: [[bases]] 1, id 2, name 3, name_zh 4; country 5, blank 6, [[outlets]] 7, id 8, base 9, name 10, name_zh 11
    assert problems(text) == ["g.toml:4: bases[0].name_zh: must not be empty",
                              "g.toml:11: outlets[0].name_zh: must be a string, not int"]
