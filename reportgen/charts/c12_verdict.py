"""C12's computed verdict: does the hypervisor and guest OS cost a working program more than a container does?

The deck's slide 4 names the overhead of the hypervisor and guest OS as the
VM's drawback. Per benchmark measured on both deck platforms (Docker + runc,
QEMU's default machine), each ratio to the bare process comes with its
Mann–Whitney 95% CI (Hodges–Lehmann estimate): the benchmark agrees when the
VM's CI lies wholly below the container's. All agree: confirmed; none:
contradicted; some: depends, and the sentence names the benchmarks that did not.
"""

from __future__ import annotations

import pandas as pd

from reportgen.charts.verdicts import Verdict, ci_change, combine, sentence
from reportgen.i18n.catalogs import N_, Translator

CLAIM = N_("the hypervisor and the guest OS cost a working program more than a container does")


def per_benchmark(points: pd.DataFrame) -> dict[str, bool]:
    """Benchmark label -> whether the VM's ratio CI lies wholly below the container's (one dataset's points)."""
    out = {}
    for bench, g in points.groupby("benchmark", sort=False):
        mine = {r["platform"]: r for r in g.to_dict("records")}
        if "vm" in mine and "container" in mine:
            vm, ct = mine["vm"], mine["container"]
            out[str(bench)] = ci_change(ct["perf_low"], ct["perf_high"], vm["perf_low"], vm["perf_high"]) == "lower"
    return out


def verdict_sentence(points: pd.DataFrame, detail: str, tr: Translator) -> str:
    """`detail` followed by the verdict; `detail` alone when no benchmark has both deck platforms."""
    agree = per_benchmark(points)
    if not agree:
        return detail
    slower = sum(agree.values())
    by = tr("the VM clearly slower than the container on {k} of {n} benchmarks").format(
        k=tr.integer(slower), n=tr.integer(len(agree)))
    lines = [detail]
    if 0 < slower < len(agree):
        lines.append(tr("Not clearly slower in the VM: {benchmarks}.").format(  # "; ": a name may hold a comma
            benchmarks="; ".join(b for b, ok in agree.items() if not ok)))
    return sentence(tr, Verdict(combine(list(agree.values())), by, "ratio_ci"), tr(CLAIM), " ".join(lines))
