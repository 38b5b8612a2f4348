"""Performance (chart C12): what a program loses when it works, the same benchmark binaries on every platform.

Per repetition, platforms are interleaved (`Session.order` rotates them) and on
each ONE instance of the perf workload (collector/workloads/perf.py) runs the
driver: CPU, memory, scheduler and system calls, disk (fio, direct I/O),
loopback network, Redis, in that order, each for a fixed time (`t`) or a fixed
amount of work. The instance prints raw tool outputs; they are parsed here
(collector/workloads/perf_output.py) and every number is one row, with the
tool's options, the instance's own report (CPUs, kernel, scratch filesystem)
and the platform order in `detail`. A benchmark that failed, printed nothing
readable or was cut off gives one ok=false row per metric it should have
produced, so gaps are visible. Warm-up repetitions run the same driver
(rows kept with warmup=True).

The suite runs its own workload on every platform of the run (like isolation's
victim), so `--suite all` needs no `--suite-workload`. Settings come from a
profile (`--param perf_profile=ci|standard`) and `--param perf_<key>=value`
for any driver key (see perf.sh); docs/suites/performance.md has the details.
"""

from __future__ import annotations

import time
from typing import Any

from collector.dataset import charts_of
from collector.dataset.families import BY_NAME
from collector.platforms import Instance, Platform
from collector.suites.base import Session, Suite
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.suites.records import utc_now
from collector.suites.roles import Opened, close_each, open_each
from collector.workloads.perf import Perf
from collector.workloads.perf_output import EXPECTED, ParseError, blocks, parse_block

PROFILES: dict[str, dict[str, str]] = {
    "ci": {"t": "2", "syscall_bytes": "200000", "fio_size": "64M", "fio_ramp": "0", "redis_n": "2000",
           "redis_cap": "60"},
    "standard": {"t": "10", "syscall_bytes": "2000000", "fio_size": "96M", "fio_ramp": "2", "redis_n": "20000",
                 "redis_cap": "600"},
}
"""ci: a few seconds per benchmark (CI's integration test); standard: the golden run's settings."""
DEFAULT_PROFILE = "standard"
SETTING_KEYS = ("t", "threads", "cpu_prime", "cpu_events", "mem_block", "syscall_bytes", "fio_size", "fio_depth",
                "fio_ramp", "redis_n", "redis_cap", "redis_c", "redis_tests", "only")
FIXED_TIME_BENCHMARKS = 14
"""Benchmarks that run for `t` seconds each (everything but dd and redis)."""
SLOWDOWN = {"tcg": 2.0, "runsc": 4.0}
"""How much longer a driver run takes, roughly, where guest code is emulated (TCG) or every system call
is trapped by gVisor's Sentry (runsc, ptrace platform): fixed-time benchmarks do not slow down, fixed work
(dd's 2,000,000 one-byte system calls, Redis) and sysbench's 64 MiB memory events do. Golden v3 measured
runsc's run at 3.8× the bare process's in its warm-up and cut the later ones off at 240 s."""
BOOT_S = {"tcg": 15.0, "kvm": 3.0}
DEADLINE_FACTOR = 4.0
"""Deadline for the driver's last line = this × the run's estimated time (and at least --timeout)."""


def settings_of(session: Session) -> dict[str, str]:
    """The driver settings of this run: the profile's, then each `--param perf_<key>=value`."""
    profile = session.param("perf_profile", DEFAULT_PROFILE)
    if profile not in PROFILES:
        raise ValueError(f"perf_profile={profile!r}; known: {', '.join(PROFILES)}")
    out = dict(PROFILES[profile])
    for key in SETTING_KEYS:
        value = session.param(f"perf_{key}", "")
        if value:
            out[key] = value
    return out


def runtime_of(platform_name: str) -> str:
    """The OCI runtime a registry platform runs (`none` for bare processes and VMs, or a name not registered)."""
    variant = BY_NAME.get(platform_name)
    return variant.runtime if variant else "none"


def estimated_run_s(settings: dict[str, str], platform: Platform) -> float:
    """Rough seconds for one driver run (start included) on this platform (its accelerator and OCI runtime)."""
    t = float(settings.get("t", "2"))
    on_host = FIXED_TIME_BENCHMARKS * t + 6.0  # + dd, Redis and the servers' start on a bare host
    slowdown = max(SLOWDOWN.get(platform.accelerator, 1.0), SLOWDOWN.get(runtime_of(platform.name), 1.0))
    return on_host * slowdown + BOOT_S.get(platform.accelerator, 1.0)


