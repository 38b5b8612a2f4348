"""Which charts a slide splits, and how: the deck's platforms on one slide, each family's variants on the next.

With all seven platforms, a row-per-platform chart (C1, C9, C10, C12) is too
tall for a 16:9 slide at classroom size: shrunk to fit, its labels fall below
14 pt. The report and handout keep the whole chart; the slides get it in
parts, each drawn by the chart's own `draw` from its own rows: the deck's three
platforms (the comparison the deck makes), then per family its variants,
with the bare process again as the baseline beside them.
"""

from __future__ import annotations

from dataclasses import replace

from collector.dataset import DECK_PLATFORMS, FAMILIES, VARIANTS
from reportgen.charts.base import ChartInput

SPLIT_ON_SLIDES: tuple[str, ...] = ("C1", "C9", "C10", "C12")
"""Charts with a row (or a series) per platform and several rows per platform, too tall with the variants."""
BASELINE = "process"


def slide_parts(chart_id: str, data: ChartInput) -> tuple[ChartInput, ...]:
    """The inputs of each slide part, or () when the chart goes on one slide whole."""
    if chart_id not in SPLIT_ON_SLIDES or data.summary.empty or "platform" not in data.summary:
        return ()
    platforms = set(data.summary["platform"])
    variants = platforms - set(DECK_PLATFORMS)
    if not variants or not platforms & set(DECK_PLATFORMS):
        return ()
    groups = [set(DECK_PLATFORMS)]
    for family in FAMILIES:  # then each family's variants beside the bare process
        mine = {v.name for v in VARIANTS if v.family == family and v.name in variants}
        if mine:
            groups.append(mine | {BASELINE})
    parts = [replace(data, summary=data.summary[data.summary["platform"].isin(group)]) for group in groups]
    parts = [p for p in parts if not p.measured.empty]  # a part with nothing measured is no slide
    return tuple(parts) if len(parts) > 1 else ()
