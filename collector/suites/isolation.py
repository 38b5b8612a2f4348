"""Isolation (chart C10): a victim's per-iteration latency alone and beside a hog, per platform and kind of sharing.

Every instance runs inside one emulated server (a cpu + memory cgroup of
`server_mem_mib`, the same for every platform; collector/suites/isolation_cases.py):
- process: victim and hog as two bare programs in one scheduling group (no
  isolation), and, as its own case, in two groups of equal CPU weight (fair share);
- container: victim and hog in two containers under the server, each capped (CPU quota, memory limit);
- vm: victim VM and hog VM, each capped by its vCPU count and memory size.
Beside a CPU hog the victim's latency is measured; beside a memory hog that
grows until the budget is exhausted, also whether the victim kept its
working set (`victim_killed`) and how many processes the OOM killer took.
See docs/suites/isolation.md for the method and what the figures do not show.
"""

from __future__ import annotations

import os
import time
from typing import Any

from collector.probes import memory
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.platforms import Instance, Platform, PlatformUnavailable
from collector.platforms.container import exit_state
from collector.platforms.server_cgroup import CgroupUnavailable, ServerCgroup
from collector.suites.records import utc_now
from collector.suites.roles import open_role
from collector.suites.isolation_cases import pair_of, phases_of, roles, sharing
from collector.workloads.victim import DONE, parse_victim
from collector.dataset import charts_of
from collector.suites.base import Session, Suite, kind

