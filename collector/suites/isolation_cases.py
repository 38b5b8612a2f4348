"""The cases of the isolation suite (C10): which phases a platform runs, and where each role's instance runs.

Every instance runs inside one emulated server (platforms/server_cgroup.py: a
cpu + memory cgroup of `server_mem_mib`), so every platform shares the same
budget. Inside it, the kinds of sharing:
- none: a bare victim and hog in one child group: one scheduling group, as two
  unmanaged programs on one server, whatever `sched_autogroup_enabled` says
  (autogroups apply only to tasks in the root cpu group);
- fair share (process only, phase `beside_hog_fair`): victim and hog in two
  child groups of equal CPU weight, as systemd gives each service (the same
  mechanism as autogroup's one group per session);
- hard caps: containers (Docker makes one cgroup per container under the
  server, with a CPU quota and a memory limit) and VMs (QEMU in the shared
  group, capped by its vCPU count and memory size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from collector.dataset.families import deck_platform_of as kind
from collector.platforms.server_cgroup import ServerCgroup
from collector.workloads import Workload
from collector.workloads.victim import hog_workload, victim_workload

PHASES = ("alone", "beside_hog", "beside_hog_fair", "beside_memory_hog")
PROCESS_ONLY = ("beside_hog_fair",)
SHARED, FAIR_VICTIM, FAIR_HOG = "shared", "fair-victim", "fair-hog"


def phases_of(platform: str) -> tuple[str, ...]:
    """The phases a platform runs (a variant runs its family's: fair share is a bare-process case)."""
    return tuple(p for p in PHASES if kind(platform) == "process" or p not in PROCESS_ONLY)


def sharing(platform: str, phase: str) -> str:
    """The kind of sharing a case measures: `none`, `fair_share` or `caps` (`alone` for the baseline)."""
    if phase == "alone":
        return "alone"
    if kind(platform) == "process":
        return "fair_share" if phase == "beside_hog_fair" else "none"
    return "caps"


@dataclass(frozen=True)
class Role:
    """One instance of a case: its workload and the RunContext changes that place and cap it."""

    key: str
    workload: Workload
    ctx_changes: dict[str, Any]
    limits: dict[str, Any]


def _caps(s: dict[str, Any], platform: str, role: str) -> dict[str, Any]:
    if kind(platform) == "process":
        return {}
    if kind(platform) == "container":
        caps: dict[str, Any] = {"nano_cpus": int(s["cap_cpus"] * 1e9), "mem_limit": f"{s['cap_memory_mib']}m"}
        if s["pin"]:
            caps["cpuset_cpus"] = "0" if role == "victim" else "1"
        return caps
    return {"vm_cpus": max(1, round(s["cap_cpus"])), "vm_memory_mib": s["cap_memory_mib"],
            **({"pinned_cpu": 0 if role == "victim" else 1} if s["pin"] else {})}


def _placed(server: ServerCgroup, platform: str, group: str, caps: dict[str, Any]) -> dict[str, Any]:
    """RunContext changes that put a role in the server: a child group for host processes, cgroup_parent for Docker."""
    if kind(platform) == "container":
        return {"container_limits": {**caps, "cgroup_parent": server.docker_parent}}
    changes: dict[str, Any] = {"cgroups": server.child(group)}
    if kind(platform) == "vm":
        changes.update(vm_cpus=caps["vm_cpus"], vm_memory_mib=caps["vm_memory_mib"])
    return changes


def roles(s: dict[str, Any], platform: str, server: ServerCgroup) -> dict[str, Role]:
    """Every role a platform's phases need, keyed `victim`, `hog`, `victim_fair`, `hog_fair`, `victim_mem`, `hog_mem`."""
    cpu_victim = victim_workload(s["iterations"], s["work_steps"])
    mem_victim = victim_workload(s["iterations"], s["work_steps"], s["victim_memory_mib"], s["pressure_s"][kind(platform)])
    cpu_hog = hog_workload(s["hog_cpus"], 0)
    mem_hog = hog_workload(0, s["hog_memory_mib"], respawn=True)
    wanted = [("victim", cpu_victim, SHARED, "victim"), ("hog", cpu_hog, SHARED, "hog"),
              ("victim_mem", mem_victim, SHARED, "victim"), ("hog_mem", mem_hog, SHARED, "hog")]
    if kind(platform) == "process":
        wanted += [("victim_fair", cpu_victim, FAIR_VICTIM, "victim"), ("hog_fair", cpu_hog, FAIR_HOG, "hog")]
    out = {}
    for key, workload, group, role in wanted:
        caps = _caps(s, platform, role)
        out[key] = Role(key, workload, _placed(server, platform, group, caps), caps)
    return out


def pair_of(phase: str) -> tuple[str, str | None]:
    """The role keys of a phase's victim and hog (None: no hog)."""
    return {"alone": ("victim", None), "beside_hog": ("victim", "hog"), "beside_hog_fair": ("victim_fair", "hog_fair"),
            "beside_memory_hog": ("victim_mem", "hog_mem")}[phase]
