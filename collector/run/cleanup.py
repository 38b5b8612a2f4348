"""Remove what a killed run left behind: labelled containers and images (Docker and Podman), orphan gVisor
sandboxes, pid-filed processes and named VMs, unfinished versions."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from collector.dataset import Location, uncommitted_versions
from collector.platforms import PlatformUnavailable
from collector.platforms.container import docker_client, remove_labelled
from collector.platforms.pidfiles import kill_leftovers, kill_named_vms
from collector.platforms.podman import remove_podman_labelled
from collector.platforms.runsc_cleanup import kill_runsc_leftovers


UNFINISHED_AGE_S = 60.0
"""A version folder without manifest this old is a dead writer's, not one finishing now."""


def cleanup(datasets_root: Path | None, images: bool = True) -> tuple[list[str], list[str]]:
    """Return (what was removed, warnings)."""
    removed = [f"process {p}" for p in kill_leftovers()]
    removed += [f"process {p}" for p in kill_named_vms()]
    warnings: list[str] = []
    try:
        removed += remove_labelled(images=images)
        removed += kill_runsc_leftovers(docker_client(timeout=10))
    except PlatformUnavailable as exc:
        warnings.append(f"containers not checked: {exc}")
    try:
        removed += remove_podman_labelled(images=images)
    except PlatformUnavailable as exc:
        if shutil.which("podman"):
            warnings.append(f"Podman containers not checked: {exc}")
    if datasets_root and datasets_root.is_dir():
        for dataset_dir in sorted([datasets_root, *(p for p in datasets_root.rglob("*") if p.is_dir())]):
            for loc in uncommitted_versions(Location.of(dataset_dir)):
                if time.time() - Path(loc.path).stat().st_mtime < UNFINISHED_AGE_S:
                    continue
                shutil.rmtree(loc.path, ignore_errors=True)
                removed.append(f"unfinished version {loc}")
    return removed, warnings
