"""Keyword search over the site: Tantivy (BM25 ranking) with Chinese word segmentation by jieba.

Text is segmented before it reaches Tantivy (jieba for Chinese, words for Latin script, all lower case) and
indexed with Tantivy's whitespace tokenizer, so "几内亚" and "Guinea" are both single terms.
"""

from ultralow.search.documents import SearchDoc
from ultralow.search.index import SearchHit, SearchIndex, build_search_index
from ultralow.search.segment import terms

__all__ = ["SearchDoc", "SearchHit", "SearchIndex", "build_search_index", "terms"]
