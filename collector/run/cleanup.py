"""Remove what a killed run left behind: labelled containers and images (Docker and Podman), orphan gVisor
sandboxes, pid-filed processes and named VMs, unfinished versions."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from collector.dataset import MANIFEST_FILE, Location, uncommitted_versions
from collector.platforms import PlatformUnavailable
from collector.platforms.container import docker_client, remove_labelled
from collector.platforms.pidfiles import kill_leftovers, kill_named_vms
from collector.platforms.podman import remove_podman_labelled
from collector.platforms.runsc_cleanup import kill_runsc_leftovers
from collector.platforms.server_cgroup import remove_leftovers as remove_server_cgroups


UNFINISHED_AGE_S = 60.0
"""A version folder without manifest this old is a dead writer's, not one finishing now."""


def cleanup(datasets_root: str | Path | None, images: bool = True) -> tuple[list[str], list[str]]:
    """Return (what was removed, warnings). A store error (s3://) is raised as one-line DatasetError."""
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
    removed += remove_server_cgroups()  # after the containers: Docker's cgroups sit inside them
    if datasets_root is not None:
        removed += cleanup_datasets(str(datasets_root))
    return removed, warnings


def cleanup_datasets(root: str) -> list[str]:
    """Unfinished versions (no manifest) of dead writers below `root`: a local folder or s3://BUCKET/PREFIX."""
    if root.startswith("s3://"):
        from collector.dataset import s3, s3_commit  # boto3 only when a store is named

        return s3_commit.cleanup(s3.S3Location.of(root))
    datasets_root = Path(root)
    removed: list[str] = []
    if datasets_root.is_dir():
        for dataset_dir in sorted([datasets_root, *(p for p in datasets_root.rglob("*") if p.is_dir() and not p.is_symlink())]):
            for loc in uncommitted_versions(Location.of(dataset_dir)):
                if removable(Path(loc.path)):
                    shutil.rmtree(loc.path, ignore_errors=True)
                    removed.append(f"unfinished version {loc}")
    return removed


def removable(folder: Path) -> bool:
    """An unfinished version folder that is safe to delete: a real folder (not a symlink), old enough,
    and with no manifest anywhere inside it (a committed version is never removed, even one nested there)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if time.time() - folder.stat().st_mtime < UNFINISHED_AGE_S:
        return False
    return not (folder / MANIFEST_FILE).exists() and not any(folder.rglob(MANIFEST_FILE))
