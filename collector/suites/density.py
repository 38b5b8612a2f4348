"""Density: how many instances of one workload fit in a memory budget on this host (chart C9).

Per platform (one after another; the order rotates each repetition and is
recorded), instances are started one by one and kept running. After each
becomes ready its footprint is measured; no more are added once the
instances' current footprints plus the next one's expected footprint would
exceed --memory-budget, or at --max-instances, or when a start fails. Then
all are measured once more together ("peak") and stopped. The count is also
extrapolated to the host's whole memory, and labelled so.

Footprints (the accounting is collector/probes/memory.py):
- process: PSS of the process tree;
- container: the container's cgroup memory (usage less inactive page cache,
  as `docker stats`), with the containerd shim's PSS recorded beside it;
- vm: PSS of the QEMU process, which includes the guest RAM the guest has
  touched so far (guest RAM is allocated lazily, so this is below -m).
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from collector.probes import memory
from collector.context import LABEL_RUN
from collector.platforms import Instance, Platform, StartFailed
from collector.platforms.vm import VmPlatform
from collector.suites.records import utc_now
from collector.dataset import charts_of
from collector.suites.base import Session, Suite, engine_of, kind

MIB = 1 << 20
DEFAULT_RESERVE_MIB = 2048
"""Host memory kept back for the OS and the collector when extrapolating to the whole host."""
TYPICAL_FOOTPRINT_MIB = {
    "busybox": {"process": 1, "container": 2, "vm": 40},
    "tomcat": {"process": 80, "container": 87, "vm": 560},
}
"""Rough per-instance MiB, for the time estimate shown before a run only."""
TYPICAL_START_S = {
    "busybox": {"process": 0.02, "container": 0.5, "vm": 3.0},
    "tomcat": {"process": 2.0, "container": 3.5, "vm": 50.0},
}
"""Rough per-instance start seconds (TCG, instances competing), for the time estimate only."""


@dataclass
class Footprint:
    """One measurement of one instance: the reported value and what it costs the host."""

    value: int
    """instance_memory: PSS (process), cgroup memory (container), QEMU PSS (vm)."""
    host_cost: int
    """What the budget and the extrapolation count: value, plus the shim's PSS for a container."""
    detail: dict[str, Any] = field(default_factory=dict)


def measure(platform: Platform, inst: Instance, detailed: bool = False) -> Footprint:
    """The instance's memory footprint now, by the platform's own accounting (`detailed`: also QEMU's breakdown)."""
    if kind(platform.name) == "container":
        container = inst.handle["container"]
        cgroup = memory.container_memory(container)
        pid = memory.container_pid(container)
        shim = memory.pss(memory.find_shim(container.id, pid))
        pss = memory.pss_tree(pid) if pid else 0
        return Footprint(cgroup, cgroup + shim, {"shim_pss_bytes": shim, "pss_bytes": pss, "source": "cgroup memory"})
    proc = inst.handle["proc"]
    pss = memory.pss_tree(proc.pid)
    rss = memory.rss(proc.pid)
    if kind(platform.name) != "vm":
        return Footprint(pss, pss, {"rss_bytes": rss, "source": "PSS of the process tree"})
    detail: dict[str, Any] = {"rss_bytes": rss, "source": "QEMU PSS (guest RAM touched so far)"}
    if detailed and isinstance(platform, VmPlatform):
        split = memory.qemu_breakdown(proc.pid, platform.memory_mib * MIB)
        detail.update({"guest_ram_pss_bytes": split.get("guest_ram", 0),
                       "tcg_code_buffer_pss_bytes": split.get("tcg_code_buffer", 0)})
    return Footprint(pss, pss, detail)


def measure_all(platform: Platform, instances: list[Instance], detailed: bool = False) -> list[Footprint]:
    """Footprints of all instances, measured concurrently: the Docker stats API answers only at its
    next collection tick (up to 1 s), so one-by-one would take a second per running container."""
    if len(instances) < 2:
        return [measure(platform, inst, detailed) for inst in instances]
    with ThreadPoolExecutor(max_workers=min(16, len(instances))) as pool:
        return list(pool.map(lambda inst: measure(platform, inst, detailed), instances))


def alive(platform: Platform, instances: list[Instance], run_id: str) -> int:
    """How many of the instances are running right now, asked of the engine or the OS (not our own list)."""
    if kind(platform.name) == "container":
        client = getattr(platform, "client")
        running = client.containers.list(filters={"label": f"{LABEL_RUN}={run_id}", "status": "running"})
        ids = {inst.handle["container"].id for inst in instances}
        return sum(1 for c in running if c.id in ids)
    return sum(1 for inst in instances if inst.handle["proc"].poll() is None)


