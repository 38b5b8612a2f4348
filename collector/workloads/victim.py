"""The noisy-neighbour pair of the isolation suite: a victim doing fixed CPU work, and a CPU + memory hog.

Both are busybox shell scripts, so the same static binary runs them as a bare
process, in a container and in a VM. The victim times itself inside the
instance: each iteration line goes through `busybox ts -s %.s`, which stamps
it with microsecond time since the pipe started (gettimeofday in the
instance's own kernel). The collector then takes differences of consecutive
stamps, so console or engine delivery delays do not enter the durations.
The loop runs one lead-in iteration more than asked: `ts` may start after the
loop did, so only the lines after the first iteration have a trustworthy
predecessor stamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collector.workloads import READY_MARKER
from collector.workloads.busybox import Busybox

BB = "/bin/busybox"
START, ITER, DONE = "VICTIM-START", "VICTIM-IT", "VICTIM-DONE"
CHUNK_MIB = 64
"""The memory hog holds its memory in chunks of this size, so a cap stops it part-way instead of refusing one big allocation."""

_STAMPED = re.compile(r"(\d+\.\d+) (VICTIM-START|VICTIM-IT (\d+)|VICTIM-DONE)")


def victim_script(iterations: int, work: int) -> str:
    """Print ready, then 1 + `iterations` chunks of `work` shell-arithmetic steps, each line time-stamped in the instance."""
    loop = (
        f"echo {START}; i=0; while [ $i -le {iterations} ]; do "
        f"j=0; while [ $j -lt {work} ]; do j=$((j+1)); done; "
        f"i=$((i+1)); echo {ITER} $i; done; echo {DONE}"
    )
    return f"echo {READY_MARKER}; ( {loop} ) | {BB} ts -s %.s; exec {BB} sleep 86400"


def hog_script(cpus: int, memory_mib: int) -> str:
    """`cpus` busy loops, plus `memory_mib` held resident in 64 MiB chunks; then ready.

    Each chunk is a dd that fills a 64 MiB buffer from /dev/zero (so every
    page is touched) and then blocks forever writing it into a pipe nobody
    reads: resident memory, no CPU. Under a memory cap, the cap's OOM killer
    stops some chunks; the rest stay.
    """
    chunks = max(0, -(-memory_mib // CHUNK_MIB))
    return (
        f"i=0; while [ $i -lt {cpus} ]; do ( while :; do :; done ) & i=$((i+1)); done; "
        f"i=0; while [ $i -lt {chunks} ]; do "
        f"( {BB} dd if=/dev/zero bs={CHUNK_MIB}M count=1 2>/dev/null | {BB} sleep 86400 ) & i=$((i+1)); done; "
        f"echo {READY_MARKER}; exec {BB} sleep 86400"
    )


def victim_workload(iterations: int, work: int) -> Busybox:
    return Busybox(script=victim_script(iterations, work), name="isolation-victim")


def hog_workload(cpus: int, memory_mib: int) -> Busybox:
    return Busybox(script=hog_script(cpus, memory_mib), name="isolation-hog")


@dataclass(frozen=True)
class VictimTimings:
    """Per-iteration durations (s) parsed from the victim's stamped lines, and whether it finished."""

    durations: list[float]
    done: bool


def parse_victim(lines: list[str]) -> VictimTimings:
    """Durations from consecutive stamps: iteration k lasts stamp(k) − stamp(k−1), for k ≥ 2.

    Iteration 1 is the lead-in and gives no duration (its predecessor, the
    start line, may have been stamped late). Tolerates other text on the
    line (a VM console may prefix kernel output).
    """
    last: float | None = None
    durations: list[float] = []
    done = False
    for line in lines:
        m = _STAMPED.search(line)
        if not m:
            continue
        stamp = float(m.group(1))
        if m.group(2) == START:
            last, durations = None, []
        elif m.group(3) is not None:
            if last is not None:
                durations.append(max(0.0, stamp - last))
            last = stamp
        elif m.group(2) == DONE:
            done = True
    return VictimTimings(durations, done)
