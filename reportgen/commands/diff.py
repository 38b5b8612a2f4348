"""`reportgen diff` output: a terminal table, Markdown or JSON, host differences first."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from collector.dataset import printable

from reportgen.load.compare import CHANGED, IMPROVED, MISSING, REGRESSED, SAME, Comparison
from reportgen.i18n.catalogs import N_, Translator

VERDICT_STYLE = {REGRESSED: "bold red", IMPROVED: "green"}
VERDICT_TEXT = {
    IMPROVED: N_("improved"),
    REGRESSED: N_("regressed"),
    SAME: N_("no significant change"),
    CHANGED: N_("changed"),
    MISSING: N_("missing in one dataset"),
}


def _num(value: float | None, unit: str, tr: Translator, exact: bool = True) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return tr.units.value(value, unit, exact)


def _ratio(c: Comparison) -> str:
    return "—" if c.ratio is None else ("∞" if math.isinf(c.ratio) else f"{c.ratio:.3f}×")


def _ci(low: float | None, high: float | None, unit: str, exact: bool, tr: Translator) -> str:
    if exact:
        return tr("exact")
    return "—" if low is None else f"{_num(low, unit, tr, False)} – {_num(high, unit, tr, False)}"


def _p(c: Comparison) -> str:
    return "—" if c.p_value is None else f"{c.p_value:.3g}"


def _series(c: Comparison) -> str:
    return "/".join(x for x in (c.suite, c.platform, c.workload, c.metric, c.phase) if x)


def rows(comparisons: list[Comparison], tr: Translator) -> list[list[str]]:
    return [
        [_series(c), _num(c.old_median, c.unit, tr, c.exact), _num(c.new_median, c.unit, tr, c.exact), _ratio(c),
         _ci(c.new_low, c.new_high, c.unit, c.exact, tr), _p(c), f"{c.old_failures}/{c.new_failures}",
         tr(VERDICT_TEXT[c.verdict])]
        for c in comparisons
    ]


def header(tr: Translator) -> list[str]:
    return [tr("series"), tr("old median"), tr("new median"), tr("ratio new/old"), tr("new 95% CI"),
            tr("p (Mann–Whitney U)"), tr("failed old/new"), tr("verdict")]


def term(value: Any) -> str:
    """A value for the rich table: control characters shown as \\xNN, `[` never taken as rich markup."""
    return rich_escape(printable(str(value)))


_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|&~!#:]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def md(value: Any) -> str:
    """A value for a Markdown table cell: one line; what could start markup, HTML, a link or a new cell is
    backslash-escaped (an intraword `_`, as in `start_time`, never starts emphasis and is left alone)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(printable(str(value)).split()))


def terminal(old: str, new: str, hosts: list[tuple[str, Any, Any]], comparisons: list[Comparison], alpha: float,
             console: Console, tr: Translator) -> None:
    if hosts:
        t = Table(title=tr("Host differences: these datasets come from different hosts or set-ups"), title_style="bold yellow")
        for col in (tr("field"), old, new):
            t.add_column(term(col))
        for k, a, b in hosts:
            t.add_row(term(k), term(a), term(b))
        console.print(t)
    t = Table(title=f"{term(old)} → {term(new)} (Mann–Whitney U, α = {alpha:g})")
    head = header(tr)
    for i, col in enumerate(head):
        t.add_column(col, justify="left" if i in (0, len(head) - 1) else "right", overflow="fold")
    for c, r in zip(comparisons, rows(comparisons, tr)):
        style = VERDICT_STYLE.get(c.verdict)
        cells = [term(cell) for cell in r]
        t.add_row(*cells[:-1], f"[{style}]{cells[-1]}[/]" if style else cells[-1])
    console.print(t)
    console.print(summary_line(comparisons, tr))


def summary_line(comparisons: list[Comparison], tr: Translator) -> str:
    counts = {v: sum(c.verdict == v for c in comparisons) for v in sorted({c.verdict for c in comparisons})}
    return "; ".join(f"{n} {tr(VERDICT_TEXT[v])}" for v, n in counts.items()) or tr("nothing to compare")


def markdown(old: str, new: str, hosts: list[tuple[str, Any, Any]], comparisons: list[Comparison], alpha: float,
             tr: Translator) -> str:
    out = [f"# {md(old)} → {md(new)}", ""]
    if hosts:
        out += [f"## {tr('Host differences: these datasets come from different hosts or set-ups')}", "",
                f"| {tr('field')} | {md(old)} | {md(new)} |", "|---|---|---|"]
        out += [f"| {md(k)} | {md(a)} | {md(b)} |" for k, a, b in hosts] + [""]
    head = header(tr)
    out += [f"## Mann–Whitney U, α = {alpha:g}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(md(cell) for cell in r) + " |" for r in rows(comparisons, tr)]
    out += ["", summary_line(comparisons, tr), ""]
    return "\n".join(out)


def as_json(old: str, new: str, hosts: list[tuple[str, Any, Any]], comparisons: list[Comparison], alpha: float) -> str:
    def clean(v: Any) -> Any:
        return None if isinstance(v, float) and (math.isnan(v) or math.isinf(v)) else v

    doc = {
        "old": old,
        "new": new,
        "alpha": alpha,
        "host_differences": [{"field": k, "old": a, "new": b} for k, a, b in hosts],
        "comparisons": [{k: clean(v) for k, v in c.__dict__.items()} for c in comparisons],
        "regressed": any(c.verdict == "regressed" for c in comparisons),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
