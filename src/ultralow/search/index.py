"""The in-memory Tantivy index of the site and its ranked, highlighted results."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import tantivy
from markupsafe import Markup, escape

from ultralow.search.documents import SearchDoc
from ultralow.search.segment import query_terms, terms

SNIPPET_CHARS = 180
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class SearchHit:
    doc: SearchDoc
    score: float
    snippet: Markup  # escaped text with the matched terms in <mark>


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("ordinal", stored=True, indexed=False)
    builder.add_text_field("lang", stored=False, tokenizer_name="raw")
    builder.add_text_field("title", stored=False, tokenizer_name="whitespace")
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    return builder.build()


class SearchIndex:
    """Documents indexed by their segmented title and body; the originals kept for results."""

    def __init__(self, docs: Sequence[SearchDoc]) -> None:
        self.docs = list(docs)
        self._index = tantivy.Index(_schema())
        writer = self._index.writer(heap_size=50_000_000, num_threads=1)
        for ordinal, doc in enumerate(self.docs):
            writer.add_document(tantivy.Document(
                ordinal=ordinal, lang=doc.lang, title=" ".join(terms(doc.title)), body=" ".join(terms(doc.body))))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    def search(self, query: str, *, lang: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Ranked hits for ``query``; one hit per thing found (``key``), preferring the ``lang`` version
        when both languages match equally well."""
        wanted = query_terms(query[:MAX_QUERY_CHARS])
        if not wanted:
            return []
        # terms hold only letters, digits and CJK (see segment.WORD): nothing the query language parses
        parsed = self._index.parse_query(" ".join(wanted), ["title", "body"], field_boosts={"title": 2.0})
        result = self._searcher.search(parsed, limit * 4)
        best: dict[str, tuple[float, SearchDoc]] = {}
        order: list[str] = []
        for score, address in result.hits:
            doc = self.docs[int(self._searcher.doc(address)["ordinal"][0])]
            bonus = 1e-6 if lang is not None and doc.lang == lang else 0.0
            if doc.key not in best:
                order.append(doc.key)
                best[doc.key] = (score + bonus, doc)
            elif score + bonus > best[doc.key][0]:
                best[doc.key] = (score + bonus, doc)
        ranked = sorted(order, key=lambda key: -best[key][0])[:limit]
        return [SearchHit(best[k][1], best[k][0], snippet(best[k][1].body, wanted)) for k in ranked]


def build_search_index(docs: Sequence[SearchDoc]) -> SearchIndex:
    return SearchIndex(docs)


def snippet(text: str, wanted: Sequence[str], width: int = SNIPPET_CHARS) -> Markup:
    """A window of ``text`` around the first matched term, escaped, every matched term in ``<mark>``."""
    if not wanted:
        return Markup(escape(text[:width]))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(wanted, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = 0 if first is None else max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    window = text[start:end]
    parts: list[str] = ["…" if start > 0 else ""]
    last = 0
    for match in pattern.finditer(window):
        parts.append(str(escape(window[last:match.start()])))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(str(escape(window[last:])))
    parts.append("…" if end < len(text) else "")
    return Markup("".join(parts))
