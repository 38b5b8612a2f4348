"""The perf driver's output (collector/workloads/perf.sh): framed raw tool outputs → metric values.

Pure functions, no I/O; tested on saved outputs (tests/unit/fixtures/perf/).
Units and which way is better are the metric catalogue's (collector/dataset/metrics.py,
suite `performance`); this module only reads numbers. The driver frames each benchmark:

    VMCB-BEGIN bench=<name> tool=<tool> k=v...
    <raw tool output; fio may be preceded by "VMCB-TRY direct=1" and a failed attempt>
    VMCB-END bench=<name> rc=<rc> elapsed_ms=<ms>

Tool versions parsed (Debian 12): sysbench 1.0.20, fio 3.33 (JSON), iperf 3.12 (-J),
sockperf 3.7, redis-benchmark 7.0 (--csv: test,rps,avg,min,p50,p95,p99,max latency in ms),
GNU dd (coreutils 9.1).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

BEGIN, END, TRY, INFO, DONE = "VMCB-BEGIN", "VMCB-END", "VMCB-TRY", "VMCB-INFO", "VMCB-DONE"
_KV = re.compile(r"(\w+)=(\S*)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

@dataclass
class Block:
    """One benchmark's framed output."""

    bench: str
    tool: str
    attrs: dict[str, str]
    lines: list[str] = field(default_factory=list)
    rc: int | None = None
    """None: no END line (the run was cut off)."""
    elapsed_ms: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Result:
    metric: str
    value: float
    detail: dict[str, Any] = field(default_factory=dict)


class ParseError(ValueError):
    """The tool's output lacked what the parser needs; the message says what."""


def blocks(lines: Iterable[str]) -> tuple[list[Block], dict[str, str], dict[str, str] | None]:
    """Framed blocks, the VMCB-INFO facts, and the VMCB-DONE fields (None if the driver never finished)."""
    out: list[Block] = []
    info: dict[str, str] = {}
    done: dict[str, str] | None = None
    cur: Block | None = None
    for raw in lines:
        line = _ANSI.sub("", raw).rstrip("\r")
        if line.startswith(BEGIN):
            kv = dict(_KV.findall(line))
            cur = Block(kv.pop("bench", "?"), kv.pop("tool", "?"), kv)
            out.append(cur)
        elif line.startswith(END) and cur is not None:
            kv = dict(_KV.findall(line))
            cur.rc, cur.elapsed_ms = int(kv.get("rc", -1)), int(kv.get("elapsed_ms", -1))
            cur = None
        elif line.startswith(INFO):
            info.update(_KV.findall(line))
        elif line.startswith(DONE):
            done = dict(_KV.findall(line))
        elif cur is not None:
            cur.lines.append(line)
    return out, info, done


def _num(pattern: str, text: str, what: str) -> float:
    m = re.search(pattern, text, re.MULTILINE)
    if not m:
        raise ParseError(f"no {what} in the output")
    return float(m.group(1))


def _sysbench_common(text: str) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for key, pat in (("total_time_s", r"total time:\s+([0-9.]+)s"), ("events", r"total number of events:\s+([0-9]+)"),
                     ("latency_avg_ms", r"^\s+avg:\s+([0-9.]+)"), ("latency_p95_ms", r"95th percentile:\s+([0-9.]+)"),
                     ("latency_max_ms", r"^\s+max:\s+([0-9.]+)")):
        m = re.search(pat, text, re.MULTILINE)
        if m:
            d[key] = float(m.group(1))
    return d


def sysbench_cpu(b: Block) -> list[Result]:
    d = _sysbench_common(b.text)
    eps = _num(r"events per second:\s+([0-9.]+)", b.text, "'events per second'")
    out = [Result(f"{b.bench}_events_per_s", eps, d)]
    if "latency_avg_ms" in d and b.bench == "cpu_single":
        out.append(Result("cpu_single_latency_avg", d["latency_avg_ms"], d))
    return out


def sysbench_memory(b: Block) -> list[Result]:
    d = _sysbench_common(b.text)
    m = re.search(r"([0-9.]+) MiB transferred \(([0-9.]+) MiB/sec\)", b.text)
    if not m:
        raise ParseError("no 'MiB transferred (… MiB/sec)' in the output")
    d["mib_transferred"] = float(m.group(1))
    bw = float(m.group(2))
    out = [Result(f"{b.bench}_bandwidth", bw, d)]
    if b.bench == "mem_rnd" and bw > 0:
        out.append(Result("mem_rnd_access_time", 8 / (bw * 1048576) * 1e9, {**d, "derived": "8 B / bandwidth"}))
    return out


