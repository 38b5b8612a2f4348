"""What a chart definition is, the registry, and what every chart shares (colours, gap notes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import DataTable
from collector.dataset import NOT_APPLICABLE, NOT_APPLICABLE_REASONS
from reportgen.i18n.vocab import PLATFORM_ORDER, VARIANT_ORDER, platform_label, platform_rank

PLATFORM_COLOURS: dict[str, str] = {"process": "#5b6b82", "container": "#1b8a6b", "vm": "#c8540c"}
"""One colour per family's deck platform, the same in every chart."""

VARIANT_COLOURS: dict[str, str] = {"crun": "#3f9f80", "podman": "#6bb89d", "gvisor": "#0d5b45", "microvm": "#8a3a08"}
"""Variants in their family's hue: lighter for the same boundary set up another way, darker for a stronger one."""


def colour_scale(present: Iterable[object] = ()) -> alt.Scale:
    """The platform colour scale: the deck's three always (so a chart of them alone is unchanged), then the
    variants present in the chart, in family and isolation order."""
    seen = {str(p) for p in present}
    domain = [*PLATFORM_COLOURS, *(p for p in VARIANT_ORDER if p in VARIANT_COLOURS and p in seen)]
    colours = {**PLATFORM_COLOURS, **VARIANT_COLOURS}
    return alt.Scale(domain=domain, range=[colours[p] for p in domain])


def platform_hex(platform: str, other: str = "#777777") -> str:
    """The colour of one platform (a family's deck platform or a variant), `other` for an unknown name."""
    return PLATFORM_COLOURS.get(platform) or VARIANT_COLOURS.get(platform, other)


PLATFORM_SHAPES: dict[str, str] = {"process": "circle", "container": "square", "vm": "triangle-up", "crun": "diamond",
                                   "podman": "triangle-down", "gvisor": "cross", "microvm": "triangle-right"}
"""One filled mark shape per platform, so two platforms of one family's hue stay apart in a dot chart (and in
grey print); published references are drawn hollow and grey beside them."""


def platform_shape(platform: str, other: str = "circle") -> str:
    return PLATFORM_SHAPES.get(platform, other)


REFERENCE_COLOUR = "#8a8a8a"
"""Grey for the source deck's claims: references, never data."""


@dataclass(frozen=True)
class ChartInput:
    """What a chart's functions receive: its summary and the context needed to explain gaps."""

    summary: pd.DataFrame
    datasets: tuple[str, ...]
    """Labels (`name@version`) of every dataset in the build, in the order given."""
    skipped: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(dataset, platform) -> reason the collector recorded for not measuring it."""
    scale_summary: pd.DataFrame | None = None
    """The whole chart's summary when this input is one slide's part of it: the axes are drawn to its range,
    so the parts of one chart share one scale and their bars compare across slides."""

    @property
    def whole(self) -> "ChartInput":
        """The input the axis range is computed from: the whole chart's, also for one slide's part of it."""
        return self if self.scale_summary is None else replace(self, summary=self.scale_summary, scale_summary=None)

    @property
    def measured(self) -> pd.DataFrame:
        """Summary rows that have a median (n > 0): the only rows a chart may draw."""
        if self.summary.empty:
            return self.summary
        return self.summary[self.summary["n"] > 0]

    @property
    def multi(self) -> bool:
        return len(self.datasets) > 1


@dataclass(frozen=True)
class ChartDef:
    """One chart id: its texts (msgids) and the functions that take it from samples to a figure."""

    chart_id: str
    title: str
    caption: str
    no_data: str
    """Said instead of the chart when nothing was measured; may use {datasets}."""
    summarise: Callable[[pa.Table], pd.DataFrame]
    draw: Callable[[ChartInput, Translator], alt.TopLevelMixin]
    table: Callable[[ChartInput, Translator], DataTable]
    describe: Callable[[ChartInput, Translator], str]
    expects: tuple[str, ...] = PLATFORM_ORDER
    passage: Callable[[ChartInput, Translator], str] | None = None
    """What the measurement shows against the deck's claim, computed from the data (handout and report)."""
    withhold: Callable[[ChartInput, Translator], str | None] | None = None
    """A reason not to draw although there are data (C8 with one host); the table is still shown."""

    @property
    def anchor(self) -> str:
        return f"chart-{self.chart_id}"

    @property
    def number(self) -> int:
        return int(self.chart_id.lstrip("C"))


