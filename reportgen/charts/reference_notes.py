"""Published reference figures under a chart, as labelled references (never data): value, conditions, source, why ours differ.

The third kind of mark beside our measurement and the deck's claim; the rows
live in references.toml (loader: references.py). Until each chart draws them
as a mark of its own, every chart lists its references in its notes, so the
reader always sees them next to the figure with their citation.
"""

from __future__ import annotations

from reportgen.charts.references import Reference, for_chart
from reportgen.i18n.catalogs import Translator
from reportgen.i18n.vocab import platform_label


def value_text(ref: Reference, tr: Translator) -> str:
    """The figure in the reader's language: `≤ 125 ms`, `2.3 ms`, `6–60 ms`, `≤ ×1.05` (`1.05배` in Korean)."""
    def one(v: float) -> str:  # with the digits the source gave, no more (trailing zeros trimmed)
        if ref.unit == "s":
            return tr.seconds(v, trim=True)
        if ref.unit == "ratio_to_native":
            return tr.units.ratio(v, trim=True)
        if ref.unit == "MiB":
            return tr.bytes_iec(v * (1 << 20), trim=True)
        return f"{tr.number(v, trim=True)} {ref.unit}"
    if ref.low is not None and ref.high is not None and ref.low != ref.high:
        return tr("{value} ({low}–{high})").format(value=one(ref.value), low=one(float(ref.low)), high=one(float(ref.high)))
    if ref.high is not None and float(ref.high) == ref.value:
        return tr("at most {value}").format(value=one(ref.value))
    return one(ref.value)


def reference_notes(chart_id: str, tr: Translator) -> tuple[str, ...]:
    lang = "ko" if tr.lang.startswith("ko") else "en"
    return tuple(
        tr("Published figure (a reference, not our data), {family}: {technology}, {value}. Conditions: {conditions}. "
           "Why ours differ: {differs}. Source: {source}.").format(
            family=platform_label(ref.family, "", tr), technology=ref.technology, value=value_text(ref, tr),
            conditions=ref.conditions[lang].rstrip("."), differs=ref.differs[lang].rstrip("."), source=ref.source.rstrip("."))
        for ref in for_chart(chart_id))