def sysbench_threads(b: Block) -> list[Result]:
    d = _sysbench_common(b.text)
    if not d.get("events") or not d.get("total_time_s"):
        raise ParseError("no 'total number of events' / 'total time' in the output")
    return [Result("threads_events_per_s", d["events"] / d["total_time_s"], d)]


def pipe_pingpong(b: Block) -> list[Result]:
    trips = _num(r"^roundtrips=([0-9]+)", b.text, "'roundtrips='")
    s = _num(r"seconds=([0-9.]+)", b.text, "'seconds='")
    return [Result("pipe_roundtrips_per_s", trips / s,
                   {"roundtrips": trips, "seconds": s, "timer": "perl alarm (1 s resolution, SIGALRM on time)"})]


def dd_syscalls(b: Block) -> list[Result]:
    m = re.search(r"^([0-9]+) bytes .* copied, ([0-9.e+-]+) s", b.text, re.MULTILINE)
    if not m:
        raise ParseError("no 'bytes … copied, … s' line from dd")
    n, s = int(m.group(1)), float(m.group(2))
    return [Result("syscalls_per_s", 2 * n / s, {"bytes": n, "seconds": s, "syscalls": 2 * n})]


def _json_after_last_try(lines: list[str]) -> tuple[Any, int | None]:
    start, direct = 0, None
    for i, line in enumerate(lines):
        if line.startswith(TRY):
            start, direct = i + 1, int(dict(_KV.findall(line)).get("direct", -1))
    body = lines[start:]
    first = next((i for i, l in enumerate(body) if l.startswith("{")), None)
    last = max((i for i, l in enumerate(body) if l.startswith("}")), default=None)
    if first is None or last is None:
        raise ParseError("no JSON document in the output")
    try:
        return json.loads("\n".join(body[first:last + 1])), direct
    except json.JSONDecodeError as exc:
        raise ParseError(f"JSON does not parse ({exc.msg} at line {exc.lineno})") from None


def fio(b: Block) -> list[Result]:
    doc, direct = _json_after_last_try(b.lines)
    jobs = doc.get("jobs") or []
    if not jobs:
        raise ParseError("fio JSON has no jobs")
    job = jobs[0]
    if job.get("error"):
        raise ParseError(f"fio job error {job['error']}")
    side = "write" if "write" in b.bench else "read"
    s = job[side]
    clat = s.get("clat_ns", {})
    pct = clat.get("percentile", {})
    d = {"direct": direct, "fio_version": doc.get("fio version"), "io_bytes": s.get("io_bytes"),
         "runtime_ms": s.get("runtime"), "iops": s.get("iops"), "bw_kib_s": s.get("bw"),
         "clat_mean_us": clat.get("mean", 0) / 1000, "clat_p50_us": pct.get("50.000000", 0) / 1000,
         "clat_p99_us": pct.get("99.000000", 0) / 1000, "options": job.get("job options", {}),
         "disk_util": [u.get("name") for u in doc.get("disk_util", [])]}
    if direct == 0:
        d["note"] = "O_DIRECT refused by this filesystem: buffered I/O (page cache) measured instead"
    if b.bench in ("disk_seqread", "disk_seqwrite"):
        return [Result(f"{b.bench}_bandwidth", s["bw_bytes"] / 1048576, d)]
    return [Result(f"{b.bench}_iops", s["iops"], d), Result(f"{b.bench}_clat_p99", d["clat_p99_us"], d)]


def iperf3(b: Block) -> list[Result]:
    doc, _ = _json_after_last_try(b.lines)
    if doc.get("error"):
        raise ParseError(f"iperf3: {doc['error']}")
    end = doc.get("end", {})
    recv = end.get("sum_received", {})
    if "bits_per_second" not in recv:
        raise ParseError("iperf3 JSON has no end.sum_received.bits_per_second")
    cpu = end.get("cpu_utilization_percent", {})
    d = {"seconds": recv.get("seconds"), "bytes": recv.get("bytes"),
         "retransmits": end.get("sum_sent", {}).get("retransmits"), "cpu_client_pct": cpu.get("host_total"),
         "cpu_server_pct": cpu.get("remote_total"), "version": doc.get("start", {}).get("version")}
    return [Result("net_tcp_bandwidth", recv["bits_per_second"] / 1e9, d)]


