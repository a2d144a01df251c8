"""Code tables as data: commands, data flags, factor codes 2017 <-> 2005, checked against hj212.md."""

from __future__ import annotations

import re

from hj212_reference import protocol_text

from ultralow.hj212 import code_tables
from ultralow.hj212.codes import Command, DataFlag, Factor


def test_every_row_has_a_source_and_a_status() -> None:
    tables = code_tables()
    rows: list[Command | DataFlag | Factor] = [*tables.commands.values(), *tables.flags_2017.values(),
                                               *tables.flags_2005.values(), *tables.factors.values()]
    assert len(rows) > 80
    for row in rows:
        assert row.source.strip(), row
        assert row.status in {"verified", "unverified"}, row
    # everything taken from second-hand HJ 212-2025 material is marked unverified (hj212.md 9)
    assert all(c.status == "unverified" for c in tables.commands.values() if c.standard == "2025")


def _factor_pairs_from_reference() -> list[tuple[str, str]]:
    """2017 and 2005 codes of the flue-gas table in hj212.md 5.1, combined rows split up."""
    text = protocol_text()
    section = text[text.index("### 5.1") : text.index("Notes and doubts")]
    pairs = []
    for row in re.finditer(r"^\| ([a-z0-9 /]+?) \| ([A-Z0-9 /—-]+?) \|", section, re.M):
        codes_2017 = [c.strip() for c in row.group(1).split("/")]
        codes_2005 = [c.strip() for c in row.group(2).split("/")]
        if codes_2017[0] == "2017":
            continue
        if len(codes_2005) == 1:
            codes_2005 *= len(codes_2017)
        pairs += list(zip(codes_2017, codes_2005, strict=True))
    return pairs


def test_flue_gas_codes_match_the_reference_table() -> None:
    tables = code_tables()
    pairs = _factor_pairs_from_reference()
    assert len(pairs) >= 30
    for code_2017, code_2005 in pairs:
        factor = tables.factors[code_2017]
        assert factor.medium == "flue_gas"
        assert factor.code_2005 == ("" if code_2005 == "—" else code_2005), code_2017
        if code_2005 != "—":
            assert tables.to_2017(code_2005) == code_2017


def test_wastewater_codes_match_the_reference_examples() -> None:
    text = protocol_text()
    pairs = re.findall(r"(w\d{5})↔(\w+)", text)
    assert ("w01018", "011") in pairs and len(pairs) >= 7
    for code_2017, code_2005 in pairs:
        assert code_tables().to_2017(code_2005) == code_2017


def test_to_2017_examples_and_unknown_codes() -> None:
    tables = code_tables()
    # V14: legacy B01 (wastewater flow), 011 (COD), 060 (NH3-N); 2005 flue gas 01 PM, 02 SO2, 03 NOx
    assert [tables.to_2017(c) for c in ("B01", "011", "060", "01", "02", "03", "B02")] == [
        "w00000", "w01018", "w21003", "a34013", "a21026", "a21002", "a00000"]
    assert tables.to_2017("a21026") == "a21026" and tables.to_2017("ele01") == "ele01"


def test_default_units() -> None:
    factors = code_tables().factors
    assert (factors["a21026"].conc_unit, factors["a21026"].amount_unit) == ("mg/m3", "kg")
    assert (factors["a00000"].conc_unit, factors["a00000"].amount_unit) == ("m3/s", "m3")
    assert factors["a19001"].conc_unit == "%"
    assert factors["a21001"].status == "unverified"  # 'ng/m3' as printed, doubted in hj212.md 5.1


def test_data_flags_with_2005_and_2017_meanings() -> None:
    tables = code_tables()
    assert set(tables.flags_2017) == set("NFMSDCTB")  # HJ 212-2017 Table 8
    assert set(tables.flags_2005) >= set("PFCMTDSN") | {"0", "1", "2", "3"}
    assert "instrument" in tables.flags_2017["F"].meaning  # 2017: instrument stopped
    assert "source" in tables.flags_2005["F"].meaning  # 2005: emission source stopped
    assert [f for f, row in tables.flags_2017.items() if row.valid_for_statistics] == ["N"]


def test_commands_by_protocol_version() -> None:
    tables = code_tables()
    assert tables.reply_for("2051") == "9014" and tables.reply_for("1013") == "9013"
    assert tables.reply_for("1062") is None and tables.reply_for("9014") is None and tables.reply_for(None) is None
    # 1001 means 'set alarm time' in 2005 and 'upload hardware SN' in 2025 (hj212.md 3.3, 9)
    old, new = tables.command("1001", version=0), tables.command("1001", version=2)
    assert old is not None and old.standard == "2005" and "alarm" in old.meaning
    assert new is not None and new.standard == "2025" and "serial" in new.meaning
    assert tables.command("9015", version=2) is not None
    assert code_tables(with_2025=False).command("9015", version=2) is None
    assert tables.command("9999") is None
