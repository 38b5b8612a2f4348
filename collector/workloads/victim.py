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
HELD, LOST = "VICTIM-HELD", "VICTIM-LOST"
CHUNK_MIB = 32
"""The memory hog holds its memory in chunks of this size, so a cap or a budget stops it part-way instead of
refusing one big allocation. Smaller than the victim's default working set (64 MiB), so when one budget is
shared the kernel's OOM killer (which kills the largest process) picks the victim's working set first."""

_STAMPED = re.compile(r"(\d+\.\d+) (VICTIM-START|VICTIM-IT (\d+)|VICTIM-DONE)")


def _holder(mib: int) -> str:
    """A background dd holding `mib` MiB resident: it reads almost `mib` MiB into one buffer (every page
    written by the kernel's copy), then waits forever for the last bytes. `$!` is the dd itself, so
    `kill -0 $!` tells whether the OOM killer took it."""
    return (f"{{ {BB} dd if=/dev/zero bs=1048575 count={mib} 2>/dev/null; {BB} sleep 86400; }} | "
            f"{BB} dd bs={mib}M count=1 iflag=fullblock of=/dev/null 2>/dev/null & ")


def _until_resident(mib: int, polls: int = 1200) -> str:
    """Wait (at most `polls` × 50 ms) until the holder's resident set is 90 % of `mib`, so the victim is ready
    only once its working set is in memory: a neighbour started at ready then finds it there, instead of
    racing it for the first pages (which made the OOM killer's choice depend on the host's load)."""
    kib = mib * 1024 * 9 // 10
    return (f"n=0; while [ $n -lt {polls} ]; do "
            f"r=$({BB} awk '/^VmRSS/{{print $2}}' /proc/$H/status 2>/dev/null); "
            f"[ \"${{r:-0}}\" -ge {kib} ] && break; {BB} sleep 0.05; n=$((n+1)); done; ")


def victim_script(iterations: int, work: int, hold_mib: int = 0, delay_s: float = 0) -> str:
    """Print ready, then 1 + `iterations` chunks of `work` shell-arithmetic steps, each line time-stamped in the instance.

    With `hold_mib`, the victim first holds a working set of that size (a
    service's cache) and, after the loop, prints whether it still has it;
    with `delay_s` it waits that long after ready before working, so a
    neighbour started at ready has filled the memory first.
    """
    hold = f"{_holder(hold_mib)}H=$!; {_until_resident(hold_mib)}" if hold_mib > 0 else ""
    check = f"if kill -0 $H 2>/dev/null; then echo {HELD}; else echo {LOST}; fi; " if hold_mib > 0 else ""
    wait = f"{BB} sleep {delay_s:g}; " if delay_s > 0 else ""
    loop = (
        f"echo {START}; i=0; while [ $i -le {iterations} ]; do "
        f"j=0; while [ $j -lt {work} ]; do j=$((j+1)); done; "
        f"i=$((i+1)); echo {ITER} $i; done; {check}echo {DONE}"
    )
    return f"{hold}echo {READY_MARKER}; {wait}( {loop} ) | {BB} ts -s %.s; exec {BB} sleep 86400"


def hog_script(cpus: int, memory_mib: int, respawn: bool = False) -> str:
    """`cpus` busy loops, plus `memory_mib` held resident in 32 MiB chunks; then ready.

    Each chunk is a dd that fills a buffer from /dev/zero (so every page is
    touched) and then blocks forever writing it into a pipe nobody reads:
    resident memory, no CPU. Under a memory cap, the OOM killer stops some
    chunks; the rest stay. With `respawn`, a killed chunk is started again
    (a neighbour that keeps asking for memory), so the pressure lasts while
    the victim works instead of ending at the first kill.
    """
    chunks = max(0, -(-memory_mib // CHUNK_MIB))
    chunk = f"{BB} dd if=/dev/zero bs={CHUNK_MIB}M count=1 2>/dev/null | {BB} sleep 86400"
    body = f"while :; do {chunk}; {BB} sleep 0.2; done" if respawn else chunk
    return (
        f"i=0; while [ $i -lt {cpus} ]; do ( while :; do :; done ) & i=$((i+1)); done; "
        f"i=0; while [ $i -lt {chunks} ]; do ( {body} ) & i=$((i+1)); done; "
        f"echo {READY_MARKER}; exec {BB} sleep 86400"
    )


def victim_workload(iterations: int, work: int, hold_mib: int = 0, delay_s: float = 0) -> Busybox:
    name = "isolation-victim" if hold_mib <= 0 else "isolation-victim-mem"
    return Busybox(script=victim_script(iterations, work, hold_mib, delay_s), name=name)


def hog_workload(cpus: int, memory_mib: int, respawn: bool = False) -> Busybox:
    return Busybox(script=hog_script(cpus, memory_mib, respawn), name="isolation-hog" if not respawn else "isolation-hog-mem")


@dataclass(frozen=True)
class VictimTimings:
    """Per-iteration durations (s) parsed from the victim's stamped lines, and whether it finished."""

    durations: list[float]
    done: bool
    lost: bool | None = None
    """Whether the victim's working set was gone at the end (killed by an OOM killer); None: it held none."""


def parse_victim(lines: list[str]) -> VictimTimings:
    """Durations from consecutive stamps: iteration k lasts stamp(k) − stamp(k−1), for k ≥ 2.

    Iteration 1 is the lead-in and gives no duration (its predecessor, the
    start line, may have been stamped late). Tolerates other text on the
    line (a VM console may prefix kernel output).
    """
    last: float | None = None
    durations: list[float] = []
    done = False
    lost: bool | None = None
    for line in lines:
        if HELD in line or LOST in line:
            lost = LOST in line
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
    return VictimTimings(durations, done, lost)
