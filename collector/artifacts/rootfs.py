"""Debian root filesystems made with debootstrap, and the images made from them.

A workload that needs more than a static binary (Tomcat needs a JVM) runs
from a Debian tree built once by debootstrap. The same tree is then:
run as a bare process under `chroot`, imported as a container image (a tar),
and written into an ext4 disk image for VMs (`mkfs.ext4 -d`). Everything is
cached under `<cache>/rootfs/` by a hash of the recipe (suite, variant,
package list, mirror), so a changed recipe never reuses a stale tree.
Package versions are not pinned by Debian's mirrors; the versions actually
installed are read back from the tree's dpkg status and reported as facts.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from collector.artifacts.cache import file_sha256
from collector.context import cache_dir

BUILDER_VERSION = 1
"""Bump when the build steps change, so old cached trees are not reused."""

DEFAULT_MIRROR = "http://deb.debian.org/debian"
SOURCES = Path("/etc/apt")
DEBOOTSTRAP_TIMEOUT_S = 1800
IMAGE_EXCLUDES = ("./dev/*", "./proc/*", "./sys/*", "./tmp/*", "./run/*")
"""Left out of the container tar: the engine provides /dev, /proc, /sys; /tmp and /run start empty."""


class RootfsError(RuntimeError):
    """The tree could not be built; one line saying what failed and how to fix it."""


def _sources_entries(root: Path = SOURCES) -> list[tuple[str, list[str]]]:
    """(URI, suites) of every `deb` source, deb822 (.sources) and one-line (.list) alike."""
    entries: list[tuple[str, list[str]]] = []
    files = [root / "sources.list", *sorted((root / "sources.list.d").glob("*.list")),
             *sorted((root / "sources.list.d").glob("*.sources"))]
    for path in files:
        try:
            text = path.read_text()
        except OSError:
            continue
        if path.suffix == ".sources":
            for stanza in text.split("\n\n"):
                keys: dict[str, str] = {}
                for line in stanza.splitlines():
                    if line.startswith("#") or ":" not in line or line[:1].isspace():
                        continue
                    key, _, value = line.partition(":")
                    keys[key.strip().lower()] = value.strip()
                if "deb" in keys.get("types", "").split() and keys.get("enabled", "yes").lower() != "no":
                    for uri in keys.get("uris", "").split():
                        entries.append((uri, keys.get("suites", "").split()))
        else:
            for line in text.splitlines():
                words = line.split("#", 1)[0].split()
                if len(words) >= 3 and words[0] == "deb":
                    rest = words[1:]
                    if rest[0].startswith("["):
                        while rest and not rest[0].endswith("]"):
                            rest = rest[1:]
                        rest = rest[1:]
                    if len(rest) >= 2:
                        entries.append((rest[0], [rest[1]]))
    return entries


def debian_mirror(suite: str = "bookworm", root: Path = SOURCES) -> str:
    """The Debian mirror apt on this host uses for `suite` (so debootstrap goes where apt already can)."""
    for uri, suites in _sources_entries(root):
        if suite in suites and "security" not in uri:
            return uri.rstrip("/")
    return DEFAULT_MIRROR


@dataclass(frozen=True)
class Recipe:
    """What debootstrap is asked for; its hash names the cached tree."""

    name: str
    suite: str = "bookworm"
    variant: str = "minbase"
    include: tuple[str, ...] = ()
    mirror: str = field(default_factory=debian_mirror)

    def digest(self) -> str:
        spec = {**asdict(self), "include": sorted(self.include), "builder": BUILDER_VERSION}
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()

    def argv(self, target: Path) -> list[str]:
        include = [f"--include={','.join(sorted(self.include))}"] if self.include else []
        return ["debootstrap", f"--variant={self.variant}", *include, self.suite, str(target), self.mirror]


@dataclass(frozen=True)
class Rootfs:
    """A built tree (`root`) in its cache folder, with the facts of how it was made."""

    folder: Path
    facts: dict[str, Any]

    @property
    def root(self) -> Path:
        return self.folder / "root"


def dpkg_versions(root: Path) -> dict[str, str]:
    """Installed package → version, read from the tree's dpkg status (no chroot needed)."""
    versions: dict[str, str] = {}
    status = root / "var/lib/dpkg/status"
    for stanza in status.read_text(errors="replace").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line[:1].isspace())
        if fields.get("Package") and "installed" in fields.get("Status", "").split():
            versions[fields["Package"]] = fields.get("Version", "")
    return versions


