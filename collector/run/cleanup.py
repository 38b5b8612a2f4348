"""Remove what a killed run left behind: labelled containers and images, pid-filed processes, unfinished versions."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from collector.dataset import Location, uncommitted_versions
from collector.platforms import PlatformUnavailable
from collector.platforms.container import remove_labelled
from collector.platforms.pidfiles import kill_leftovers, kill_named_vms
from collector.platforms.server_cgroup import remove_leftovers as remove_server_cgroups


UNFINISHED_AGE_S = 60.0
"""A version folder without manifest this old is a dead writer's, not one finishing now."""


def cleanup(datasets_root: Path | None, images: bool = True) -> tuple[list[str], list[str]]:
    """Return (what was removed, warnings)."""
    removed = [f"process {p}" for p in kill_leftovers()]
    removed += [f"process {p}" for p in kill_named_vms()]
    warnings: list[str] = []
    try:
        removed += remove_labelled(images=images)
    except PlatformUnavailable as exc:
        warnings.append(f"containers not checked: {exc}")
    removed += remove_server_cgroups()  # after the containers: Docker's cgroups sit inside them
    if datasets_root and datasets_root.is_dir():
        for dataset_dir in sorted([datasets_root, *(p for p in datasets_root.rglob("*") if p.is_dir())]):
            for loc in uncommitted_versions(Location.of(dataset_dir)):
                if time.time() - Path(loc.path).stat().st_mtime < UNFINISHED_AGE_S:
                    continue
                shutil.rmtree(loc.path, ignore_errors=True)
                removed.append(f"unfinished version {loc}")
    return removed, warnings
