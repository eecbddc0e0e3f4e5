"""The occupation catalogue (国家职业分类大典 2022) searched the way people type at a window or on a phone:
by the catalogue name, by the common name ("保姆", "外卖骑手"), by pinyin ("baojie") or its initials
("bjy"). Seed 001 六 七: gig posts, seeking posts and skills refer to these occupations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.db.models import Q

from lingong.core.models import Occupation

_NOT_LATIN = re.compile(r"[^a-z0-9]")


@cache
def _pinyin() -> Callable[[str], list[str]]:
    """pypinyin, loaded on first use: its dictionaries take about 55 MiB, and only loading the catalogue
    and the admin romanize names (searches read the stored pinyin columns)."""
    from pypinyin import lazy_pinyin, load_phrases_dict

    # Words of the catalogue that pypinyin reads with the wrong sound of a polyphonic character (调 diào,
    # 畜 chù).
    load_phrases_dict(
        {
            "调饮": [["tiáo"], ["yǐn"]],
            "调酒": [["tiáo"], ["jiǔ"]],
            "调试": [["tiáo"], ["shì"]],
            "装调": [["zhuāng"], ["tiáo"]],
            "装配调试": [["zhuāng"], ["pèi"], ["tiáo"], ["shì"]],
            "畜禽": [["xù"], ["qín"]],
        }
    )
    return lazy_pinyin


def romanize(text: str) -> tuple[str, str]:
    """``保洁员`` → ``("baojieyuan", "bjy")``: toneless syllables joined, and their first letters."""
    syllables = [_NOT_LATIN.sub("", s.lower()) for s in _pinyin()(text)]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def _aliases(occupation: Occupation) -> list[str]:
    return occupation.aliases.casefold().split()


def _tier(occupation: Occupation, query: str) -> int | None:
    """How well ``occupation`` matches the casefolded ``query``: lower is better, None is no match."""
    name = occupation.name.casefold()
    aliases = _aliases(occupation)
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if query in name:
        return 2
    if query in aliases:
        return 3
    if any(query in alias for alias in aliases):
        return 4
    if occupation.pinyin.startswith(query) or occupation.initials.startswith(query):
        return 5
    if query in occupation.pinyin:
        return 6
    return None


def search_occupations(query: str, limit: int = 20) -> list[Occupation]:
    """Occupations matching ``query``, best first: exact name, name prefix, name containing it, common
    name, then pinyin or initials. Among equals, detailed occupations before the groups that hold them,
    then those common in flexible work, then shorter names.

    The database narrows the candidates with case-insensitive ``LIKE`` filters that behave the same on
    SQLite and PostgreSQL; the ranking is done here, on a catalogue of a few hundred rows.
    """
    text = " ".join((query or "").split()).casefold()
    if not text or limit <= 0:
        return []
    match = Q(name__icontains=text) | Q(aliases__icontains=text)
    latin = text.replace(" ", "")
    if latin.isascii() and latin.isalnum():
        text = latin
        match |= Q(pinyin__contains=latin) | Q(initials__startswith=latin)
    ranked = []
    for occupation in Occupation.objects.filter(match):
        tier = _tier(occupation, text)
        if tier is not None:
            general = occupation.code.count("-") < 3
            rare = not occupation.common_in_flexible_work
            ranked.append(((tier, general, rare, len(occupation.name), occupation.code), occupation))
    ranked.sort(key=lambda pair: pair[0])
    return [occupation for _key, occupation in ranked[:limit]]