GUEST_OOM = "Out of memory: Killed process"
"""What a guest kernel prints on its console when its OOM killer kills (loglevel 6 shows it)."""
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
        how = {"measured_by": "cgroup memory usage without inactive file cache",
               "cgroup_peak_bytes": int(mem.get("max_usage", 0)), "cgroup_limit_bytes": int(mem.get("limit", 0))}
        if not mem:  # no cgroup left to read: the hog ended (gVisor's whole sandbox is one process for the OOM killer)
            how["hog_ended"] = exit_state(container)
        return memory.container_memory(container), how
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
        return (session.warmup + session.repeat) * sum(len(phases_of(p)) for p in session.platforms)

    def estimate_s(self, session: Session) -> float:
        iterations, work = self._int(session, "iterations", 20), self._int(session, "work", 20000)
        chunk = {"process": 1e-6, "container": 1e-6, "vm": 25e-6}
        boot = {"process": 0.01, "container": 0.3, "vm": 3.0}
        settle = float(session.param("settle_s", "1"))
        per_rep = sum(len(phases_of(p)) * (iterations * work * chunk.get(kind(p), 1e-6) + 2 * boot.get(kind(p), 1.0) + settle)
                      for p in session.platforms)
        return (session.warmup + session.repeat) * per_rep

    @staticmethod
    def _int(session: Session, key: str, default: int) -> int:
        return int(session.param(key, str(default)))

    def settings(self, session: Session) -> dict[str, Any]:
        cores = os.cpu_count() or 1
        server = self._int(session, "server_mem_mib", 1024)
        pressure = float(session.param("pressure_s", "5"))
        return {
            "iterations": self._int(session, "iterations", 20),
            "work_steps": self._int(session, "work", 20000),
            "hog_cpus": self._int(session, "hog_cpus", cores),
            "hog_memory_mib": self._int(session, "hog_mem_mib", 2 * server),
            "victim_memory_mib": self._int(session, "victim_mem_mib", 64),
            "server_memory_mib": server,
            "pressure_s": {"process": pressure, "container": pressure,
                           "vm": float(session.param("pressure_vm_s", str(4 * pressure)))},
            "cap_cpus": float(session.param("cap_cpus", "1")),
            "cap_memory_mib": self._int(session, "cap_mem_mib", 256),
            "pin": session.param("pin", "0") not in ("0", "", "false", "no") and cores >= 2,
            "settle_s": float(session.param("settle_s", "1")),
            "settle_max_s": float(session.param("settle_max_s", "20")),
            "victim_timeout_s": float(session.param("victim_timeout_s", "900")),
            "host_cores": cores,
        }

    def _open(self, session: Session, name: str, s: dict[str, Any], server: ServerCgroup) -> dict[str, tuple[Platform, Any, dict[str, Any]]]:
        opened: dict[str, tuple[Platform, Any, dict[str, Any]]] = {}
        try:
            for key, role in roles(s, name, server).items():
                platform, facts = open_role(session, name, role.workload, **role.ctx_changes)
                opened[key] = (platform, role.workload, {"limits": role.limits, "artifacts": facts})
        except BaseException:
            for platform, _, _ in opened.values():
                platform.close()
            raise
        return opened

    def run(self, session: Session) -> None:
        s = self.settings(session)
        opened: dict[str, Any] = {}
        problems: dict[str, str] = {}
        server = ServerCgroup(session.ctx.run_id, s["server_memory_mib"] << 20)
        try:
            try:
                server.create()
            except CgroupUnavailable as exc:
                problems = {name: f"no emulated server: {exc}" for name in session.platforms}
            for name in session.platforms:
                if name in problems:
                    continue
                try:
                    opened[name] = self._open(session, name, s, server)
                except (PlatformUnavailable, *MEASUREMENT_ERRORS) as exc:
                    problems[name] = f"isolation workloads could not be prepared: {one_line(exc)}"
            for rep in range(session.warmup + session.repeat):
                warm = rep < session.warmup
                for name in session.order(rep):
                    own = phases_of(name)
                    for phase in own[rep % len(own):] + own[:rep % len(own)]:
                        if name in problems:
                            self._failed(session, name, rep, warm, phase, problems[name], s)
                        else:
                            self._pair(session, name, opened[name], rep, warm, phase, s, server)
                        session.advance(f"isolation: {name} {phase} #{rep + 1}{' (warm-up)' if warm else ''}")
        finally:
            for roles_ in opened.values():
                for platform, _, _ in roles_.values():
                    platform.close()
            server.close()

    def _common(self, session: Session, name: str, rep: int, warm: bool, phase: str) -> dict[str, Any]:
        return dict(suite=self.name, platform=name, workload="busybox-victim", repetition=rep,
                    warmup=warm, phase=phase, accelerator=session.platforms[name].accelerator, started_at=utc_now())

    def _detail(self, s: dict[str, Any], opened: dict[str, Any] | None, name: str, phase: str,
                server: ServerCgroup | None = None) -> dict[str, Any]:
        detail: dict[str, Any] = {"work_steps": s["work_steps"], "iterations": s["iterations"], "sharing": sharing(name, phase),
                                  "timing": "busybox ts in the instance", "host_cores": s["host_cores"]}
        if server is not None:
            detail["server"] = server.facts()
        if opened:
            victim_key, hog_key = pair_of(phase)
            detail["victim_limits"] = opened[victim_key][2]["limits"]
            if hog_key:
                cpus, mib = (0, s["hog_memory_mib"]) if phase == "beside_memory_hog" else (s["hog_cpus"], 0)
                detail["hog"] = {"cpus": cpus, "memory_mib": mib, "limits": opened[hog_key][2]["limits"]}
            if phase == "beside_memory_hog":
                detail["victim_memory_mib"] = s["victim_memory_mib"]
                detail["pressure_s"] = s["pressure_s"][kind(name)]
        return detail

    def _failed(self, session: Session, name: str, rep: int, warm: bool, phase: str, error: str, s: dict[str, Any],
                opened: dict[str, Any] | None = None) -> None:
        session.log.add(metric="victim_latency", value=None, error=error,
                        detail=self._detail(s, opened, name, phase), **self._common(session, name, rep, warm, phase))

    def _pair(self, session: Session, name: str, opened: dict[str, Any], rep: int, warm: bool, phase: str,
              s: dict[str, Any], server: ServerCgroup) -> None:
        common = self._common(session, name, rep, warm, phase)
        detail = self._detail(s, opened, name, phase, server)
        victim_key, hog_key = pair_of(phase)
        vplat, vwl, _ = opened[victim_key]
        hplat, hwl, _ = opened[hog_key] if hog_key else (None, None, None)
        memory_case = phase == "beside_memory_hog"
        hog: Instance | None = None
        victim: Instance | None = None
        kills_before = server.oom_kills()
        server.reset_peak()
        try:
            if hplat is not None and not memory_case:
                hog = hplat.start(hwl, HOG_INDEX)
                if s["pin"] and kind(name) == "vm":
                    _pin(hog, 1)
                settled_bytes, settled_after = _wait_hog_settled(hog, s["settle_s"], s["settle_max_s"])
                detail = {**detail, "hog_settled_bytes": settled_bytes, "hog_settled_after_s": round(settled_after, 3)}
            victim = vplat.start(vwl, VICTIM_INDEX)
            if s["pin"] and kind(name) == "vm":
                _pin(victim, 0)
            if hplat is not None and memory_case:  # the victim holds its working set; now the neighbour grows
                hog = hplat.start(hwl, HOG_INDEX)
            watch = victim.handle["watch"]
            finished = watch.wait_for(DONE, time.monotonic() + s["victim_timeout_s"]) is not None
            timings = parse_victim([line for _, line in watch.lines()])
            if hog is not None:
                held, how = _hog_memory(hog)
                session.log.add(metric="hog_memory_bytes", value=held,
                                detail={**detail, **how, "requested_bytes": (s["hog_memory_mib"] if memory_case else 0) << 20},
                                **{**common, "workload": "busybox-hog"})
            if memory_case:
                self._memory_rows(session, common, detail, server, kills_before, victim, hog, finished, timings.lost)
        except MEASUREMENT_ERRORS as exc:  # a failed measurement is a row, not a lost run
            self._failed(session, name, rep, warm, phase, one_line(exc), s, opened)
            return
        finally:
            for inst, plat in ((victim, vplat), (hog, hplat)):
                if inst is not None and plat is not None:
                    plat.stop(inst)
        for k, duration in enumerate(timings.durations):
            session.log.add(metric="victim_latency", value=duration, detail={**detail, "iteration": k}, **common)
        if not finished or len(timings.durations) < s["iterations"]:
            why = "did not finish" if not finished else "printed too few iterations"
            self._failed(session, name, rep, warm, phase,
                         f"victim {why}: {len(timings.durations)} of {s['iterations']} iterations within "
                         f"{s['victim_timeout_s']:g} s", s, opened)

    def _memory_rows(self, session: Session, common: dict[str, Any], detail: dict[str, Any], server: ServerCgroup,
                     kills_before: int, victim: Instance, hog: Instance | None, finished: bool, lost: bool | None) -> None:
        """What the memory neighbour did to the victim and to the server: counted as data."""
        host_kills = server.oom_kills() - kills_before
        guest_kills = sum(1 for inst in (victim, hog) if inst is not None and kind(inst.platform) == "vm"
                          for _, line in inst.handle["watch"].lines() if GUEST_OOM in line)
        killed = 1 if (lost or not finished) else 0
        why = "working set gone" if lost else ("victim did not finish" if not finished else "victim kept its working set")
        session.log.add(metric="victim_killed", value=killed, detail={**detail, "how": why}, **common)
        session.log.add(metric="oom_kills", value=host_kills + guest_kills,
                        detail={**detail, "host_cgroup_kills": host_kills, "guest_console_kills": guest_kills}, **common)
        session.log.add(metric="server_memory_peak_bytes", value=server.peak_bytes(),
                        detail={**detail, "server_limit_hits": server.limit_hits()}, **common)
