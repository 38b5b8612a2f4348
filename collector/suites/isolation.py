"""Isolation (chart C10): a victim's per-iteration latency alone and beside a CPU + memory hog, per platform.

"Beside" means what each platform offers:
- process: the hog is another bare process on the host, no limits (the physical server);
- container: victim and hog in two containers, each capped by cgroups (CPU quota, memory limit);
- vm: victim VM and hog VM, each with its vCPU count and memory size as caps.
See docs/suites/isolation.md for the method and what the figures do not show.
"""

from __future__ import annotations

import os
import time
from typing import Any

from collector.probes import memory
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.platforms import Instance, Platform, PlatformUnavailable
from collector.suites.records import utc_now
from collector.suites.roles import open_role
from collector.workloads.victim import DONE, hog_workload, parse_victim, victim_workload
from collector.dataset import charts_of
from collector.suites.base import Session, Suite, kind

PHASES = ("alone", "beside_hog")
VICTIM_INDEX, HOG_INDEX = 0, 1
"""Distinct instance indices, so the victim's and the hog's pid files never share a name."""


def _pin(instance: Instance, cpu: int) -> None:
    """Pin every thread of a VM's QEMU process to one host CPU (containers are pinned by cpuset at create)."""
    pid = instance.handle["proc"].pid
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), {cpu})
        except OSError:
            pass


def _hog_memory(instance: Instance) -> tuple[int, dict[str, Any]]:
    """Host memory the hog holds now, and how it was measured."""
    if kind(instance.platform) == "container":
        container = instance.handle["container"]
        mem = container.stats(stream=False, one_shot=True).get("memory_stats", {})
        return memory.container_memory(container), {
            "measured_by": "cgroup memory usage without inactive file cache",
            "cgroup_peak_bytes": int(mem.get("max_usage", 0)), "cgroup_limit_bytes": int(mem.get("limit", 0)),
        }
    what = "PSS of the QEMU process" if kind(instance.platform) == "vm" else "PSS of the hog's process tree"
    return memory.pss_tree(instance.handle["proc"].pid), {"measured_by": what}


