"""The VM's kernel: Debian's cloud kernel package, fetched with apt and cached.

`VMCBENCH_KERNEL=/path/to/vmlinuz` overrides it (modules are then absent).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from collector.context import cache_dir
from collector.platforms.base import PlatformUnavailable
from collector.artifacts.cache import file_sha256

METAPACKAGE = "linux-image-cloud-amd64"


@dataclass(frozen=True)
class Kernel:
    """A kernel image, its modules folder (if any) and where it came from."""

    vmlinuz: Path
    modules: Path | None
    package: str
    version: str
    sha256: str

    def facts(self) -> dict[str, str]:
        return {"kernel_package": self.package, "kernel_version": self.version, "kernel_sha256": self.sha256}


def _apt(*args: str, cwd: str | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise PlatformUnavailable(f"`{' '.join(args)}` failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return done.stdout


def _resolve_package() -> tuple[str, str]:
    """The versioned package behind the metapackage, and its candidate version."""
    depends = _apt("apt-cache", "depends", METAPACKAGE)
    names = [line.split(":", 1)[1].strip() for line in depends.splitlines() if line.strip().startswith("Depends: linux-image-")]
    if not names:
        raise PlatformUnavailable(f"apt knows no {METAPACKAGE}; run `apt-get update` (Debian only) or set VMCBENCH_KERNEL")
    show = _apt("apt-cache", "show", "--no-all-versions", names[0])
    version = next((line.split(":", 1)[1].strip() for line in show.splitlines() if line.startswith("Version:")), "unknown")
    return names[0], version


def _cached() -> list[Path]:
    root = cache_dir() / "kernel"
    return sorted(p for p in root.glob("*") if (p / "vmlinuz").is_file() and (p / "vmlinuz.sha256").is_file())


def _load(folder: Path) -> Kernel:
    package, _, version = folder.name.partition("_")
    digest = (folder / "vmlinuz.sha256").read_text().strip()
    if file_sha256(folder / "vmlinuz") != digest:
        raise PlatformUnavailable(f"{folder / 'vmlinuz'}: checksum mismatch; delete {folder} to fetch it again")
    modules = folder / "modules"
    return Kernel(folder / "vmlinuz", modules if modules.is_dir() else None, package, version, digest)


def ensure_kernel() -> Kernel:
    """Return the cached Debian cloud kernel, fetching it with apt the first time."""
    override = os.environ.get("VMCBENCH_KERNEL")
    if override:
        path = Path(override)
        if not path.is_file():
            raise PlatformUnavailable(f"VMCBENCH_KERNEL={override}: no such file")
        return Kernel(path, None, "custom", "custom", file_sha256(path))
    try:
        package, version = _resolve_package()
    except (PlatformUnavailable, FileNotFoundError) as exc:
        cached = _cached()
        if cached:
            return _load(cached[-1])
        raise PlatformUnavailable(f"no VM kernel: {exc}") from None
    folder = cache_dir() / "kernel" / f"{package}_{version}"
    if (folder / "vmlinuz.sha256").is_file():
        return _load(folder)
    with tempfile.TemporaryDirectory(prefix="vmcbench-kernel-") as tmp:
        os.chmod(tmp, 0o755)
        _apt("apt-get", "download", f"{package}={version}", cwd=tmp)
        deb = next(Path(tmp).glob("*.deb"))
        root = Path(tmp) / "root"
        _apt("dpkg-deb", "-x", str(deb), str(root))
        vmlinuz = next((root / "boot").glob("vmlinuz-*"))
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        shutil.copy2(vmlinuz, staging / "vmlinuz")
        module_dirs = list((root / "lib" / "modules").glob("*"))
        if module_dirs:
            shutil.move(str(module_dirs[0]), staging / "modules")
        (staging / "vmlinuz.sha256").write_text(file_sha256(staging / "vmlinuz") + "\n")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return _load(folder)
