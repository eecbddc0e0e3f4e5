"""Chinese full-text search of gig and seeking posts (辽人社〔2022〕22号 第七条: gig information people can
find). Text is cut into words with jieba's search mode; a post stores its words space-joined with a space
at both ends in ``search_text``, so "has word W" is ``search_text__contains=" W "`` on any database.

A query is cut the same way and every word must match. Search mode also emits the shorter dictionary
words inside a long word ("和平区" → "和平", "和平区"), on both sides, so "和平区" and "和平" both find it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import jieba

_init_lock = threading.Lock()
_ready = False

# Words that carry no meaning in a query typed into a job search box.
_FILLER = frozenset(
    {"找", "找个", "找份", "招", "招聘", "求职", "工作", "的", "活", "活儿", "附近", "一个", "有没有"}
)
_WORD = re.compile(r"\w", re.UNICODE)


def _ensure_ready() -> None:
    """Load jieba's dictionary once per process, quietly (it prints to stderr on first use)."""
    global _ready
    if _ready:
        return
    with _init_lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _ready = True


def words(text: str) -> list[str]:
    """The distinct lower-cased words of ``text`` in order of first appearance, punctuation dropped."""
    _ensure_ready()
    seen: dict[str, None] = {}
    for token in jieba.lcut_for_search(text or ""):
        token = token.strip().casefold()
        if token and _WORD.search(token):
            seen.setdefault(token, None)
    return list(seen)


def index_text(parts: Iterable[str]) -> str:
    """The ``search_text`` of a post: its words, space-joined, padded with a space at both ends."""
    tokens = words(" ".join(p for p in parts if p))
    return f" {' '.join(tokens)} " if tokens else ""


def query_words(query: str) -> list[str]:
    """Words a post must all contain to match ``query``: filler words and, when longer words are there,
    single characters dropped (jieba splits "找个保洁的活" into "找个 保洁 的 活")."""
    tokens = [t for t in words(query) if t not in _FILLER]
    longer = [t for t in tokens if len(t) > 1]
    return longer or tokens
