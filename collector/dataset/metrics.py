"""The metric catalogue: every metric a suite emits, with its chart, unit and how to read it.

One row per (suite, metric). Suites name their rows from it (the sample log
fills in the chart id and unit and refuses a metric that is not here),
reportgen reads units, phases and chart ids from it, `reportgen diff` reads
which way is better, and `docs/suites/<suite>.md` lists the same rows (a
test checks that they agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

LOWER, HIGHER, NEITHER = "lower", "higher", "neither"

EXACT_UNITS: tuple[str, ...] = ("bytes", "count")
"""Units whose values are counted by default (a metric may say otherwise: memory held is sampled)."""


@dataclass(frozen=True)
class Metric:
    """One measured quantity."""

    suite: str
    name: str
    chart_id: str
    unit: str
    phased: bool
    """Every row names a phase (a boot phase, a part of the instance, alone/beside the hog, …)."""
    better: str
    """`lower`, `higher`, or `neither` (a setting or a host figure, not a result)."""
    meaning: str
    exact: bool
    """Counted, not sampled (a size on disk, a count): compared exactly, never given a CI. Memory
    held by a running instance is in bytes but sampled, so it is not exact."""


def _m(suite: str, chart: str, name: str, unit: str, better: str, meaning: str, phased: bool = False,
       exact: bool | None = None) -> Metric:
    return Metric(suite, name, chart, unit, phased, better, meaning, unit in EXACT_UNITS if exact is None else exact)


METRICS: tuple[Metric, ...] = (
    _m("startup", "C3", "start_time", "s", LOWER, "start request → ready line"),
    _m("startup", "C5", "phase_end", "s", LOWER, "start request → end of each boot phase", phased=True),
    _m("overhead", "C1", "memory_bytes", "bytes", LOWER, "memory of one part of an idle instance", phased=True, exact=False),
    _m("overhead", "C1", "cpu_seconds", "s", LOWER, "CPU seconds of one part over a tick", phased=True),
    _m("overhead", "C1", "window_s", "s", NEITHER, "length of the tick's CPU window"),
    _m("overhead", "C1", "host_memory_bytes", "bytes", NEITHER, "host MemTotal / MemAvailable at a tick", phased=True, exact=False),
    _m("image", "C4", "image_bytes", "bytes", LOWER, "size of one image layer as the engine reports it"),
    _m("image", "C4", "image_apparent_bytes", "bytes", LOWER, "apparent size of what an instance needs on disk"),
    _m("image", "C4", "image_allocated_bytes", "bytes", LOWER, "allocated size of what an instance needs on disk"),
    _m("image", "C7", "disk_used_bytes", "bytes", LOWER, "disk the engine uses for K images"),
    _m("image", "C7", "image_size_sum_bytes", "bytes", LOWER, "sum of the K images' own sizes"),
    _m("image", "C7", "disk_allocated_bytes", "bytes", LOWER, "allocated bytes of the K images' files"),
    _m("consistency", "C6", "distinct_fingerprints", "count", LOWER, "distinct environments after the same work"),
    _m("consistency", "C6", "fingerprint", "bytes", NEITHER, "size of what one instance's fingerprint covers"),
    _m("consistency", "C6", "upper_layer_bytes", "bytes", NEITHER, "a container's writable layer after the work"),
    _m("consistency", "C6", "disk_changed", "count", LOWER, "VM disks that differ from their base"),
    _m("density", "C9", "instances_ready", "count", HIGHER, "instances ready within the memory budget"),
    _m("density", "C9", "instance_memory", "bytes", LOWER, "host memory one instance costs", phased=True, exact=False),
    _m("density", "C9", "host_fit_extrapolated", "count", HIGHER, "instances the whole host would hold (extrapolated)"),
    _m("density", "C9", "budget_bytes", "bytes", NEITHER, "the memory budget the run was given"),
    _m("density", "C9", "start_time", "s", LOWER, "start request → ready, per instance while filling"),
    _m("isolation", "C10", "victim_latency", "s", LOWER, "one victim iteration, alone or beside the hog", phased=True),
    _m("isolation", "C10", "hog_memory_bytes", "bytes", NEITHER, "memory the hog held", exact=False),
    _m("isolation", "C10", "victim_killed", "count", LOWER, "1 if the victim lost its working set or did not finish beside the memory hog", phased=True),
    _m("isolation", "C10", "oom_kills", "count", LOWER, "processes OOM-killed in the emulated server (host cgroups + guest consoles)", phased=True),
    _m("isolation", "C10", "server_memory_peak_bytes", "bytes", NEITHER, "peak memory of the emulated server beside the memory hog", phased=True, exact=False),
    _m("recovery", "C11", "scale_out_s", "s", LOWER, "1 → N instances ready"),
    _m("recovery", "C11", "recover_s", "s", LOWER, "kill → ready again"),
    _m("portability", "C8", "check_ok", "count", HIGHER, "1 if the platform offered what one probe check asks, else 0",
       phased=True),
    _m("portability", "C8", "probe_start_time", "s", LOWER, "start request → the probe's ready line"),
    *(_m("performance", "C12", name, unit, better, meaning) for name, unit, better, meaning in (
        ("cpu_single_events_per_s", "1/s", HIGHER, "sysbench cpu, 1 thread: prime-search events per second"),
        ("cpu_multi_events_per_s", "1/s", HIGHER, "sysbench cpu, `threads` threads: events per second"),
        ("cpu_single_latency_avg", "ms", LOWER, "sysbench cpu, 1 thread: mean time per event"),
        ("mem_seq_bandwidth", "MiB/s", HIGHER, "sysbench memory, sequential reads, 1 thread"),
        ("mem_rnd_bandwidth", "MiB/s", HIGHER, "sysbench memory, random 8-byte reads, 1 thread"),
        ("mem_rnd_access_time", "ns", LOWER, "8 bytes / random-read bandwidth (an upper bound of load latency)"),
        ("threads_events_per_s", "1/s", HIGHER, "sysbench threads: yield and lock loops per second (scheduler)"),
        ("pipe_roundtrips_per_s", "1/s", HIGHER, "1-byte pipe ping-pong between two processes, round trips per second"),
        ("syscalls_per_s", "1/s", HIGHER, "dd bs=1 /dev/zero → /dev/null: read + write system calls per second"),
        ("disk_seqwrite_bandwidth", "MiB/s", HIGHER, "fio sequential 1 MiB writes, direct I/O"),
        ("disk_seqread_bandwidth", "MiB/s", HIGHER, "fio sequential 1 MiB reads, direct I/O"),
        ("disk_randread_iops", "1/s", HIGHER, "fio random 4 KiB reads, direct I/O: I/O operations per second"),
        ("disk_randwrite_iops", "1/s", HIGHER, "fio random 4 KiB writes, direct I/O: I/O operations per second"),
        ("disk_randread_clat_p99", "µs", LOWER, "fio random 4 KiB reads: 99th percentile completion latency"),
        ("disk_randwrite_clat_p99", "µs", LOWER, "fio random 4 KiB writes: 99th percentile completion latency"),
        ("net_tcp_bandwidth", "Gbit/s", HIGHER, "iperf3 TCP over 127.0.0.1 inside the instance, received"),
        ("net_pingpong_latency_avg", "µs", LOWER, "sockperf TCP ping-pong over 127.0.0.1, 64 B: half round trip, mean"),
        ("net_pingpong_latency_p50", "µs", LOWER, "sockperf TCP ping-pong: half round trip, median"),
        ("net_pingpong_latency_p99", "µs", LOWER, "sockperf TCP ping-pong: half round trip, 99th percentile"),
        *((f"redis_{t}_{m}", unit, better, f"redis-benchmark {t.upper()} over 127.0.0.1: {what}")
          for t in ("ping_inline", "set", "get")
          for m, unit, better, what in (("rps", "1/s", HIGHER, "requests per second"),
                                        ("p50", "ms", LOWER, "median latency"),
                                        ("p99", "ms", LOWER, "99th percentile latency"))),
        ("run_time", "s", NEITHER, "start request → the driver's last line (every benchmark, in sequence)"),
    )),
)

SUITE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(m.suite for m in METRICS))


@lru_cache(maxsize=None)
def _index() -> dict[tuple[str, str], Metric]:
    return {(m.suite, m.name): m for m in METRICS}


def find(suite: str, name: str) -> Metric | None:
    """The catalogue entry of `suite`'s metric `name`, or None."""
    return _index().get((suite, name))


def metric(suite: str, name: str) -> Metric:
    """The catalogue entry of `suite`'s metric `name`; ValueError if it has none."""
    try:
        return _index()[(suite, name)]
    except KeyError:
        raise ValueError(f"metric {name!r} of suite {suite!r} is not in the metric catalogue "
                         "(collector/dataset/metrics.py)") from None


def metrics_of(suite: str) -> tuple[Metric, ...]:
    return tuple(m for m in METRICS if m.suite == suite)


def charts_of(suite: str) -> tuple[str, ...]:
    """The chart ids a suite's rows feed, in catalogue order."""
    return tuple(dict.fromkeys(m.chart_id for m in metrics_of(suite)))


def by_chart(chart_id: str, name: str) -> Metric | None:
    """The entry of metric `name` drawn on `chart_id`, or None."""
    for m in METRICS:
        if m.chart_id == chart_id and m.name == name:
            return m
    return None


def better_of(name: str) -> str | None:
    """Which way metric `name` improves, when every suite that has it agrees (for `reportgen diff`)."""
    found = {m.better for m in METRICS if m.name == name and m.better != NEITHER}
    return found.pop() if len(found) == 1 else None