class PerformanceSuite(Suite):
    name = "performance"
    charts = charts_of("performance")

    def steps(self, session: Session) -> int:
        return (session.warmup + session.repeat) * len(session.platforms)

    def estimate_s(self, session: Session) -> float:
        settings = settings_of(session)
        per_rep = sum(estimated_run_s(settings, p) for p in session.platforms.values())
        return (session.warmup + session.repeat) * per_rep

    def run(self, session: Session) -> None:
        settings = settings_of(session)
        workload = Perf(settings, session.param("perf_container_scratch", "overlay"))
        opened: Opened = {}
        try:
            opened, problems = open_each(session, workload, "perf workload")
            session.facts.update({
                "profile": session.param("perf_profile", DEFAULT_PROFILE), "settings": settings,
                "fio_scratch": workload.scratch_facts(),
                "artifacts": {name: facts for name, (_, facts) in opened.items()}, "problems": problems,
            })
            for rep in range(session.warmup + session.repeat):
                warm = rep < session.warmup
                order = session.order(rep)
                for position, name in enumerate(order):
                    meta = {"platform_order": order, "position": position, "settings": settings}
                    common = dict(suite=self.name, platform=name, workload=workload.name, repetition=rep,
                                  warmup=warm, accelerator=session.platforms[name].accelerator)
                    if name in problems:
                        self._missing(session, common, utc_now(), problems[name], meta, EXPECTED)
                    else:
                        platform, facts = opened[name]
                        meta["fio_scratch"] = facts.get("fio_scratch", workload.scratch_facts()["process"])
                        self._one(session, platform, workload, common, meta)
                    session.advance(f"performance: {name} #{rep + 1}{' (warm-up)' if warm else ''}")
        finally:
            close_each(opened)
            workload.remove_scratch()

    def _one(self, session: Session, platform: Platform, workload: Perf, common: dict[str, Any],
             meta: dict[str, Any]) -> None:
        started = utc_now()
        deadline_s = max(session.ctx.timeout, DEADLINE_FACTOR * estimated_run_s(meta["settings"], platform))
        inst: Instance | None = None
        try:
            workload.reset_scratch()
            inst = platform.start(workload, common["repetition"])
            session.live.append(inst)
            watch = inst.handle["watch"]
            done_at = watch.wait_for(workload.done_marker, inst.requested_at + deadline_s)
            lines = [line for _, line in watch.lines()]
            ended = f"the instance's output ended before {workload.done_marker} (last: {watch.tail(2)})" \
                if watch.closed else f"no {workload.done_marker} within {deadline_s:.0f} s"
        except MEASUREMENT_ERRORS as exc:  # a failed start is a row per metric, not a lost run
            self._missing(session, common, started, one_line(exc), meta, EXPECTED)
            return
        finally:
            if inst is not None:
                platform.stop(inst)
                session.live.remove(inst)
        found, info, done = blocks(lines)
        meta = {**meta, "instance_info": info, "start_time_s": round(inst.start_time, 6)}
        if done_at is None:
            meta["cut_off"] = ended
        wanted = set(meta["settings"].get("only", "").split(",")) - {""} or set(EXPECTED)
        seen = set()
        for block in found:
            seen.add(block.bench)
            base = {**meta, "benchmark": block.bench, "tool": block.tool, "tool_args": block.attrs,
                    "elapsed_ms": block.elapsed_ms}
            try:
                results = parse_block(block)
            except (ParseError, KeyError, TypeError, ValueError) as exc:
                self._missing(session, common, started, str(exc), base, {block.bench: EXPECTED.get(block.bench, ())})
                continue
            for r in results:
                session.log.add(metric=r.metric, value=r.value, started_at=started, detail={**base, **r.detail},
                                **common)
        never = {b: EXPECTED[b] for b in EXPECTED if b in wanted - seen}
        if never:
            why = meta.get("cut_off", "the driver skipped it")
            self._missing(session, common, started, f"not run: {why}", meta, never)
        session.log.add(metric="run_time", value=(done_at or time.monotonic()) - inst.requested_at,
                        started_at=started, detail={**meta, "done": done},
                        error=None if done_at is not None else meta["cut_off"], **common)

    @staticmethod
    def _missing(session: Session, common: dict[str, Any], started: Any, error: str, detail: dict[str, Any],
                 expected: dict[str, tuple[str, ...]]) -> None:
        for bench, metrics in expected.items():
            for metric in metrics:
                session.log.add(metric=metric, value=None, error=error, started_at=started,
                                detail={**detail, "benchmark": bench}, **common)