REGISTRY: dict[str, ChartDef] = {}


def register(definition: ChartDef) -> ChartDef:
    if definition.chart_id in REGISTRY:
        raise ValueError(f"chart {definition.chart_id} registered twice")
    REGISTRY[definition.chart_id] = definition
    return definition


def registered() -> list[ChartDef]:
    """Registered charts in id order (C3 before C10)."""
    return sorted(REGISTRY.values(), key=lambda d: d.number)


# shared helpers -----------------------------------------------------------------


def order_rows(frame: pd.DataFrame, datasets: tuple[str, ...], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows in reading order: dataset as given, platform lightest first, then `extra` columns."""
    if frame.empty:
        return frame
    ranked = frame.assign(
        _d=frame["dataset"].map({label: i for i, label in enumerate(datasets)}),
        _p=frame["platform"].map(platform_rank),
    )
    return ranked.sort_values(["_d", "_p", "accelerator", *extra], kind="stable").drop(columns=["_d", "_p"])


def row_label(row: Mapping[str, object], tr: Translator, multi: bool) -> str:
    """Axis label of one series: the platform, plus the dataset when several are compared."""
    label = platform_label(str(row["platform"]), str(row["accelerator"]), tr)
    return f"{label} · {row['dataset']}" if multi else label


def gap_notes(data: ChartInput, expects: tuple[str, ...], tr: Translator) -> tuple[str, ...]:
    """Sentences naming each expected platform a dataset did not measure, or measured only as failures."""
    notes: list[str] = []
    summary = data.summary
    for dataset in data.datasets:
        rows = summary[summary["dataset"] == dataset] if not summary.empty else summary
        for platform in expects:
            prows = rows[rows["platform"] == platform] if not rows.empty else rows
            label = platform_label(platform, "", tr)
            if prows.empty:
                reason = data.skipped.get((dataset, platform))
                text = tr("{platform}: not measured in {dataset}.").format(platform=label, dataset=dataset)
                if reason:
                    text += " " + tr("Collector's reason: {reason}").format(reason=reason)
                notes.append(text)
            elif int(prows["n"].sum()) == 0:
                notes.append(_nothing_drawn(prows, label, dataset, tr))
        others = [p for p in VARIANT_ORDER if p not in expects] if not rows.empty else []
        for platform in others:
            prows = rows[rows["platform"] == platform]
            if not prows.empty and int(prows["n"].sum()) == 0:
                notes.append(_nothing_drawn(prows, platform_label(platform, "", tr), dataset, tr))
    return tuple(notes)


def all_not_applicable(errors: Iterable[str]) -> bool:
    """Whether there are failures and every one of them says the suite does not apply (not a failed run)."""
    errors = list(errors)
    return bool(errors) and all(e.startswith(NOT_APPLICABLE) for e in errors)


def not_applicable(rows: pd.DataFrame, tr: Translator | None = None) -> str | None:
    """The collector's reason when every failure of these summary rows says the suite does not apply, else None;
    with `tr`, each reason the collector writes from a known template in `tr`'s language (reason_text)."""
    errors = {e for errs in rows["errors"] for e in errs} if "errors" in rows else set()
    if all_not_applicable(errors):
        reasons = sorted(e[len(NOT_APPLICABLE):] for e in errors)
        return "; ".join(reason_text(r, tr) if tr is not None else r for r in reasons)
    return None


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(x) if i % 2 == 0 else f"(?P<{x}>[A-Za-z0-9_.-]{{1,64}})"
                              for i, x in enumerate(parts)) + "$")


REASON_PATTERNS = tuple((_template_pattern(t), t) for t in NOT_APPLICABLE_REASONS.values())


def reason_text(reason: str, tr: Translator) -> str:
    """A collector's not-applicable reason in `tr`'s language when it follows one of the collector's templates
    (its platform name shown as the platform's label); any other text is the dataset's own words, said so."""
    for pattern, template in REASON_PATTERNS:
        found = pattern.match(reason)
        if found:
            return tr(template).format(**{k: platform_label(v, "", tr) for k, v in found.groupdict().items()})
    return tr("in the collector's words: {reason}").format(reason=reason) if tr.lang != "en" else reason