def _wait_hog_settled(hog: Instance, least_s: float, most_s: float) -> tuple[int, float]:
    """Wait until the hog's memory stops growing (filled, or stopped by its cap): at least `least_s`, at most `most_s`.

    Returns the memory held then and the seconds waited, so the victim never
    runs beside a hog that is still filling up.
    """
    t0 = time.monotonic()
    time.sleep(least_s)
    previous = -1
    while True:
        held, _ = _hog_memory(hog)
        if (previous >= 0 and held - previous <= max(held, 1) // 100) or time.monotonic() - t0 >= most_s:
            return held, time.monotonic() - t0
        previous = held
        time.sleep(0.25)


class IsolationSuite(Suite):
    name = "isolation"
    charts = charts_of("isolation")

    def steps(self, session: Session) -> int:
        return (session.warmup + session.repeat) * len(session.platforms) * len(PHASES)

    def estimate_s(self, session: Session) -> float:
        iterations, work = self._int(session, "iterations", 100), self._int(session, "work", 10000)
        chunk = {"process": 1e-6, "container": 1e-6, "vm": 25e-6}
        boot = {"process": 0.01, "container": 0.3, "vm": 3.0}
        settle = float(session.param("settle_s", "1"))
        per_rep = sum(2 * (iterations * work * chunk.get(kind(p), 1e-6) + boot.get(kind(p), 1.0)) + settle + boot.get(kind(p), 1.0)
                      for p in session.platforms)
        return (session.warmup + session.repeat) * per_rep

    @staticmethod
    def _int(session: Session, key: str, default: int) -> int:
        return int(session.param(key, str(default)))

    def settings(self, session: Session) -> dict[str, Any]:
        cores = os.cpu_count() or 1
        return {
            "iterations": self._int(session, "iterations", 100),
            "work_steps": self._int(session, "work", 10000),
            "hog_cpus": self._int(session, "hog_cpus", cores),
            "hog_memory_mib": self._int(session, "hog_mem_mib", 1024),
            "cap_cpus": float(session.param("cap_cpus", "1")),
            "cap_memory_mib": self._int(session, "cap_mem_mib", 256),
            "pin": session.param("pin", "0") not in ("0", "", "false", "no") and cores >= 2,
            "settle_s": float(session.param("settle_s", "1")),
            "settle_max_s": float(session.param("settle_max_s", "20")),
            "victim_timeout_s": float(session.param("victim_timeout_s", "600")),
            "host_cores": cores,
        }

    def _limits(self, s: dict[str, Any], name: str, role: str) -> dict[str, Any]:
        """The caps each role runs under, as containers.create kwargs / VM size; also written to `detail`."""
        if kind(name) == "process":
            return {}
        if kind(name) == "container":
            caps: dict[str, Any] = {"nano_cpus": int(s["cap_cpus"] * 1e9), "mem_limit": f"{s['cap_memory_mib']}m"}
            if s["pin"]:
                caps["cpuset_cpus"] = "0" if role == "victim" else "1"
            return caps
        return {"vm_cpus": max(1, round(s["cap_cpus"])), "vm_memory_mib": s["cap_memory_mib"],
                **({"pinned_cpu": 0 if role == "victim" else 1} if s["pin"] else {})}

    def _open(self, session: Session, name: str, s: dict[str, Any]) -> dict[str, tuple[Platform, Any, dict[str, Any]]]:
        roles = {}
        workloads = {"victim": victim_workload(s["iterations"], s["work_steps"]),
                     "hog": hog_workload(s["hog_cpus"], s["hog_memory_mib"])}
        try:
            for role, wl in workloads.items():
                caps = self._limits(s, name, role)
                ctx_changes: dict[str, Any] = {}
                if kind(name) == "container":
                    ctx_changes["container_limits"] = caps
                elif kind(name) == "vm":
                    ctx_changes = {"vm_cpus": caps["vm_cpus"], "vm_memory_mib": caps["vm_memory_mib"]}
                platform, facts = open_role(session, name, wl, **ctx_changes)
                roles[role] = (platform, wl, {"limits": caps, "artifacts": facts})
        except BaseException:
            for platform, _, _ in roles.values():
                platform.close()
            raise
        return roles

    def run(self, session: Session) -> None:
        s = self.settings(session)
        opened: dict[str, Any] = {}
        problems: dict[str, str] = {}
        try:
            for name in session.platforms:
                try:
                    opened[name] = self._open(session, name, s)
                except (PlatformUnavailable, *MEASUREMENT_ERRORS) as exc:
                    problems[name] = f"isolation workloads could not be prepared: {one_line(exc)}"
            for rep in range(session.warmup + session.repeat):
                warm = rep < session.warmup
                phases = PHASES if rep % 2 == 0 else PHASES[::-1]
                for name in session.order(rep):
                    for phase in phases:
                        if name in problems:
                            self._failed(session, name, rep, warm, phase, problems[name], s)
                        else:
                            self._pair(session, name, opened[name], rep, warm, phase, s)
                        session.advance(f"isolation: {name} {phase} #{rep + 1}{' (warm-up)' if warm else ''}")
        finally:
            for roles in opened.values():
                for platform, _, _ in roles.values():
                    platform.close()

    def _common(self, session: Session, name: str, rep: int, warm: bool, phase: str) -> dict[str, Any]:
        return dict(suite=self.name, platform=name, workload="busybox-victim", repetition=rep,
                    warmup=warm, phase=phase, accelerator=session.platforms[name].accelerator, started_at=utc_now())

    def _detail(self, s: dict[str, Any], roles: dict[str, Any] | None, phase: str) -> dict[str, Any]:
        detail: dict[str, Any] = {"work_steps": s["work_steps"], "iterations": s["iterations"],
                                  "timing": "busybox ts in the instance", "host_cores": s["host_cores"]}
        if roles:
            detail["victim_limits"] = roles["victim"][2]["limits"]
            if phase == "beside_hog":
                detail["hog"] = {"cpus": s["hog_cpus"], "memory_mib": s["hog_memory_mib"], "limits": roles["hog"][2]["limits"]}
        return detail

    def _failed(self, session: Session, name: str, rep: int, warm: bool, phase: str, error: str, s: dict[str, Any],
                roles: dict[str, Any] | None = None) -> None:
        session.log.add(metric="victim_latency", value=None, error=error,
                        detail=self._detail(s, roles, phase), **self._common(session, name, rep, warm, phase))

    def _pair(self, session: Session, name: str, roles: dict[str, Any], rep: int, warm: bool, phase: str,
              s: dict[str, Any]) -> None:
        common = self._common(session, name, rep, warm, phase)
        detail = self._detail(s, roles, phase)
        vplat, vwl, _ = roles["victim"]
        hplat, hwl, _ = roles["hog"]
        hog: Instance | None = None
        victim: Instance | None = None
        try:
            if phase == "beside_hog":
                hog = hplat.start(hwl, HOG_INDEX)
                if s["pin"] and kind(name) == "vm":
                    _pin(hog, 1)
                settled_bytes, settled_after = _wait_hog_settled(hog, s["settle_s"], s["settle_max_s"])
                detail = {**detail, "hog_settled_bytes": settled_bytes, "hog_settled_after_s": round(settled_after, 3)}
            victim = vplat.start(vwl, VICTIM_INDEX)
            if s["pin"] and kind(name) == "vm":
                _pin(victim, 0)
            watch = victim.handle["watch"]
            finished = watch.wait_for(DONE, time.monotonic() + s["victim_timeout_s"]) is not None
            timings = parse_victim([line for _, line in watch.lines()])
            if hog is not None:
                held, how = _hog_memory(hog)
                session.log.add(metric="hog_memory_bytes", value=held,
                                detail={**detail, **how, "requested_bytes": s["hog_memory_mib"] << 20},
                                **{**common, "workload": "busybox-hog"})
        except MEASUREMENT_ERRORS as exc:  # a failed measurement is a row, not a lost run
            self._failed(session, name, rep, warm, phase, one_line(exc), s, roles)
            return
        finally:
            for inst, plat in ((victim, vplat), (hog, hplat)):
                if inst is not None:
                    plat.stop(inst)
        for k, duration in enumerate(timings.durations):
            session.log.add(metric="victim_latency", value=duration, detail={**detail, "iteration": k}, **common)
        if not finished or len(timings.durations) < s["iterations"]:
            why = "did not finish" if not finished else "printed too few iterations"
            self._failed(session, name, rep, warm, phase,
                         f"victim {why}: {len(timings.durations)} of {s['iterations']} iterations within "
                         f"{s['victim_timeout_s']:g} s", s, roles)
