"""Tomcat 10 on OpenJDK 17 from Debian's packages: the deck's density example, for real.

One Debian tree (debootstrap, see collector/artifacts/rootfs.py) is used on every
platform: run as a bare process under `chroot`, imported as a container
image, and written to an ext4 disk the VM boots into. The same launcher
(`/vmcbench/start.sh`) starts Tomcat in the foreground on all three, with the
same JVM options and a private writable CATALINA_BASE under /tmp (a tmpfs
everywhere, so the root filesystem can stay read-only). Ready = Tomcat's own
"Server startup in" log line.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from collector.artifacts import initramfs
from collector.context import LABEL_MANAGED
from collector.artifacts.rootfs import Recipe, Rootfs, derive, ensure_rootfs, ext4_image, tar_archive
from collector.artifacts.virtio_modules import virtio_blk_initramfs
from collector.workloads.base import ContainerSpec, ProcessSpec, VmSpec, Workload
from collector.artifacts.busybox import IMAGE_REPO, busybox_binary, busybox_initramfs, init_script

PACKAGES = ("openjdk-17-jre-headless", "tomcat10")
REPORTED_PACKAGES = ("tomcat10", "libtomcat10-java", "openjdk-17-jre-headless")
JAVA_OPTS = "-Djava.awt.headless=true -Xms64m -Xmx256m -XX:+UseSerialGC"
"""Pinned so the JVM sizes itself the same everywhere: by default it would pick its heap
and collector from the memory and CPUs it sees (24 GiB and G1 on the host and in an
unlimited container, 768 MiB and Serial in the VM), which would make footprints differ
for reasons that have nothing to do with the platform."""
READY_LINE = "Server startup in"
VM_MEMORY_MIB = 768
LAUNCHER = "/vmcbench/start.sh"
SERVER_XML = "/vmcbench/server.xml"

START_SH = f"""#!/bin/sh
# vmcbench: Tomcat in the foreground, with a private writable CATALINA_BASE under /tmp.
set -e
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
base=$(mktemp -d /tmp/tomcat.XXXXXX)
mkdir "$base/conf" "$base/logs" "$base/work" "$base/temp" "$base/conf/Catalina"
for f in /etc/tomcat10/*; do
  case "${{f##*/}}" in server.xml|Catalina) ;; *) ln -s "$f" "$base/conf/" ;; esac
