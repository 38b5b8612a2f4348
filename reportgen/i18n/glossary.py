"""The glossary (glossary.toml): each concept's Korean and English term, and the synonyms the catalogs must not use.

The catalogs are checked against it (tests/unit/test_glossary.py): a Korean
entry that uses a rejected synonym is listed by `violations()`, unless the
entry is one of the source deck's bullets, which are quotes and keep the
deck's own wording.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

GLOSSARY_PATH = Path(__file__).resolve().parent / "glossary.toml"


@dataclass(frozen=True)
class Term:
    """One concept: its terms per language and the Korean synonyms rejected in its favour."""

    key: str
    ko: str
    en: str
    ko_short: str = ""
    rejected: tuple[str, ...] = ()
    note: str = ""


@lru_cache(maxsize=None)
def glossary() -> tuple[Term, ...]:
    """Every concept of glossary.toml, in file order."""
    data = tomllib.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    return tuple(
        Term(key, entry["ko"], entry["en"], entry.get("ko_short", ""), tuple(entry.get("rejected", ())), entry.get("note", ""))
        for key, entry in data.items()
    )


def term(key: str, lang: str = "ko") -> str:
    """The glossary's term for concept `key` in `lang`."""
    for entry in glossary():
        if entry.key == key:
            return getattr(entry, lang)
    raise KeyError(key)


def deck_quotes() -> frozenset[str]:
    """The msgids that quote the source deck (its bullets, its matrix verdicts): they keep the deck's words."""
    from reportgen.charts.c2_matrix import VERDICTS  # late: charts and pages import i18n
    from reportgen.pages.deck import CRITERIA_LINE, DECK

    bullets = (bullet for spec in DECK for bullet in spec.bullets)
    verdicts = (text for verdict in VERDICTS.values() for text in verdict.texts)
    return frozenset({CRITERIA_LINE, *bullets, *verdicts})


def violations(entries: Iterable[tuple[str, str]], quotes: frozenset[str] = frozenset()) -> list[str]:
    """`msgid → rejected word (use: term)` for each (msgid, Korean text) using a rejected synonym, quotes aside."""
    found = []
    for msgid, text in entries:
        if msgid in quotes:
            continue
        for entry in glossary():
            for word in entry.rejected:
                if word in text:
                    found.append(f"{msgid!r} → {word!r} (use: {entry.ko!r})")
    return found
