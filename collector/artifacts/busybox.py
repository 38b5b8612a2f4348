"""The busybox artifacts: the host's static binary, a FROM-scratch image of it, and an initramfs booting it.

The default workload and the suites' small workloads (victim, hog, drift work) all run from these, so
the same bytes run on every platform."""

from __future__ import annotations

import hashlib
import io
import json
import shlex
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from collector.artifacts import initramfs
from collector.artifacts.cache import cached_bytes
from collector.context import LABEL_MANAGED

IMAGE_REPO = "vmcbench/workload"
INIT_MARKER = "VMCBENCH-PHASE init_started"


def busybox_binary() -> Path:
    """Locate a static busybox (Debian's busybox-static installs /bin/busybox)."""
    for candidate in ("/bin/busybox", shutil.which("busybox") or ""):
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    raise FileNotFoundError("no busybox binary; install it with: apt-get install busybox-static")


def busybox_applets(binary: Path) -> list[str]:
    """Applet names the binary provides (`true`, `sh`, ...), so the image answers `docker run IMAGE true`."""
    out = subprocess.run([str(binary), "--list"], capture_output=True, text=True, timeout=10)
    return sorted({a for a in out.stdout.split() if a and "/" not in a and a != "busybox"})


def scratch_context(binary: Path, argv: list[str], labels: dict[str, str]) -> tuple[bytes, str]:
    """A build context (tar) for `FROM scratch` + the binary and its applet links, and its digest.

    Deterministic: fixed mtimes and owners, so the same binary gives the same tag.
    """
    label_lines = "".join(f'LABEL "{k}"="{v}"\n' for k, v in sorted(labels.items()))
    dockerfile = f"FROM scratch\nCOPY rootfs/ /\n{label_lines}CMD {json.dumps(argv)}\n"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:

        def add(name: str, data: bytes = b"", mode: int = 0o644, kind: bytes = tarfile.REGTYPE, link: str = "") -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime, info.type, info.linkname = len(data), mode, 0, kind, link
            tar.addfile(info, io.BytesIO(data) if data else None)

        add("Dockerfile", dockerfile.encode())
        add("rootfs/bin", mode=0o755, kind=tarfile.DIRTYPE)
        add("rootfs/bin/busybox", binary.read_bytes(), 0o755)
        for applet in busybox_applets(binary):
            add(f"rootfs/bin/{applet}", mode=0o777, kind=tarfile.SYMTYPE, link="busybox")
    return buf.getvalue(), hashlib.sha256(buf.getvalue()).hexdigest()


def build_scratch_image(client: Any, binary: Path, argv: list[str], name: str) -> tuple[str, dict[str, Any]]:
    """Build (once) a FROM-scratch image of `binary`; returns its tag and facts."""
    from docker.errors import ImageNotFound

    context, recipe = scratch_context(binary, argv, {LABEL_MANAGED: "1"})
    tag = f"{IMAGE_REPO}:{name}-{recipe[:12]}"
    try:
        image = client.images.get(tag)
    except ImageNotFound:
        image, _ = client.images.build(
            fileobj=io.BytesIO(context), custom_context=True, tag=tag, rm=True, forcerm=True,
            network_mode="none", labels={LABEL_MANAGED: "1", "vmcbench.recipe": recipe},
        )
    return tag, {"image": tag, "image_id": image.id, "recipe_sha256": recipe}


def init_script(argv: list[str], extra: str = "") -> bytes:
    """PID 1 of the guest: say init started, mount the basics, exec the workload."""
    return (
        "#!/bin/busybox sh\n"
        f"/bin/busybox echo {INIT_MARKER}\n"
        "/bin/busybox mount -t proc proc /proc\n"
        "/bin/busybox mount -t sysfs sys /sys\n"
        "/bin/busybox mount -t devtmpfs dev /dev\n"
        f"{extra}"
        f"exec {shlex.join(argv)}\n"
    ).encode()


def busybox_initramfs(binary: Path, init: bytes, name: str, extra: list[initramfs.Entry] | None = None) -> tuple[Path, str]:
    """An initramfs with busybox as /bin/busybox and `init` as /init, cached by content hash."""
    entries = [
        initramfs.directory("bin"),
        initramfs.directory("dev"),
        initramfs.chardev("dev/console", 5, 1),
        initramfs.directory("proc"),
        initramfs.directory("sys"),
        initramfs.file("bin/busybox", binary.read_bytes()),
        initramfs.file("init", init),
        *(extra or []),
    ]
    return cached_bytes("initramfs", name, ".cpio", initramfs.newc_archive(entries))


