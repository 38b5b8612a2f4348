"""`collector doctor`'s rows for the platform variants (crun, gvisor, podman, microvm): usable or not, and why.

Each check does what the platform does, once (one container or one boot), so
"ok" means a real start worked here and anything else carries the engine's
own words. A missing package or a known host problem is said without trying.
"""

from __future__ import annotations

import shutil

from collector.context import RunContext
from collector.platforms import PLATFORMS, PlatformUnavailable, StartFailed
from collector.probes.host import cgroup_layout
from collector.workloads import Workload

OK, UNUSABLE, MISSING = "ok", "[yellow]unusable[/]", "[red]missing[/]"

NEEDS: dict[str, tuple[str, str]] = {"crun": ("crun", "crun"), "gvisor": ("runsc", "runsc"), "podman": ("podman", "podman")}
"""Per variant: the binary it needs and the Debian package holding it."""


def one_start(name: str, workload: Workload, accel: str = "auto") -> tuple[str, str]:
    """(status, detail) after preparing `name` and starting one instance."""
    try:
        plat = PLATFORMS[name](RunContext("doctor", accel=accel, timeout=60, kvm_probe_timeout=10))
    except PlatformUnavailable as exc:
        return UNUSABLE, str(exc)
    try:
        plat.prepare(workload)
        inst = plat.start(workload, 0)
        plat.stop(inst)
        ident = plat.identity()
        parts = [f"{ident['engine']} {ident['engine_version']}"]
        parts += [ident["runtime_version"]] if ident["runtime_version"] not in ("none", "unknown") else []
        parts += [f"machine {ident['machine']}, {plat.accelerator}"] if plat.accelerator != "none" else []
        return OK, f"{'; '.join(parts)}; ready in {inst.start_time:.2f} s"
    except (StartFailed, PlatformUnavailable, OSError) as exc:
        return UNUSABLE, str(exc).splitlines()[0][:300]
    finally:
        plat.close()


def crun_cgroup_problem(layout: str | None = None) -> str | None:
    """Why crun 1.8 would refuse this host's cgroups (a hybrid layout with controllers on cgroup2), or None."""
    layout = layout if layout is not None else cgroup_layout()
    if not layout.startswith("hybrid") or "no controllers" in layout:
        return None
    return (f"cgroups are {layout}: crun says \"cgroups in hybrid mode not supported, drop all controllers from "
            f"cgroupv2\"; scripts/setup.sh test mounts them as v1 hierarchies")


def variant_rows(workload: Workload, accel: str = "auto") -> list[tuple[str, str, str]]:
    """One row per platform variant beyond the deck's three, in the registry's order."""
    rows = []
    for name in ("crun", "podman", "gvisor", "microvm"):
        binary, package = NEEDS.get(name, ("qemu-system-x86_64", "qemu-system-x86"))
        if not shutil.which(binary):
            rows.append((name, MISSING, f"apt-get install {package}"))
        elif name == "crun" and (problem := crun_cgroup_problem()):
            rows.append((name, UNUSABLE, problem))
        else:
            rows.append((name, *one_start(name, workload, accel)))
    return rows
