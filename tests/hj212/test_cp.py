"""The CP data area reader: layouts built from remembered keys must read exactly like the item-by-item
reader, and the generated builders must hold any key safely."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ultralow.hj212 import cp as cp_module
from ultralow.hj212.cp import read_cp, split_items


def reference_index(cp: str) -> tuple[dict[str, dict[str, str]], dict[str, str], bool, bool]:
    """The grammar of hj212.md 3.5 written plainly: items in order, split at the first '-', first wins."""
    items, bad = split_items(cp)
    values: dict[str, dict[str, str]] = {}
    globals_: dict[str, str] = {}
    duplicate = False
    for key, value in items:
        code, dash, suffix = key.partition("-")
        target = values.setdefault(code, {}) if dash else globals_
        name = suffix if dash else key
        if name in target:
            duplicate = True
        else:
            target[name] = value
    return values, globals_, bad, duplicate


def read_repeatedly(cp: str) -> list[tuple[dict[str, dict[str, str]], dict[str, str], bool, bool]]:
    """Read the same CP three times: the third read may come from the builder made at the second."""
    return [read_cp(cp) for _ in range(3)]


# CP text from the characters that matter to the grammar, plus blanks and a non-ASCII letter
cp_texts = st.text(alphabet="ab1-=;,/ \t清", max_size=40)


@settings(max_examples=600, deadline=None)
@given(cp_texts)
def test_read_cp_equals_the_plain_grammar(cp: str) -> None:
    expected = reference_index(cp)
    assert read_repeatedly(cp) == [expected] * 3


keys = st.tuples(st.sampled_from(["a21026", "a19001", "w01018", "B01", "LA"]),
                 st.sampled_from(["Rtd", "Avg", "Flag", "ZsAvg", ""]))
values_text = st.text(alphabet="0123456789.-N=", max_size=6)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(keys, values_text), min_size=1, max_size=12), st.lists(values_text, min_size=12, max_size=12),
       st.sampled_from([";", ","]))
def test_same_keys_new_values(items: list[tuple[tuple[str, str], str]], new_values: list[str], sep: str) -> None:
    """Learn a layout from one packet, then read another with the same keys and other values."""
    def cp_of(texts: list[str]) -> str:
        return sep.join(f"{code}-{suffix}={text}" if suffix else f"{code}={text}"
                        for ((code, suffix), _), text in zip(items, texts, strict=False))

    first = cp_of([text for _, text in items])
    second = cp_of(new_values)
    read_repeatedly(first)
    assert read_cp(second) == reference_index(second)


def test_split_items_keeps_order_and_duplicates() -> None:
    assert split_items("a-Rtd=1,a-Rtd=2;;b=3;") == ([("a-Rtd", "1"), ("a-Rtd", "2"), ("b", "3")], False)
    assert split_items("x;a=1") == ([("a", "1")], True)
    assert split_items("") == ([], False)


def test_info_reader_checks_each_closing_candidate_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts that made a backtracking reader quadratic are read in one pass (counted, not timed)."""
    checks = []
    after_info = cp_module._AFTER_INFO

    class Counting:
        def match(self, text: str, pos: int) -> re.Match[str] | None:
            checks.append(pos)
            found: re.Match[str] | None = after_info.match(text, pos)
            return found

    monkeypatch.setattr(cp_module, "_AFTER_INFO", Counting())
    many = ";".join(f"k{i}=//x//y" for i in range(2000))  # every '//' candidate fails its check
    items, bad = split_items(many)
    assert len(items) == 2000 and not bad and items[0] == ("k0", "//x//y")
    assert len(checks) == 4000 == len(set(checks))  # two '//' per item, each looked at once
    assert split_items("//" + "a" * 9000) == ([], True)  # no '=' at all


def test_builders_hold_any_key_text() -> None:
    """Keys enter the builder's source only through repr(): quotes, backslashes, braces stay text."""
    keys = ["a'b-X", 'q"-Y', "back\\slash-Z", "br{ace}-W", "nl\\n-V", "__import__('os')-U", "清-T",
            "line\nfeed-P", "nul\x00-R", "G'"]
    cp = ";".join(f"{key}={n}" for n, key in enumerate(keys))
    expected = reference_index(cp)
    assert expected[0]["a'b"] == {"X": "0"} and expected[1] == {"G'": "9"}
    assert expected[0]["line\nfeed"] == {"P": "7"}
    assert read_repeatedly(cp) == [expected] * 3
    assert ";".join(keys) in cp_module._BUILDERS  # a builder was made at the second read, used at the third
