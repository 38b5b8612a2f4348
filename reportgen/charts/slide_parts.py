"""Which charts a slide splits, and how: the deck's platforms on one slide, each family's variants on the next.

With all seven platforms, a row-per-platform chart (C1, C9, C10, C12) is too
tall for a 16:9 slide at classroom size: shrunk to fit, its labels fall below
14 pt. The report and handout keep the whole chart; the slides get it in
parts, each drawn by the chart's own `draw` from its own rows: the deck's three
platforms (the comparison the deck makes), then per family its variants,
with the bare process again as the baseline beside them. C12 has a row per
benchmark as well, sixteen of them: each of its platform parts is shown as
three slides, one per benchmark group, and all its variants share one part
(six slides rather than nine; the marks' shapes tell the platforms apart).
"""

from __future__ import annotations

from dataclasses import replace

from collector.dataset import DECK_PLATFORMS, FAMILIES, VARIANTS
from reportgen.charts.base import ChartInput
from reportgen.charts.c12_performance import SLIDE_GROUPS as C12_GROUPS

SPLIT_ON_SLIDES: tuple[str, ...] = ("C1", "C3", "C5", "C9", "C10", "C12")
"""Charts with a row (or a series) per platform and several rows per platform, too tall with the variants."""
BASELINE = "process"
METRIC_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {"C12": C12_GROUPS}
"""Charts with a row per metric too, too many for one slide: each platform group's slides, a metric group each."""


def _platform_groups(chart_id: str, data: ChartInput) -> list[set[str] | None]:
    """The platforms of each slide: the deck's, then each family's variants with the bare process; [None]
    (every platform on one slide) when the chart is not split by platform or has no variants."""
    platforms = set(data.summary["platform"])
    variants = platforms - set(DECK_PLATFORMS)
    if chart_id not in SPLIT_ON_SLIDES or not variants or not platforms & set(DECK_PLATFORMS):
        return [None]
    groups: list[set[str] | None] = [set(DECK_PLATFORMS)]
    if chart_id in METRIC_GROUPS:  # already a slide per metric group: every variant on the same slides
        return [*groups, variants | {BASELINE}]
    for family in FAMILIES:  # then each family's variants beside the bare process
        mine = {v.name for v in VARIANTS if v.family == family and v.name in variants}
        if mine:
            groups.append(mine | {BASELINE})
    return groups


def slide_parts(chart_id: str, data: ChartInput) -> tuple[ChartInput, ...]:
    """The inputs of each slide part (per platform group, each of its metric groups), or () when the chart
    goes on one slide whole."""
    if data.summary.empty or "platform" not in data.summary:
        return ()
    metric_groups: tuple[tuple[str, ...] | None, ...] = (
        METRIC_GROUPS.get(chart_id, (None,)) if "metric" in data.summary else (None,))
    parts = []
    for platforms in _platform_groups(chart_id, data):
        for metrics in metric_groups:
            summary = data.summary
            if platforms is not None:
                summary = summary[summary["platform"].isin(platforms)]
            if metrics is not None:
                summary = summary[summary["metric"].isin(metrics)]
            parts.append(replace(data, summary=summary, scale_summary=data.summary))
    parts = [p for p in parts if not p.measured.empty]  # a part with nothing measured is no slide
    return tuple(parts) if len(parts) > 1 else ()
