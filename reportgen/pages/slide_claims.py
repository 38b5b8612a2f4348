"""The labelled claims a chart slide group shows: the deck's words, its figures, and what was measured.

A deck slide's words and what was measured share one claims slide before the
charts when both fit the classroom budget (slide_fit.WORD_BUDGET). When they
do not, the deck's words keep that slide whole and what was measured (a
verdict and its reasons) gets a slide of its own after the charts: claim,
evidence, conclusion, and no bullet of the deck's cut to the notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from reportgen.i18n.catalogs import Translator
from reportgen.pages.contexts import ChartBlock, DataTable
from reportgen.pages.deck import DeckSlide
from reportgen.pages.slide_fit import classroom_claims


@dataclass(frozen=True)
class Claim:
    """A labelled box beside the chart: the deck's words, its reference figures, or what was measured."""

    kind: str
    """`deck`, `reference` or `measured` (CSS class and data attribute)."""
    label: str
    texts: tuple[str, ...]


Fitted = tuple[tuple[Claim, ...], list[str]]
"""Claims cut to a slide's budget, and the texts that go to the speaker notes."""


def headline(table: DataTable | None) -> tuple[str, ...]:
    """`Platform: median` per row of a chart's numbers, when its table has one median per platform."""
    if table is None or "platform" not in table.keys or "median" not in table.keys or "phase" in table.keys:
        return ()
    platform = table.keys.index("platform")
    median = table.keys.index("median")
    dataset = table.keys.index("dataset") if "dataset" in table.keys else None
    lines = []
    for row in table.rows:
        if not row.cells[median].numeric:
            continue
        label = row.cells[platform].text
        if dataset is not None:
            label = f"{label} · {row.cells[dataset].text}"
        lines.append(f"{label}: {row.cells[median].shown_alone}")
    return tuple(lines[:6])


def deck_label(spec: DeckSlide, tr: Translator) -> str:
    if spec.deck:
        return tr("The deck says (slide {number})").format(number=spec.deck)
    return tr("The deck says (its comparison lists)")


def deck_claims(spec: DeckSlide, tr: Translator) -> tuple[Claim, ...]:
    """The deck's bullets and its own figures (a claim, not a measurement)."""
    claims = []
    if spec.bullets:
        claims.append(Claim("deck", deck_label(spec, tr), tuple(tr(b) for b in spec.bullets)))
    if spec.references:
        claims.append(
            Claim("reference", tr("The deck's figure: a claim, not a measurement"), tuple(tr(r) for r in spec.references))
        )
    return tuple(claims)


def measured_claim(blocks: Sequence[ChartBlock | None], tr: Translator) -> Claim | None:
    """Each drawn chart's passage (its verdict), or its `Platform: median` lines where it has none."""
    measured: list[str] = []
    for block in blocks:
        if block is None or block.svg is None:
            continue
        passage = getattr(block, "passage", None)
        if passage:
            measured.append(passage)
        else:
            measured.extend(headline(block.table))
    return Claim("measured", tr("Measured here"), tuple(measured)) if measured else None


ALONE_SLACK = 2
"""Budget kept back on a slide of one kind of claim (slide_fit.classroom_claims keeps 6 where they mix)."""


def claim_slides(spec: DeckSlide, blocks: Sequence[ChartBlock | None], tr: Translator,
                 reserve: int = 0) -> tuple[Fitted, Fitted | None]:
    """The claims slide before the charts, and the measured slide after them (None when one slide holds both);
    `reserve` words are kept free on each (for a note added afterwards, such as where a chart was drawn)."""
    deck = deck_claims(spec, tr)
    measured = measured_claim(blocks, tr)
    if measured is None:
        return classroom_claims(deck, spec.quote, 6 + reserve), None
    together = classroom_claims((*deck, measured), spec.quote, 6 + reserve)
    alone = classroom_claims(deck, spec.quote, ALONE_SLACK + reserve)
    if _kept(together) >= _kept(alone):
        return together, None
    return alone, classroom_claims((measured,), slack=ALONE_SLACK + reserve)


def _kept(fitted: Fitted) -> int:
    """How many of the deck's texts (bullets and figures) a fitted slide shows."""
    return sum(len(c.texts) for c in fitted[0] if c.kind != "measured")


def shown_on(chart_id: str, numbers: tuple[int, int], tr: Translator) -> str:
    """Where an earlier slide already drew `chart_id`: "chart C3: slides 30–32" (or "slide 30")."""
    first, last = numbers
    if first == last:
        return tr("chart {chart_id}: slide {number}").format(chart_id=chart_id, number=tr.integer(first))
    return tr("chart {chart_id}: slides {first}–{last}").format(
        chart_id=chart_id, first=tr.integer(first), last=tr.integer(last))


def pointing_back(claims: tuple[Claim, ...], after: "tuple[tuple[Claim, ...], list[str]] | None", seen: str,
                   tr: Translator) -> "tuple[tuple[Claim, ...], tuple[tuple[Claim, ...], list[str]] | None]":
    """A deck slide whose charts were drawn for an earlier one is not drawn again: its measured claim's label
    says where they are ("Measured here (chart C3: slides 30–32)"), or a claim of its own does."""
    def relabel(group: tuple[Claim, ...]) -> tuple[tuple[Claim, ...], bool]:
        found = any(c.kind == "measured" for c in group)
        return tuple(replace(c, label=f"{c.label} ({seen})") if c.kind == "measured" else c for c in group), found

    claims, found = relabel(claims)
    if not found and after is not None:
        relabelled, found = relabel(after[0])
        after = (relabelled, after[1])
    if not found:
        claims = (*claims, Claim("seen", tr("Chart"), (seen,)))
    return claims, after
