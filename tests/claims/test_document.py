"""Documents: plain text and Markdown kept as given, HTML as extracted text, tables with cell offsets."""

from __future__ import annotations

from ultralow.claims.document import kind_of, parse_document


def test_plain_and_markdown_text_is_the_input_as_given() -> None:
    raw = "# Title\n\n| a | b |\n|---|---|\n| x | 1 |\n"
    doc = parse_document("r.md", raw)
    assert doc.text == raw and doc.kind == "markdown"
    [table] = doc.tables
    assert [c.text for c in table.header] == ["a", "b"]
    [row] = table.body
    assert [(c.text, raw[c.start:c.end]) for c in row] == [("x", "x"), ("1", "1")]
    assert doc.prose_ranges() == [(0, table.start), (table.end, len(raw))]


def test_html_text_blocks_entities_sup_and_skipped_elements() -> None:
    raw = ("<html><head><title>t</title><script>var x = 2023;</script></head><body>"
           "<p>SO<sub>2</sub> at 15 mg/m<sup>3</sup> &amp; taxes<sup>1</sup></p><ul><li>one</li><li>two</li></ul>"
           "<table><tr><th>Year</th><th>Employees</th></tr><tr><td>2023</td><td>43,512</td></tr></table></body></html>")
    doc = parse_document("r.html", raw)
    assert doc.kind == "html"
    lines = doc.text.splitlines()
    assert lines[0] == "SO2 at 15 mg/m3 & taxes[^1]"  # m<sup>3</sup> stays a unit; a footnote mark is marked
    assert lines[1:3] == ["one", "two"]
    assert lines[3:5] == ["Year | Employees", "2023 | 43,512"]
    assert "2023;" not in doc.text  # script dropped
    [table] = doc.tables
    cell = table.body[0][1]
    assert doc.text[cell.start:cell.end] == "43,512"  # cell offsets point into the extracted text


def test_kind_from_file_name() -> None:
    assert [kind_of(n) for n in ("a.HTML", "b.htm", "c.md", "d.txt", "e")] == ["html", "html", "markdown", "text", "text"]