def _nothing_drawn(rows: pd.DataFrame, label: str, dataset: str, tr: Translator) -> str:
    """Why a platform has no mark: the suite does not apply to it (and why), or every run failed."""
    reason = not_applicable(rows, tr)
    if reason is not None:
        return tr("{platform}: does not apply in {dataset}: {reason}").format(platform=label, dataset=dataset,
                                                                             reason=reason)
    return tr("{platform}: all {failures} runs failed in {dataset}; nothing to draw.").format(
        platform=label, failures=tr.integer(int(rows["failures"].sum())), dataset=dataset)


REQUESTED_LEVEL = 0.95


def ci_notes(data: ChartInput, tr: Translator) -> tuple[str, ...]:
    """A sentence for each confidence the chart's intervals really have where it falls short of 95%: with
    fewer than 6 samples an interval is the samples' full range (collector.dataset.statistics), and a reader
    must not take it for a 95% interval."""
    notes = []
    measured = data.measured
    for column, text in (("level", N_("With {n} samples, an interval shown here is the full range of the samples: "
                                       "it covers the median with {level} confidence, not 95% (that needs at least "
                                       "6 samples).")),
                         ("perf_level", N_("With {n} samples on each side, a ratio's interval is the full range of "
                                           "the pairwise ratios: {level} confidence, not 95%."))):
        if measured.empty or column not in measured:
            continue
        short = measured[pd.to_numeric(measured[column], errors="coerce") < REQUESTED_LEVEL - 1e-9]
        for (n, level), _ in short.groupby(["n", column], sort=True):
            notes.append(tr(text).format(n=tr.integer(int(n)), level=tr.units.percent(float(level) * 100)))
    return tuple(dict.fromkeys(notes))


def failure_notes(data: ChartInput, tr: Translator) -> tuple[str, ...]:
    """One sentence per series with failed runs, in reading order: how many, and the distinct error texts."""
    summary = data.summary
    if summary.empty:
        return ()
    measured = order_rows(summary[(summary["failures"] > 0) & (summary["n"] > 0)], data.datasets)
    notes = []
    for _, rows in measured.groupby(["dataset", "platform", "accelerator"], sort=False):
        errors = sorted({e for errs in rows["errors"] for e in errs})
        notes.append(
            tr("{series}: {failures} failed run(s), left out of the medians ({errors}).").format(
                series=row_label(rows.iloc[0], tr, data.multi),
                failures=tr.integer(int(rows["failures"].max())),
                errors="; ".join(errors),
            )
        )
    return tuple(notes)


DURATION_TICKS: tuple[float, ...] = (1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 60.0, 600.0, 3600.0)
"""Tick values of log-scale duration axes: decades of seconds, then one minute, ten minutes, an hour."""


def duration_axis(lo: float, hi: float, tr: Translator, title: str) -> alt.Axis:
    """A log-scale seconds axis whose ticks read as durations (`1 ms`, `1 s`, `1 min`) in `tr`'s language."""
    values = [v for v in DURATION_TICKS if lo <= v <= hi]
    cases = []
    for v in values:
        if v >= 3600:
            text = tr.units.hours(v)
        elif v >= 60:
            text = tr.units.minutes(v)
        else:  # the shorter of "100 ms" and "0.1 s": a long tick label is the one the axis drops for lack of room
            text = min((tr.seconds(v, trim=True), tr.seconds(v, trim=True, unit="s")), key=len)
        cases.append((v, text.replace("'", "\\'")))
    expr = "''"
    for v, text in reversed(cases):
        expr = f"abs(datum.value - {v!r}) < {v * 1e-6!r} ? '{text}' : {expr}"
    return alt.Axis(values=values, labelExpr=expr, title=title, grid=True)


def per_dataset(data: ChartInput, one: Callable[[str], str], empty: str) -> str:
    """Each dataset's sentence(s), labelled with the dataset when there are several; `empty` if none has any."""
    texts = []
    for dataset in data.datasets:
        text = one(dataset)
        if text:
            texts.append(f"{dataset}: {text}" if data.multi else text)
    return " ".join(texts) or empty


def by_platform(data: ChartInput, dataset: str) -> dict[str, dict]:
    """One dataset's measured summary rows, keyed by platform."""
    measured = data.measured
    return {r["platform"]: r for r in measured[measured["dataset"] == dataset].to_dict("records")}
