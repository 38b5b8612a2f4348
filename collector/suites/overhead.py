"""Overhead on the same hardware (C1): memory and CPU used by the application, by the platform, and what is left.

Per platform, ONE instance of the workload is started, left to settle, then
read every `overhead_interval_s` for `overhead_samples` ticks; every tick is
kept as rows (repetition = tick index). --repeat and --warmup are not used:
the settle time plays the warm-up's part. Which processes count as app,
platform and engine is decided in collector/probes/resource_split.py.
"""

from __future__ import annotations

import time
from typing import Any

import psutil

from collector.probes import guest_probe
from collector.platforms import StartFailed
from collector.suites.records import utc_now
from collector.probes.memory import host_memory
from collector.probes.resource_split import Parts, Reading
from collector.dataset import charts_of, variant_rank
from collector.suites.base import Session, Suite, kind

def ordered(platforms: list[str]) -> list[str]:
    """The bare process goes first (its footprint stands in for a VM's app if the guest cannot report), then the
    other families and their variants in the families table's order."""
    return sorted(platforms, key=variant_rank)


class OverheadSuite(Suite):
    name = "overhead"
    charts = charts_of("overhead")

    def _settings(self, session: Session) -> tuple[float, int, float, bool]:
        return (float(session.param("overhead_settle_s", "2")), max(1, int(session.param("overhead_samples", "5"))),
                float(session.param("overhead_interval_s", "1")), session.param("overhead_guest_probe", "1") != "0")

    def steps(self, session: Session) -> int:
        return len(session.platforms)

    def estimate_s(self, session: Session) -> float:
        settle, samples, interval, _ = self._settings(session)
        start = {"process": 0.1, "container": 0.5, "vm": 4.0}
        return sum(start.get(kind(p), 1.0) + settle + samples * interval + 0.5 for p in session.platforms)

    def run(self, session: Session) -> None:
        stand_in: int | None = None
        for name in ordered(list(session.platforms)):
            apps = self._platform(session, name, stand_in)
            if kind(name) == "process" and apps:
                stand_in = sorted(apps)[len(apps) // 2]
            session.advance(f"overhead: {name}")

    def _add(self, session: Session, name: str, metric: str, value: float | None, tick: int, **kw: Any) -> None:
        session.log.add(suite=self.name, platform=name, workload=session.workload.name, metric=metric,
                        value=value, repetition=tick, accelerator=session.platforms[name].accelerator,
                        started_at=kw.pop("started_at", utc_now()), **kw)

    def _platform(self, session: Session, name: str, stand_in: int | None) -> list[int]:
        """Measure one platform; returns the app memory of each tick."""
        settle, samples, interval, probe = self._settings(session)
        plat = session.platforms[name]
        boot_facts: dict[str, Any] = {}
        started = utc_now()
        try:
            if kind(name) == "vm" and probe:
                extras, boot_facts = guest_probe.boot_extras(plat.spec)  # type: ignore[attr-defined]
                inst = plat.start(session.workload, 0, boot=extras)  # type: ignore[call-arg]
            else:
                inst = plat.start(session.workload, 0)
        except StartFailed as exc:
            self._add(session, name, "memory_bytes", None, 0, phase="app", error=str(exc), started_at=started)
            return []
        session.live.append(inst)
        apps: list[int] = []
        try:
            parts = Parts(inst, getattr(plat, "memory_mib", None) if kind(name) == "vm" else None)
            time.sleep(settle)
            prev_t, prev = time.monotonic(), parts.read(self._guest(inst), stand_in)
            for tick in range(samples):
                time.sleep(max(0.0, prev_t + interval - time.monotonic()))
                tick_started = utc_now()
                guest = self._guest(inst)
                now, reading = time.monotonic(), parts.read(guest, stand_in)
                if kind(name) == "vm" and guest is not None:
                    reading.detail["app"]["guest_report_age_s"] = round(now - guest.at, 3)
                self._tick(session, name, tick, now - prev_t, prev, reading, guest is None and kind(name) == "vm",
                           stand_in, boot_facts, tick_started)
                apps.append(reading.memory["app"])
                prev_t, prev = now, reading
        finally:
            plat.stop(inst)
            session.live.remove(inst)
        return apps

    @staticmethod
    def _guest(inst: Any) -> guest_probe.GuestReport | None:
        watch = inst.handle.get("watch")
        reports = guest_probe.parse(watch.lines()) if watch is not None and kind(inst.platform) == "vm" else []
        return reports[-1] if reports else None

    def _tick(self, session: Session, name: str, tick: int, window: float, prev: Reading, now: Reading,
              no_guest: bool, stand_in: int | None, boot_facts: dict[str, Any], started: Any) -> None:
        total, available = host_memory()
        cores = psutil.cpu_count() or 1
        common = dict(started_at=started)
        parts = [p for p in ("app", "platform", "engine") if p in now.memory]
        for part in parts:
            detail = {**now.detail.get(part, {}), **(boot_facts if kind(name) == "vm" else {})}
            if part == "app" and no_guest and stand_in is None:
                self._add(session, name, "memory_bytes", None, tick, phase="app", detail=detail, **common,
                          error="no guest report and no bare-process figure to stand in for the app")
                continue
            self._add(session, name, "memory_bytes", now.memory[part], tick, phase=part, detail=detail, **common)
        used = sum(now.memory[p] for p in parts)
        self._add(session, name, "memory_bytes", max(0, total - used), tick, phase="spare", **common,
                  detail={"host_total_bytes": total, "host_available_bytes": available,
                          "definition": "host MemTotal minus app, platform and engine"})
        for phase, value in (("total", total), ("available", available)):
            self._add(session, name, "host_memory_bytes", value, tick, phase=phase, **common)
        capacity = cores * window
        spent = 0.0
        for part in parts:
            raw = now.cpu[part] - prev.cpu[part]
            value = max(0.0, raw)
            spent += value
            detail = {"host_cores": cores, "fraction": round(value / capacity, 6)}
            if raw < 0:
                detail["raw_delta_s"] = raw
            self._add(session, name, "cpu_seconds", value, tick, phase=part, detail=detail, **common)
        self._add(session, name, "cpu_seconds", max(0.0, capacity - spent), tick, phase="spare", **common,
                  detail={"host_cores": cores, "definition": "host cores × window minus app, platform and engine"})
        self._add(session, name, "window_s", window, tick, detail={"host_cores": cores}, **common)
