"""C8's portability probe: what each platform's view of the machine showed, as findings beside the grid.

The probe (collector's portability suite) asks every platform the same
questions (kernel release, /proc files, cgroupfs, ...), one row per check.
A check a platform did not answer, or an answer that differs from the bare
process's (the host's own view), is a finding: gVisor's own kernel release
is what the image saw there, not a failure to hide.
"""

from __future__ import annotations

import re

import pandas as pd

from reportgen.load.summaries import parse_detail


def findings_of(probe: pd.DataFrame) -> dict[tuple[str, str], tuple[str, ...]]:
    """Per (dataset, platform): the probe checks it did not offer, and the answers that differ from the
    bare process's (the host's own view), e.g. gVisor's kernel release. Empty when nothing differed."""
    checks = probe[(probe["metric"] == "check_ok") & probe["ok"]]
    # a check asked again (more repetitions, more hosts) is answered by its last row, as in the samples' order
    checks = checks.drop_duplicates(["dataset", "platform", "phase"], keep="last")
    answers: dict[tuple[str, str], dict[str, tuple[float, str]]] = {}
    for r in checks[["dataset", "platform", "phase", "value", "detail"]].to_dict("records"):
        answers.setdefault((r["dataset"], r["platform"]), {})[str(r["phase"])] = (
            float(r["value"]), str(parse_detail(r["detail"]).get("output", "")))
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for (dataset, platform), mine in answers.items():
        host = answers.get((dataset, "process"), {})
        found = []
        for check in sorted(mine, key=_check_rank):
            value, output = mine[check]
            if value < 1:
                found.append(f"{check}: {short_output(output) or '—'}")
            elif check in VARYING_CHECKS and check in host and host[check][0] >= 1 and output != host[check][1]:
                found.append(f"{check}: {short_output(output)}")
        out[(dataset, platform)] = tuple(found)
    return out


_COMMAND_ERROR = re.compile(r"^\w+: (?:can't open )?'?/[^:']*'?: ")


def short_output(output: str) -> str:
    """A probe's answer as a reader needs it: runs of spaces and tabs as one space, and a shell tool's
    "head: /proc/x: " or "cat: can't open '/proc/x': " before the system's message left out (the check's
    name already says which file it read)."""
    return _COMMAND_ERROR.sub("", " ".join(output.split()))


CHECK_ORDER = ("kernel_release", "cpu_count", "mem_total", "cpu_model", "smaps_rollup", "pressure_cpu", "cgroup_fs",
               "boot_id", "pid_max")
VARYING_CHECKS = ("kernel_release", "cpu_count", "mem_total", "cpu_model", "pid_max")
"""Checks whose answer, not only whether there is one, tells platforms apart (a boot id always differs)."""


def _check_rank(check: str) -> int:
    return CHECK_ORDER.index(check) if check in CHECK_ORDER else len(CHECK_ORDER)
