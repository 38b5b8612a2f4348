"""Which host processes are the application and which the platform, for one running instance (chart C1).

A `Parts` finds the processes once; each `read()` then gives memory (PSS,
bytes) and cumulative CPU time (user + system seconds) per part:

- process:   app = the workload's process tree; no platform.
- container: app = the container's process tree (PSS, the same measure as on
             the other platforms; the cgroup's own figure goes in detail);
             platform = the containerd shim that holds the container;
             engine = dockerd + containerd, shared by every container on
             the host, so kept apart.
- vm:        the QEMU process holds everything; app = what the in-guest
             reporter (collector/probes/guest_probe.py) says the guest's
             user-space processes use; platform = QEMU − app (hypervisor,
             guest kernel, guest OS, the reporter itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from collector.dataset.families import deck_platform_of, engine_of
from collector.probes.memory import (
    container_memory,
    container_pid,
    cpu_seconds,
    cpu_seconds_tree,
    find_engine,
    find_shim,
    pss,
    pss_tree,
    qemu_breakdown,
)
from collector.probes.guest_probe import GuestReport
from collector.platforms import Instance

@dataclass
class Reading:
    memory: dict[str, int]
    """Bytes per part: app, platform (and engine for containers)."""
    cpu: dict[str, float]
    """Cumulative CPU seconds per part since the processes started."""
    detail: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Facts per part (what was measured, components)."""


class Parts:
    """The processes of one instance, split into app / platform / engine."""

    def __init__(self, inst: Instance, guest_ram_mib: int | None = None) -> None:
        self.inst = inst
        self.guest_ram_mib = guest_ram_mib
        self.platform = deck_platform_of(inst.platform)  # every container variant is measured like `container`
        if self.platform == "container":
            container = inst.handle["container"]
            self.app_pid = container_pid(container)
            self.shim = find_shim(container.id, self.app_pid)
            self.engine = find_engine(engine_of(inst.platform))
        else:
            self.app_pid = inst.handle["proc"].pid

    def read(self, guest: GuestReport | None = None, stand_in_app: int | None = None) -> Reading:
        """One reading now. For a VM, `guest` is the reporter's latest line; without one, `stand_in_app`
        (the bare process's PSS) stands in for the app, labelled as such."""
        if self.platform == "process":
            return Reading({"app": pss_tree(self.app_pid), "platform": 0}, {"app": cpu_seconds_tree(self.app_pid), "platform": 0.0},
                           {"app": {"source": "PSS of the process tree"}, "platform": {"source": "none: the host OS runs it"}})
        if self.platform == "container":
            return self._container()
        return self._vm(guest, stand_in_app)

    def _container(self) -> Reading:
        app, shim = pss_tree(self.app_pid), pss(self.shim)
        daemons = {name: pss(p) for name, p in sorted(self.engine.items())}
        try:
            cgroup = container_memory(self.inst.handle["container"])
        except Exception:  # the stats call failing must not lose the tick
            cgroup = None
        return Reading(
            {"app": app, "platform": shim, "engine": sum(daemons.values())},
            {"app": cpu_seconds_tree(self.app_pid), "platform": cpu_seconds(self.shim),
             "engine": sum(cpu_seconds(p) for p in self.engine.values())},
            {"app": {"source": "PSS of the container's process tree", "cgroup_memory_bytes": cgroup},
             "platform": {"source": "PSS of the containerd shim", "shim_found": self.shim is not None},
             "engine": {"source": "PSS of the engine daemons, shared by all containers on the host", "daemons": daemons}},
        )

    def _vm(self, guest: GuestReport | None, stand_in_app: int | None) -> Reading:
        qemu_pss, qemu_cpu = pss_tree(self.app_pid), cpu_seconds_tree(self.app_pid)
        if guest is not None:
            app, app_cpu = guest.app_pss, guest.app_cpu_s
            source = {"source": "guest reporter: PSS of the guest's user-space processes", "guest_procs": guest.app_procs,
                      "guest_memtotal_bytes": guest.memtotal, "guest_memavailable_bytes": guest.memavailable,
                      "guest_uptime_s": guest.uptime_s}
        else:
            app, app_cpu = stand_in_app or 0, 0.0
            source = {"source": "stand-in: PSS of the same workload as a bare process (no guest report)"}
        platform_detail = {"source": "QEMU PSS minus app: hypervisor, guest kernel and OS", "qemu_pss_bytes": qemu_pss,
                           "qemu_cpu_s": qemu_cpu, "probe_pss_bytes": guest.probe_pss if guest else None,
                           "qemu_pss_by_mapping": qemu_breakdown(self.app_pid, self.guest_ram_mib << 20 if self.guest_ram_mib else None)}
        return Reading({"app": app, "platform": max(0, qemu_pss - app)}, {"app": app_cpu, "platform": qemu_cpu - app_cpu},
                       {"app": source, "platform": platform_detail})
