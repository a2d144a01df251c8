"""The search engine: Chinese segmentation, ranking across languages, highlighted and escaped snippets."""

from __future__ import annotations

from ultralow.search import SearchDoc, SearchIndex, terms
from ultralow.search.index import snippet

DOCS = [
    SearchDoc("page:overseas", "en", "page", "Overseas Contribution",
              "The bauxite mine and port at Boké in Guinea; community spending in Guinea.", "overseas"),
    SearchDoc("page:overseas", "zh", "page", "海外贡献", "几内亚博凯的铝土矿和港口，以及印度尼西亚的氧化铝厂。", "overseas"),
    SearchDoc("page:esg", "en", "page", "Environmental, Social and Governance",
              "Emission performance of every stack against the limit.", "esg"),
    SearchDoc("page:esg", "zh", "page", "环境、社会及管治", "每个排放口的排放表现，对照排放限值。", "esg"),
    SearchDoc("outlet:u1", "en", "outlet", "Unit 1 stack", "coal-fired power unit in Guinea? no: Shandong", "outlets/u1"),
]


def test_jieba_splits_chinese_runs_into_words() -> None:
    assert terms("几内亚博凯的铝土矿") == ["几内亚", "博凯", "的", "铝土", "铝土矿"]
    assert terms("Guinea, 0.5 percent!") == ["guinea", "0.5", "percent"]


def test_both_languages_find_the_overseas_page() -> None:
    index = SearchIndex(DOCS)
    english = index.search("Guinea", lang="en")
    assert english[0].doc.key == "page:overseas" and english[0].doc.lang == "en"
    assert "<mark>Guinea</mark>" in english[0].snippet
    chinese = index.search("几内亚", lang="zh")
    assert [h.doc.key for h in chinese] == ["page:overseas"]
    assert "<mark>几内亚</mark>" in chinese[0].snippet
    # one hit per thing found, although both language versions of the ESG page match "排放" / "emission"
    assert [h.doc.key for h in index.search("排放 emission", lang="en")] == ["page:esg"]


def test_the_page_outranks_a_passing_mention() -> None:
    hits = SearchIndex(DOCS).search("guinea", lang="en")
    assert [h.doc.key for h in hits] == ["page:overseas", "outlet:u1"]  # two mentions beat one


def test_query_syntax_and_markup_are_plain_text() -> None:
    index = SearchIndex(DOCS)
    assert index.search('title:"x" OR (', lang="en") == []  # no query-language error, just no match
    assert index.search("", lang="en") == [] and index.search("!!!", lang="en") == []
    marked = snippet("a <b>Guinea</b> & co", ["guinea"])
    assert str(marked) == "a &lt;b&gt;<mark>Guinea</mark>&lt;/b&gt; &amp; co"