def tree_bytes(root: Path) -> int:
    """Apparent size of the regular files in a tree (hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            st = os.lstat(os.path.join(dirpath, f))
            if (st.st_dev, st.st_ino) not in seen and not os.path.islink(os.path.join(dirpath, f)):
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def _staging(folder: Path) -> Path:
    staging = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def _load(folder: Path) -> Rootfs | None:
    facts_file = folder / "facts.json"
    if (folder / "root").is_dir() and facts_file.is_file():
        return Rootfs(folder, json.loads(facts_file.read_text()))
    return None


def _commit(staging: Path, folder: Path, facts: dict[str, Any]) -> Rootfs:
    (staging / "facts.json").write_text(json.dumps(facts, sort_keys=True, indent=1) + "\n")
    try:
        staging.rename(folder)
    except OSError:  # another builder finished first: use theirs
        shutil.rmtree(staging, ignore_errors=True)
    loaded = _load(folder)
    assert loaded is not None
    return loaded


def ensure_rootfs(recipe: Recipe, report: tuple[str, ...] | None = None) -> Rootfs:
    """The cached tree for `recipe`, running debootstrap the first time (as root; ~1 minute).

    `report` names the packages whose versions go into the facts (default: the include list).
    """
    digest = recipe.digest()
    folder = cache_dir() / "rootfs" / f"{recipe.name}-{digest[:16]}"
    cached = _load(folder)
    if cached:
        return cached
    if not shutil.which("debootstrap"):
        raise RootfsError("debootstrap not found; install it with: apt-get install debootstrap")
    if os.geteuid() != 0:
        raise RootfsError("debootstrap needs root to build the Debian tree")
    staging = _staging(folder)
    argv = recipe.argv(staging / "root")
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=DEBOOTSTRAP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        raise RootfsError(f"`{' '.join(argv)}` took over {DEBOOTSTRAP_TIMEOUT_S} s") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        shutil.rmtree(staging, ignore_errors=True)
        raise RootfsError(f"`{' '.join(argv)}` failed: {' | '.join(tail)}")
    root = staging / "root"
    for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for p in (root / junk).glob("*"):
            if p.is_file():
                p.unlink()
    for p in (root / "tmp").glob("*"):  # left by package scripts (the JVM's hsperfdata)
        shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    versions = dpkg_versions(root)
    facts = {
        "rootfs_recipe": {**asdict(recipe), "include": sorted(recipe.include)},
        "rootfs_recipe_sha256": digest,
        "rootfs_argv": recipe.argv(Path("<target>")),
        "rootfs_packages": {p: versions.get(p, "missing") for p in (report or recipe.include)},
        "rootfs_package_count": len(versions),
        "rootfs_bytes": tree_bytes(root),
    }
    return _commit(staging, folder, facts)


def derive(base: Rootfs, name: str, files: dict[str, tuple[bytes, int]]) -> Rootfs:
    """A copy of `base` with `files` (path → (content, mode)) added; cached by base and content."""
    spec = json.dumps({"base": base.facts.get("rootfs_recipe_sha256"), "builder": BUILDER_VERSION,
                       "files": {p: [hashlib.sha256(d).hexdigest(), m] for p, (d, m) in sorted(files.items())}},
                      sort_keys=True)
    digest = hashlib.sha256(spec.encode()).hexdigest()
    folder = cache_dir() / "rootfs" / f"{name}-{digest[:16]}"
    cached = _load(folder)
    if cached:
        return cached
    staging = _staging(folder)
    subprocess.run(["cp", "-a", "--reflink=auto", str(base.root), str(staging / "root")], check=True, timeout=600)
    for rel, (data, mode) in files.items():
        target = staging / "root" / rel.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(mode)
    facts = {**base.facts, "rootfs_derived_sha256": digest, "rootfs_added_files": sorted(files)}
    return _commit(staging, folder, facts)


def _cached_file(path: Path, build) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    """Build `path` once (via a temporary name), and keep its sha256 beside it."""
    sums = path.with_name(path.name + ".sha256")
    if path.is_file() and sums.is_file():
        return path, sums.read_text().strip()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    build(tmp)
    digest = file_sha256(tmp)
    tmp.rename(path)
    sums.write_text(digest + "\n")
    return path, digest


def tar_archive(rootfs: Rootfs) -> tuple[Path, str]:
    """The tree as one tar (numeric owners, sorted names) for `docker import`; cached."""

    def build(tmp: Path) -> None:
        excludes = [f"--exclude={pattern}" for pattern in IMAGE_EXCLUDES]
        subprocess.run(["tar", "--numeric-owner", "--sort=name", "--xattrs", *excludes, "-C", str(rootfs.root),
                        "-cf", str(tmp), "."], check=True, capture_output=True, timeout=600)

    return _cached_file(rootfs.folder / "rootfs.tar", build)


def ext4_image(rootfs: Rootfs, slack_mib: int = 64) -> tuple[Path, str]:
    """A raw ext4 disk image holding the tree (`mkfs.ext4 -d`, no mount, no loop device); cached."""

    def build(tmp: Path) -> None:
        if not shutil.which("mkfs.ext4"):
            raise RootfsError("mkfs.ext4 not found; install it with: apt-get install e2fsprogs")
        used = int(subprocess.run(["du", "-sxk", str(rootfs.root)], capture_output=True, text=True, check=True).stdout.split()[0])
        size_mib = int(used * 1.15 / 1024) + slack_mib
        done = subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "vmcbench-root", "-m", "0", "-d", str(rootfs.root),
                               str(tmp), f"{size_mib}M"], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RootfsError(f"mkfs.ext4 -d failed: {(done.stderr or done.stdout).strip()[-300:]}")

    return _cached_file(rootfs.folder / "disk.ext4", build)
