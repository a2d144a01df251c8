"""Terms of a text: jieba's search-mode segmentation of Chinese, Latin words and numbers, lower case."""

from __future__ import annotations

import logging
import re
import warnings
from functools import cache

with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
    warnings.simplefilter("ignore")
    import jieba

jieba.setLogLevel(logging.WARNING)

WORD = re.compile(r"[0-9a-z\u00c0-\u024f]+(?:[.'][0-9a-z]+)*|[\u3400-\u9fff\uf900-\ufaff]+", re.IGNORECASE)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_TERMS = 64  # of a query


@cache
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order (a Chinese run yields its words and their sub-words)."""
    out: list[str] = []
    for match in WORD.finditer(text):
        chunk = match.group(0).lower()
        if CJK.match(chunk):
            out.extend(t for t in _tokenizer().cut_for_search(chunk) if t.strip())
        else:
            out.append(chunk)
    return out


def query_terms(text: str) -> list[str]:
    """Distinct terms of a query, at most ``MAX_TERMS``."""
    return list(dict.fromkeys(terms(text)))[:MAX_TERMS]
