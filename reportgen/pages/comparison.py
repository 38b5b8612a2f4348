"""The comparison section (`reportgen build --compare OLD`): old vs new per metric, with verdicts.

The statistics are `compare.py`'s, the same as `reportgen diff` prints; this
module only turns them into a chart, a numbers table and host facts, in one
language. The chart shows the ratio new/old of medians for the sampled
metrics (log scale, 1 = unchanged), largest changes first; exact metrics
(bytes, counts) and every other series are in the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd
from markupsafe import Markup

from collector.dataset import Dataset

from reportgen.load.compare import IMPROVED, REGRESSED, SAME, Comparison, Thresholds, compare, host_differences
from reportgen.commands.diff import VERDICT_TEXT
from reportgen.i18n.catalogs import Translator
from reportgen.pages.contexts import Cell, ChartBlock, DataTable, Fact, Row
from reportgen.rendering.render_svg import render
from reportgen.i18n.vocab import phase_label, platform_label

CHART_ID = "CMP"
ANCHOR = "comparison"
MAX_CHART_ROWS = 24
VERDICT_COLOURS = {REGRESSED: "#c0392b", IMPROVED: "#1b8a6b", SAME: "#8a8a8a"}


@dataclass(frozen=True)
class ComparisonData:
    """Language-independent: what was compared and the verdicts (computed once per build)."""

    old: str
    new: str
    alpha: float
    comparisons: tuple[Comparison, ...]
    hosts: tuple[tuple[str, object, object], ...]


@dataclass(frozen=True)
class ComparisonSection:
    """What the template shows, in one language."""

    anchor: str
    title: str
    intro: str
    hosts_title: str | None
    hosts: tuple[Fact, ...]
    block: ChartBlock


def comparison_data(old: Dataset, new: Dataset, thresholds: Thresholds | None = None) -> ComparisonData:
    thresholds = thresholds or Thresholds.load()
    found = compare(old.samples, new.samples, thresholds)
    return ComparisonData(old.label, new.label, thresholds.alpha, tuple(found), tuple(host_differences(old.manifest, new.manifest)))


def _series_label(c: Comparison, tr: Translator) -> str:
    parts = [platform_label(c.platform, "none", tr, short=True), c.metric]
    if c.phase:
        parts.append(phase_label(c.phase, tr))
    return f"{c.suite} · " + " · ".join(parts)


def _value(c: Comparison, value: float | None, tr: Translator) -> Cell:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Cell("—")
    return Cell(tr.units.value(value, c.unit, c.exact), value)


def _chart(data: ComparisonData, tr: Translator) -> alt.TopLevelMixin | None:
    rows = [c for c in data.comparisons if not c.exact and c.ratio not in (None, 0.0) and not math.isinf(c.ratio or 0)]
    if not rows:
        return None
    rows.sort(key=lambda c: (-abs(math.log(c.ratio)), _series_label(c, tr)))  # type: ignore[arg-type]
    rows = rows[:MAX_CHART_ROWS]
    frame = pd.DataFrame(
        {
            "series": [_series_label(c, tr) for c in rows],
            "ratio": [c.ratio for c in rows],
            "verdict": [tr(VERDICT_TEXT[c.verdict]) for c in rows],
        }
    )
    domain = [tr(VERDICT_TEXT[v]) for v in (REGRESSED, IMPROVED, SAME)]
    colours = [VERDICT_COLOURS[v] for v in (REGRESSED, IMPROVED, SAME)]
    x = alt.X("ratio:Q", scale=alt.Scale(type="log"), title=tr("ratio of medians, new / old (log scale; 1 = unchanged)"))
    y = alt.Y("series:N", sort=list(frame["series"]), title=None, axis=alt.Axis(labelLimit=320))
    points = alt.Chart(frame).mark_point(filled=True, size=70).encode(
        x=x, y=y, color=alt.Color("verdict:N", scale=alt.Scale(domain=domain, range=colours), title=tr("verdict"))
    )
    one = alt.Chart(pd.DataFrame({"ratio": [1.0]})).mark_rule(color="#555555", strokeDash=[4, 3]).encode(x="ratio:Q")
    return (one + points).properties(width=300, height=max(60, 18 * len(frame)))


def _table(data: ComparisonData, tr: Translator) -> DataTable:
    rows = []
    for c in data.comparisons:
        ratio = Cell("—") if c.ratio is None or math.isinf(c.ratio) else Cell(f"{tr.number(c.ratio)}×", c.ratio)
        if c.p_value is None:
            p = Cell(tr("exact") if c.exact else "—")
        else:
            p = Cell("< " + tr.number(0.001) if c.p_value < 0.001 else tr.number(c.p_value, 2), c.p_value)
        rows.append(Row(
            (Cell(_series_label(c, tr)), _value(c, c.old_median, tr), _value(c, c.new_median, tr), ratio, p,
             Cell(tr(VERDICT_TEXT[c.verdict]))),
            (("platform", c.platform), ("metric", c.metric), ("phase", c.phase or ""), ("verdict", c.verdict)),
        ))
    return DataTable(
        caption=tr("Every compared series: medians of the non-warm-up, successful samples; exact metrics compared exactly."),
        columns=(tr("series"), tr("old median"), tr("new median"), tr("ratio new/old"), tr("p (Mann–Whitney U)"), tr("verdict")),
        keys=("series", "old", "new", "ratio", "p", "verdict"),
        rows=tuple(rows),
    )


def comparison_section(data: ComparisonData, tr: Translator, font_dir) -> ComparisonSection:  # type: ignore[no-untyped-def]
    counts = {v: sum(c.verdict == v for c in data.comparisons) for v in (REGRESSED, IMPROVED)}
    intro = tr(
        "{new} compared with {old}: {regressed} series regressed and {improved} improved, judged by a two-sided "
        "Mann–Whitney U test at α = {alpha} and a minimum ratio per metric; exact metrics differ when any value differs."
    ).format(new=data.new, old=data.old, regressed=counts[REGRESSED], improved=counts[IMPROVED], alpha=tr.number(data.alpha, 2))
    chart = _chart(data, tr)
    alt_text = tr("Ratio of medians new/old for the {n} sampled series that changed most; {regressed} regressed, {improved} improved.").format(
        n=min(MAX_CHART_ROWS, sum(not c.exact for c in data.comparisons)), regressed=counts[REGRESSED], improved=counts[IMPROVED]
    )
    block = ChartBlock(
        chart_id=CHART_ID,
        anchor=f"{ANCHOR}-chart",
        title=tr("Old vs new, per metric"),
        caption=tr("Ratio of medians new/old, largest changes first (at most 24 sampled series); colour is the verdict."),
        alt=alt_text if chart is not None else "",
        svg=Markup(render(chart, chart_id=CHART_ID, alt_text=alt_text, vega_locale=tr.vega_locale, font_dir=font_dir)) if chart is not None else None,
        table=_table(data, tr),
        missing=None if chart is not None else tr("No sampled metric is present in both datasets; see the table."),
    )
    hosts = tuple(Fact(k, tr("{old} (old), {new} (new)").format(old=a, new=b)) for k, a, b in data.hosts)
    return ComparisonSection(
        anchor=ANCHOR,
        title=tr("Comparison with an earlier dataset"),
        intro=intro,
        hosts_title=tr("Host differences: these datasets come from different hosts or set-ups") if hosts else None,
        hosts=hosts,
        block=block,
    )
