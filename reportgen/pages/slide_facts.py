"""A hosts or provenance slide's facts, packed onto as few full-width slides as hold them at classroom size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from reportgen.pages.contexts import Fact
from reportgen.pages.slide_fit import CLASSROOM_PX, WORD_BUDGET, evenly, fact_words
from reportgen.pages.slide_layout import BODY_HEIGHT, BODY_WIDTH, lines


@dataclass(frozen=True)
class FactGroup:
    """A titled list of facts (run configuration, host, dataset, tool versions) as one slide shows it."""

    title: str
    facts: tuple[Fact, ...]


FACT_PX = CLASSROOM_PX * 1.4
"""One line of a fact (slides.css: .fact-group dl, 24 px at line height 1.4)."""
FACT_HEADING_PX = 40.0
"""A group's heading above its facts, with its rule and margin."""


def fact_pages(groups: Sequence[FactGroup]) -> list[tuple[FactGroup, ...]]:
    """The facts of `groups`, in order, on as few full-width slides as hold them, shared out evenly: the
    fewest slides that hold them, then the smallest share of a slide that still needs no more (so no last
    slide carries two facts alone)."""
    return evenly(lambda share: _packed(groups, share))


def _packed(groups: Sequence[FactGroup], share: float) -> list[tuple[FactGroup, ...]]:
    """Each slide takes facts while their wrapped lines fit `share` of the body's height and their words
    `share` of the budget; a group that goes on past a slide starts the next one under its own heading again."""
    label_px, value_px = BODY_WIDTH * 0.42 - 8, BODY_WIDTH * 0.58
    room_px, room_words = (BODY_HEIGHT - 30) * share, (WORD_BUDGET - 6) * share

    def height(fact: Fact) -> float:
        return max(lines(fact.label, CLASSROOM_PX, label_px), lines(str(fact.value), CLASSROOM_PX, value_px)) * FACT_PX

    pages: list[tuple[FactGroup, ...]] = []
    page: list[FactGroup] = []
    used_px, used_words = 0.0, 0
    for group in groups:
        kept: list[Fact] = []
        for fact in group.facts:
            need = height(fact) + (FACT_HEADING_PX if not kept else 0.0)
            if (page or kept) and (used_px + need > room_px or used_words + fact_words(fact) > room_words):
                if kept:
                    page.append(FactGroup(group.title, tuple(kept)))
                pages.append(tuple(page))
                page, kept, used_px, used_words = [], [], 0.0, 0
                need = height(fact) + FACT_HEADING_PX
            kept.append(fact)
            used_px, used_words = used_px + need, used_words + fact_words(fact)
        if kept:
            page.append(FactGroup(group.title, tuple(kept)))
    if page:
        pages.append(tuple(page))
    return pages or [()]