done
ln -s {SERVER_XML} "$base/conf/server.xml"
ln -s /var/lib/tomcat10/webapps "$base/webapps"
ln -s /var/lib/tomcat10/lib "$base/lib"
export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
export CATALINA_HOME=/usr/share/tomcat10 CATALINA_BASE="$base" CATALINA_TMPDIR="$base/temp"
export JAVA_OPTS="{JAVA_OPTS}"
exec /usr/share/tomcat10/bin/catalina.sh run
"""

HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"


def server_xml(debian_xml: str) -> str:
    """Debian's server.xml with its HTTP connector on loopback and a free port (port 0).

    Port 0 lets many bare-process instances share the host's network namespace
    without clashing; the shutdown port is already off (-1) in Debian's file.
    """
    needle = 'Connector port="8080"'
    if debian_xml.count(needle) != 1 or 'Server port="-1"' not in debian_xml:
        raise ValueError("Debian's server.xml changed shape; update collector/workloads/tomcat.py")
    return debian_xml.replace(needle, 'Connector port="0" address="127.0.0.1"')


def vm_init_extra(load_disk_driver: str) -> str:
    """Initramfs steps between the basic mounts and switch_root: disk driver, read-only root disk, writable /tmp.

    If /dev/vda never appears, the mount fails and init exits: the kernel
    panics and QEMU quits (-no-reboot), so the start fails at once.
    """
    return load_disk_driver + "".join([
        "/bin/busybox mount -t ext4 -o ro /dev/vda /newroot || exit 1\n",
        "/bin/busybox mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp\n",
        "/bin/busybox ip link set lo up\n",
        "/bin/busybox mount -o move /proc /newroot/proc\n",
        "/bin/busybox mount -o move /sys /newroot/sys\n",
        "/bin/busybox mount -o move /dev /newroot/dev\n",
    ])


def process_argv(root: Path) -> list[str]:
    """chroot into the tree, in a private mount namespace that only adds /proc, /sys and a /tmp tmpfs.

    The JVM cannot run without /proc (the loader resolves java's $ORIGIN through
    /proc/self/exe). Mounting it on the host would leave mounts behind a killed
    run; in a mount namespace they vanish with the process. Nothing else is
    namespaced and no cgroup is made: PID, network, memory and CPU are the host's.
    """
    r = str(root)
    script = (
        f"mount -t proc proc {r}/proc && mount --rbind /sys {r}/sys && "
        f"mount -t tmpfs -o mode=1777 tmpfs {r}/tmp && exec /usr/sbin/chroot {r} {LAUNCHER}"
    )
    return ["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script]


class Tomcat(Workload):
    """Debian's Tomcat 10 with its default ROOT webapp, started in the foreground."""

    name = "tomcat"
    ready_marker = READY_LINE

    def __init__(self, recipe: Recipe | None = None) -> None:
        self.recipe = recipe or Recipe("tomcat-base", include=PACKAGES)

    @cached_property
    def tree(self) -> Rootfs:
        """The Debian tree plus the launcher, built once and cached."""
        base = ensure_rootfs(self.recipe, REPORTED_PACKAGES)
        xml = server_xml((base.root / "etc/tomcat10/server.xml").read_text())
        return derive(base, "tomcat", {
            LAUNCHER: (START_SH.encode(), 0o755),
            SERVER_XML: (xml.encode(), 0o644),
            "/etc/hosts": (HOSTS.encode(), 0o644),
        })

    def process(self) -> ProcessSpec:
        return ProcessSpec(process_argv(self.tree.root))

    def container(self, client: Any, labels: dict[str, str]) -> ContainerSpec:
        from docker.errors import ImageNotFound

        tree = self.tree
        digest = tree.facts["rootfs_derived_sha256"]
        tag = f"{IMAGE_REPO}:tomcat-{digest[:12]}"
        try:
            image = client.images.get(tag)
        except ImageNotFound:
            tar, _ = tar_archive(tree)
            repo, _, name = tag.partition(":")
            changes = [f"LABEL {LABEL_MANAGED}=1", f"LABEL vmcbench.recipe={digest}", f'CMD ["{LAUNCHER}"]']
            client.api.import_image_from_file(str(tar), repository=repo, tag=name, changes=changes)
            image = client.images.get(tag)
        kwargs = {
            "command": [LAUNCHER],
            "read_only": True,
            "tmpfs": {"/tmp": "rw,nosuid,mode=1777"},
        }
        facts = {"image": tag, "image_id": image.id, "image_bytes": image.attrs.get("Size"),
                 "image_source": "docker import of the rootfs tar", "read_only_root": True, "tmpfs": ["/tmp"]}
        return ContainerSpec(tag, facts, kwargs)

    def vm(self, kernel: Any) -> VmSpec:
        disk, disk_sha = ext4_image(self.tree)
        driver_entries, load_driver = virtio_blk_initramfs(kernel.modules)
        extra = [initramfs.directory("newroot"), *driver_entries]
        init = init_script(["/bin/busybox", "switch_root", "/newroot", LAUNCHER], vm_init_extra(load_driver))
        path, digest = busybox_initramfs(busybox_binary(), init, f"tomcat-{kernel.version}", extra)
        modules = [e.path.rsplit("/", 1)[-1].removesuffix(".ko") for e in driver_entries if e.path.endswith(".ko")]
        return VmSpec(path, {
            "initramfs_sha256": digest, "initramfs_bytes": path.stat().st_size, "disk_sha256": disk_sha,
            "disk_bytes": disk.stat().st_size, "disk_format": "raw ext4 (mkfs.ext4 -d), mounted read-only",
            "virtio_modules": modules,
        }, disks=(disk,), memory_mib=VM_MEMORY_MIB)

    def facts(self) -> dict[str, Any]:
        tree = self.tree
        keep = ("rootfs_recipe", "rootfs_recipe_sha256", "rootfs_packages", "rootfs_package_count", "rootfs_bytes",
                "rootfs_derived_sha256")
        return {**{k: tree.facts[k] for k in keep if k in tree.facts}, "java_opts": JAVA_OPTS,
                "ready_line": READY_LINE, "launcher": LAUNCHER, "http_connector": "127.0.0.1, port 0 (any free port)"}
