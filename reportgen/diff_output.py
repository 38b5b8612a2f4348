"""`reportgen diff` output: a terminal table, Markdown or JSON, host differences first."""

from __future__ import annotations

import json
import math
from typing import Any

from rich.console import Console
from rich.table import Table

from .compare import IMPROVED, REGRESSED, Comparison

VERDICT_STYLE = {REGRESSED: "bold red", IMPROVED: "green"}


def _num(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "s":
        return f"{value * 1000:.2f} ms" if abs(value) < 1 else f"{value:.3f} s"
    if unit in ("bytes", "count"):
        return f"{value:,.0f}" + (" B" if unit == "bytes" else "")
    return f"{value:.4g} {unit}"


def _ratio(c: Comparison) -> str:
    return "—" if c.ratio is None else ("∞" if math.isinf(c.ratio) else f"{c.ratio:.3f}×")


def _ci(low: float | None, high: float | None, unit: str, exact: bool) -> str:
    if exact:
        return "exact"
    return "—" if low is None else f"{_num(low, unit)} – {_num(high, unit)}"


def _p(c: Comparison) -> str:
    return "—" if c.p_value is None else f"{c.p_value:.3g}"


def _series(c: Comparison) -> str:
    return "/".join(x for x in (c.suite, c.platform, c.workload, c.metric, c.phase) if x)


def rows(comparisons: list[Comparison]) -> list[list[str]]:
    return [
        [_series(c), _num(c.old_median, c.unit), _num(c.new_median, c.unit), _ratio(c),
         _ci(c.new_low, c.new_high, c.unit, c.exact), _p(c), f"{c.old_failures}/{c.new_failures}", c.verdict]
        for c in comparisons
    ]


HEADER = ["series", "old median", "new median", "ratio", "new 95% CI", "p (MWU)", "failed old/new", "verdict"]


def terminal(old: str, new: str, hosts: list[tuple[str, Any, Any]], comparisons: list[Comparison], alpha: float, console: Console) -> None:
    if hosts:
        t = Table(title="host differences (comparing different hosts or set-ups)", title_style="bold yellow")
        for col in ("field", old, new):
            t.add_column(col)
        for k, a, b in hosts:
            t.add_row(k, str(a), str(b))
        console.print(t)
    t = Table(title=f"{old} → {new} (Mann–Whitney U, α = {alpha:g})")
    for col in HEADER:
        t.add_column(col, justify="left" if col in ("series", "verdict") else "right")
    for c, r in zip(comparisons, rows(comparisons)):
        t.add_row(*r[:-1], f"[{VERDICT_STYLE.get(c.verdict, '')}]{r[-1]}[/]" if c.verdict in VERDICT_STYLE else r[-1])
    console.print(t)
    console.print(summary_line(comparisons))


def summary_line(comparisons: list[Comparison]) -> str:
    counts = {v: sum(c.verdict == v for c in comparisons) for v in sorted({c.verdict for c in comparisons})}
    return "; ".join(f"{n} {v}" for v, n in counts.items()) or "nothing to compare"


def markdown(old: str, new: str, hosts: list[tuple[str, Any, Any]], comparisons: list[Comparison], alpha: float) -> str:
    out = [f"# {old} → {new}", ""]
    if hosts:
        out += ["## Host differences", "", f"| field | {old} | {new} |", "|---|---|---|"]
        out += [f"| {k} | {a} | {b} |" for k, a, b in hosts] + [""]
    out += [f"## Metrics (Mann–Whitney U, α = {alpha:g})", "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(r) + " |" for r in rows(comparisons)]
    out += ["", summary_line(comparisons), ""]
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
