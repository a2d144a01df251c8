"""Sentence splitting (English and Chinese) and clause marks."""

from __future__ import annotations

from ultralow.claims.sentences import clause_bounds, split_sentences


def sentences(text: str, blocks: bool = False) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, 0, len(text), lines_are_blocks=blocks)]


def test_english_full_stops_not_decimals_or_abbreviations() -> None:
    text = "We donated 13.5 million Yuan, e.g. for schools. Taxes rose. U.S. dollars are used."
    assert sentences(text) == ["We donated 13.5 million Yuan, e.g. for schools.", "Taxes rose.",
                               "U.S. dollars are used."]


def test_chinese_sentence_ends_and_semicolons_stay_inside() -> None:
    text = "全年捐赠3860万元；其中捐款1000万元。员工4.3万人！"
    assert sentences(text) == ["全年捐赠3860万元；其中捐款1000万元。", "员工4.3万人！"]


def test_bullets_headings_and_wrapped_lines() -> None:
    text = "# Highlights\n- In 2023 we paid taxes of\n  RMB 9.3 billion.\n• Trees planted: 500,000\n\nNext paragraph"
    assert sentences(text) == ["Highlights", "In 2023 we paid taxes of\n  RMB 9.3 billion.", "Trees planted: 500,000",
                               "Next paragraph"]


def test_html_lines_are_blocks() -> None:
    assert sentences("Employees\n43,512 people", blocks=True) == ["Employees", "43,512 people"]


def test_clause_marks_skip_thousands_separators() -> None:
    text = "Revenue 1,234 yuan, taxes 56；员工，"
    assert [text[i] for i in clause_bounds(text, 0, len(text))] == [",", "；", "，"]