def host_fit(per_instance: list[int], reserve: int, host_memory: int) -> int:
    """Instances of the mean measured footprint that fit in the host's memory less a reserve."""
    if not per_instance:
        return 0
    mean = sum(per_instance) / len(per_instance)
    return max(0, math.floor((host_memory - reserve) / mean)) if mean > 0 else 0


class DensitySuite(Suite):
    name = "density"
    charts = charts_of("density")

    def _cap(self, session: Session) -> int:
        return int(session.options.max_instances) if session.options else 400

    def _budget(self, session: Session) -> int:
        return int(session.options.memory_budget_mib if session.options else 4096) * MIB

    def steps(self, session: Session) -> int:
        return (session.warmup + session.repeat * self._cap(session)) * len(session.platforms)

    def estimate_s(self, session: Session) -> float:
        w = session.workload.name
        total = 0.0
        for p in session.platforms:
            mib = TYPICAL_FOOTPRINT_MIB.get(w, {}).get(kind(p), 100)
            start = TYPICAL_START_S.get(w, {}).get(kind(p), 5.0)
            n = min(self._cap(session), max(1, self._budget(session) // (mib * MIB)))
            total += (session.warmup + session.repeat * n) * (start + self._settle(session) + 0.3)
        return total

    def _settle(self, session: Session) -> float:
        return float(session.param("settle", "1.0"))

    def run(self, session: Session) -> None:
        for rep in range(session.warmup + session.repeat):
            warm = rep < session.warmup
            order = session.order(rep)
            for position, name in enumerate(order):
                meta = {"platform_order": order, "position": position}
                if warm:
                    self._warmup(session, name, rep, meta)
                    session.advance(f"density: {name} warm-up")
                else:
                    self._fill(session, name, rep, meta)

    def _common(self, session: Session, name: str, rep: int, warm: bool) -> dict[str, Any]:
        return dict(suite=self.name, platform=name, workload=session.workload.name, repetition=rep,
                    warmup=warm, accelerator=session.platforms[name].accelerator)

    def _warmup(self, session: Session, name: str, rep: int, meta: dict[str, Any]) -> None:
        """A warm-up repetition starts and stops one instance (warms caches), kept as a warm-up row."""
        platform = session.platforms[name]
        common = self._common(session, name, rep, True)
        with _Disks(platform) as disks:
            started = utc_now()
            try:
                inst = platform.start(session.workload, 0, **disks.kwargs(0))
            except StartFailed as exc:
                session.log.add(metric="start_time", value=None, error=str(exc), started_at=started,
                                detail={**meta, "phases_reached": exc.phases}, **common)
                return
            session.live.append(inst)
            try:
                session.log.add(metric="start_time", value=inst.start_time, started_at=started,
                                detail={**meta, "phases": inst.phases}, **common)
            finally:
                platform.stop(inst)
                session.live.remove(inst)

    def _fill(self, session: Session, name: str, rep: int, meta: dict[str, Any]) -> None:
        """One density measurement of one platform: add instances until the budget, the cap or a failure."""
        platform = session.platforms[name]
        common = self._common(session, name, rep, False)
        budget, cap, settle = self._budget(session), self._cap(session), self._settle(session)
        fill_started = utc_now()
        instances: list[Instance] = []
        costs: list[int] = []  # host cost of each instance, measured once it was ready
        stop_reason = "max_instances"
        peak: list[Footprint] = []
        alive_at_peak = 0
        with _Disks(platform) as disks:
            try:
                for index in range(cap):
                    current = sum(fp.host_cost for fp in measure_all(platform, instances))
                    expected = max(costs) if costs else 0
                    if instances and current + expected > budget:
                        stop_reason = "budget"
                        break
                    started = utc_now()
                    try:
                        inst = platform.start(session.workload, index, **disks.kwargs(index))
                    except StartFailed as exc:
                        session.log.add(metric="start_time", value=None, error=str(exc), instance=index,
                                        started_at=started, detail={**meta, "phases_reached": exc.phases,
                                                                    "running_before": len(instances)}, **common)
                        stop_reason = "start_failed"
                        session.advance(f"density: {name} #{index + 1} failed")
                        break
                    instances.append(inst)
                    session.live.append(inst)
                    session.log.add(metric="start_time", value=inst.start_time, instance=index,
                                    started_at=started, detail={**meta, "phases": inst.phases,
                                                                "running_before": len(instances) - 1,
                                                                **disks.facts(index)}, **common)
                    time.sleep(settle)
                    fp = measure(platform, inst, detailed=True)
                    costs.append(fp.host_cost)
                    session.log.add(metric="instance_memory", value=fp.value, instance=index,
                                    phase="ready", started_at=started,
                                    detail={**fp.detail, "host_cost_bytes": fp.host_cost,
                                            "running": len(instances), "settle_s": settle}, **common)
                    session.advance(f"density: {name} #{index + 1} ready")
                peak_started = utc_now()
                alive_at_peak = alive(platform, instances, session.ctx.run_id)
                peak = measure_all(platform, instances, detailed=True)
                for inst, fp in zip(instances, peak):
                    session.log.add(metric="instance_memory", value=fp.value, instance=inst.index,
                                    phase="peak", started_at=peak_started,
                                    detail={**fp.detail, "host_cost_bytes": fp.host_cost, "running": len(instances)},
                                    **common)
            finally:
                for inst in instances:
                    platform.stop(inst)
                    if inst in session.live:
                        session.live.remove(inst)
        for _ in range(cap - len(instances) - (1 if stop_reason == "start_failed" else 0)):
            session.advance(f"density: {name} done ({stop_reason})")
        self._summary(session, name, common, fill_started, instances, peak, alive_at_peak, stop_reason, meta)

    def _summary(self, session: Session, name: str, common: dict[str, Any], started: Any, instances: list[Instance],
                 peak: list[Footprint], alive_at_peak: int, stop_reason: str, meta: dict[str, Any]) -> None:
        budget, cap = self._budget(session), self._cap(session)
        host_memory = memory.host_memory()[0]
        reserve = int(session.param("reserve_mib", str(DEFAULT_RESERVE_MIB))) * MIB
        engines = memory.engine_pss(engine_of(name)) if kind(name) == "container" else {}
        peak_sum = sum(fp.host_cost for fp in peak)
        facts = {**meta, "stop_reason": stop_reason, "budget_bytes": budget, "max_instances": cap,
                 "alive_at_peak": alive_at_peak, "host_cost_sum_at_peak_bytes": peak_sum}
        if engines:
            facts["engine_pss_bytes"] = engines
        session.log.add(metric="instances_ready", value=len(instances), started_at=started,
                        detail=facts, **common)
        session.log.add(metric="budget_bytes", value=budget, started_at=started,
                        detail={"max_instances": cap}, **common)
        if not peak:
            session.log.add(metric="host_fit_extrapolated", value=None, started_at=started,
                            error="no instance became ready; nothing to extrapolate from",
                            detail={"extrapolated": True}, **common)
            return
        engine_total = sum(engines.values())
        costs = [fp.host_cost for fp in peak]
        extra: dict[str, Any] = {}
        if isinstance(session.platforms[name], VmPlatform):
            guest = session.platforms[name].memory_mib * MIB
            extra = {"guest_memory_bytes": guest,
                     "host_fit_if_guest_memory_fully_used": host_fit([max(c, guest) for c in costs],
                                                                     reserve, host_memory),
                     "note": "QEMU PSS counts only the guest RAM touched so far; a busier guest grows toward -m"}
            tcg = [int(fp.detail.get("tcg_code_buffer_pss_bytes", 0)) for fp in peak]
            if session.platforms[name].accelerator == "tcg" and any(tcg):
                extra["tcg_code_buffer_mean_bytes"] = round(sum(tcg) / len(tcg))
                extra["host_fit_without_tcg_code_buffer"] = host_fit([c - b for c, b in zip(costs, tcg)],
                                                                     reserve, host_memory)
        session.log.add(metric="host_fit_extrapolated", value=host_fit(costs, reserve + engine_total, host_memory), started_at=started,
                        detail={"extrapolated": True, "host_memory_bytes": host_memory, "reserve_bytes": reserve,
                                "engine_bytes": engine_total, "per_instance_mean_bytes": round(sum(costs) / len(costs)),
                                "basis": "mean host cost per instance at the peak", "instances_measured": len(costs),
                                **extra}, **common)


class _Disks:
    """Per-instance copies of a VM's disks: QEMU locks an image it opens read-write, so VMs cannot share one.

    Each VM gets its own copy, as each real VM has its own disk; copies are made
    before the start request (not timed as start) and deleted afterwards.
    """

    def __init__(self, platform: Platform) -> None:
        spec = getattr(platform, "spec", None) if isinstance(platform, VmPlatform) else None
        self.sources: tuple[Path, ...] = tuple(spec.disks) if spec is not None else ()
        self.folder: Path | None = None
        self.copy_s: dict[int, float] = {}

    def __enter__(self) -> "_Disks":
        if self.sources:
            self.folder = Path(tempfile.mkdtemp(prefix="vmcbench-density-disks-"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def kwargs(self, index: int) -> dict[str, Any]:
        if not self.sources or self.folder is None:
            return {}
        t0 = time.monotonic()
        copies = []
        for n, src in enumerate(self.sources):
            dst = self.folder / f"{index}-{n}-{src.name}"
            shutil.copyfile(src, dst)
            copies.append(dst)
        self.copy_s[index] = round(time.monotonic() - t0, 3)
        return {"disks": tuple(copies)}

    def facts(self, index: int) -> dict[str, Any]:
        return {"disk_copy_s": self.copy_s[index]} if index in self.copy_s else {}
