"""A small ext4 disk image holding busybox: the base disk VMs clone in the consistency suite.

Built with `mkfs.ext4 -d` (no mount, no loop device) with a fixed UUID, hash
seed and clock, files with fixed mtimes and (through debugfs) fixed ctimes,
so the same inputs give the same bytes; cached under `<cache>/disk/` by
content hash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from collector.artifacts.cache import cached_bytes
from collector.artifacts.busybox import busybox_applets

FIXED_UUID = "00000000-0000-4000-8000-00000000c6c6"
FIXED_SEED = "00000000-0000-4000-8000-00000000c6c7"


class DiskBuildFailed(RuntimeError):
    """mkfs.ext4 is missing or failed; one line saying why."""


def busybox_disk(binary: Path, files: dict[str, bytes], size_mib: int = 32, name: str = "busybox") -> tuple[Path, str]:
    """An ext4 image with /bin/busybox, its applet links, empty /proc /dev /sys /tmp, and `files` (path → bytes)."""
    if not shutil.which("mkfs.ext4"):
        raise DiskBuildFailed("mkfs.ext4 not found; install it with: apt-get install e2fsprogs")
    with tempfile.TemporaryDirectory(prefix="vmcbench-disk-") as tmp:
        root = Path(tmp) / "root"
        for d in ("bin", "proc", "dev", "sys", "tmp"):
            (root / d).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(binary, root / "bin" / "busybox")
        os.chmod(root / "bin" / "busybox", 0o755)
        for applet in busybox_applets(binary):
            os.symlink("busybox", root / "bin" / applet)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for path in sorted(root.rglob("*"), reverse=True) + [root]:
            os.utime(path, (0, 0), follow_symlinks=False)
        image = Path(tmp) / "disk.img"
        with open(image, "wb") as f:
            f.truncate(size_mib << 20)
        done = subprocess.run(
            ["mkfs.ext4", "-q", "-F", "-L", "vmcbench", "-U", FIXED_UUID, "-m", "0",
             "-E", f"hash_seed={FIXED_SEED},root_owner=0:0", "-d", str(root), str(image)],
            capture_output=True, text=True, timeout=120, env={**os.environ, "E2FSPROGS_FAKE_TIME": "1"},
        )
        if done.returncode != 0:
            raise DiskBuildFailed(f"mkfs.ext4 -d failed: {(done.stderr or done.stdout).strip()[-300:]}")
        _fix_ctimes(image, root, Path(tmp) / "ctime.cmds")
        return cached_bytes("disk", name, ".img", image.read_bytes())


def _fix_ctimes(image: Path, root: Path, script: Path) -> None:
    """Set every inode's ctime to a fixed value: mkfs -d copies the source files' ctimes, which utime cannot set."""
    paths = sorted("/" + p.relative_to(root).as_posix() for p in root.rglob("*"))
    if any('"' in p for p in paths):
        raise DiskBuildFailed("a path holds a double quote, which debugfs cannot take")
    script.write_text("".join(f'sif "{p}" ctime @1\n' for p in paths))
    done = subprocess.run(["debugfs", "-w", "-f", str(script), str(image)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "E2FSPROGS_FAKE_TIME": "1"})
    if done.returncode != 0:
        raise DiskBuildFailed(f"debugfs could not fix timestamps: {(done.stderr or done.stdout).strip()[-300:]}")