def sockperf(b: Block) -> list[Result]:
    t = b.text
    avg = _num(r"avg-latency=([0-9.]+)", t, "'avg-latency='")
    pct = {p: float(v) for p, v in re.findall(r"percentile ([0-9.]+) =\s+([0-9.]+)", t)}
    obs = re.search(r"Total ([0-9]+) observations", t)
    d = {"observations": int(obs.group(1)) if obs else None, "percentiles_us": pct,
         "max_us": _num(r"<MAX> observation =\s+([0-9.]+)", t, "<MAX>"), "note": "sockperf reports half round trip"}
    out = [Result("net_pingpong_latency_avg", avg, d)]
    for p, name in (("50.000", "p50"), ("99.000", "p99")):
        if p in pct:
            out.append(Result(f"net_pingpong_latency_{name}", pct[p], d))
    return out


def redis_benchmark(b: Block) -> list[Result]:
    rows = [l for l in b.lines if l.startswith('"')]
    if not rows or not rows[0].startswith('"test"'):
        raise ParseError("no redis-benchmark CSV header (needs redis 7's --csv)")
    head = [h.strip('"') for h in rows[0].split(",")]
    out = []
    for line in rows[1:]:
        rec = dict(zip(head, (v.strip('"') for v in line.split(","))))
        test = rec["test"].lower()
        d = {k: float(v) for k, v in rec.items() if k != "test"}
        out += [Result(f"redis_{test}_rps", d["rps"], d), Result(f"redis_{test}_p50", d["p50_latency_ms"], d),
                Result(f"redis_{test}_p99", d["p99_latency_ms"], d)]
    if not out:
        raise ParseError("redis-benchmark CSV has no rows")
    return out


PARSERS: dict[str, Callable[[Block], list[Result]]] = {
    "cpu_single": sysbench_cpu, "cpu_multi": sysbench_cpu, "mem_seq": sysbench_memory, "mem_rnd": sysbench_memory,
    "threads": sysbench_threads, "pipe_pingpong": pipe_pingpong, "syscalls": dd_syscalls,
    "disk_seqwrite": fio, "disk_seqread": fio, "disk_randread": fio, "disk_randwrite": fio,
    "net_tcp": iperf3, "net_pingpong": sockperf, "redis": redis_benchmark,
}
BENCHMARKS = tuple(PARSERS)
"""In the driver's order."""
EXPECTED: dict[str, tuple[str, ...]] = {
    "cpu_single": ("cpu_single_events_per_s", "cpu_single_latency_avg"), "cpu_multi": ("cpu_multi_events_per_s",),
    "mem_seq": ("mem_seq_bandwidth",), "mem_rnd": ("mem_rnd_bandwidth", "mem_rnd_access_time"),
    "threads": ("threads_events_per_s",), "pipe_pingpong": ("pipe_roundtrips_per_s",), "syscalls": ("syscalls_per_s",),
    "disk_seqwrite": ("disk_seqwrite_bandwidth",), "disk_seqread": ("disk_seqread_bandwidth",),
    "disk_randread": ("disk_randread_iops", "disk_randread_clat_p99"),
    "disk_randwrite": ("disk_randwrite_iops", "disk_randwrite_clat_p99"), "net_tcp": ("net_tcp_bandwidth",),
    "net_pingpong": ("net_pingpong_latency_avg", "net_pingpong_latency_p50", "net_pingpong_latency_p99"),
    "redis": tuple(f"redis_{t}_{m}" for t in ("ping_inline", "set", "get") for m in ("rps", "p50", "p99")),
}
"""Metrics each benchmark yields; a failed benchmark becomes one ok=false row per expected metric."""


def parse_block(b: Block) -> list[Result]:
    """Metrics of one block; ParseError if the tool failed or printed something unexpected."""
    if b.rc is None:
        raise ParseError("cut off: no VMCB-END line (instance stopped or timed out)")
    if b.rc != 0:
        tail = " | ".join(l.strip() for l in b.lines[-3:] if l.strip())
        raise ParseError(f"{b.tool} exited {b.rc}: {tail[-300:]}")
    parser = PARSERS.get(b.bench)
    if parser is None:
        raise ParseError(f"no parser for benchmark {b.bench!r}")
    return parser(b)
