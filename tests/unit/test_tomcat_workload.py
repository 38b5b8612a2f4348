"""The Tomcat workload's recipe pieces and the density suite's arithmetic, without engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.artifacts import rootfs
from collector.suites.density import host_fit
from collector.workloads import WORKLOADS
from collector.artifacts.virtio_modules import virtio_blk_initramfs
from collector.workloads.tomcat import LAUNCHER, process_argv, server_xml, vm_init_extra

VIRTIO = ("virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "virtio_blk")

DEBIAN_XML = """<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000" redirectPort="8443" />
  </Service>
</Server>
"""


def test_registered() -> None:
    assert "tomcat" in WORKLOADS and "busybox" in WORKLOADS


def test_server_xml_listens_on_loopback_any_port() -> None:
    xml = server_xml(DEBIAN_XML)
    assert 'Connector port="0" address="127.0.0.1"' in xml and "8080" not in xml


def test_server_xml_refuses_an_unknown_shape() -> None:
    with pytest.raises(ValueError, match="changed shape"):
        server_xml(DEBIAN_XML.replace("8080", "9090"))


def test_vm_init_loads_virtio_in_order_then_mounts_the_disk_read_only(tmp_path: Path) -> None:
    for name in VIRTIO:
        folder = tmp_path / "kernel" / ("drivers/block" if name == "virtio_blk" else "drivers/virtio")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.ko").write_bytes(b"\x7fELF")
    entries, load = virtio_blk_initramfs(tmp_path)
    script = vm_init_extra(load)
    positions = [script.index(f"/lib/modules/{m}.ko") for m in VIRTIO]
    assert positions == sorted(positions)
    assert script.index("virtio_blk.ko") < script.index("-b /dev/vda") < script.index("-o ro /dev/vda /newroot")
    assert "tmpfs /newroot/tmp" in script and "mount -o move /dev /newroot/dev" in script
    assert len([e for e in entries if e.path.endswith(".ko")]) == len(VIRTIO)


def test_process_form_is_chroot_with_only_a_mount_namespace() -> None:
    argv = process_argv(Path("/cache/tree/root"))
    assert argv[:2] == ["/usr/bin/unshare", "--mount"]
    assert not any(flag in argv for flag in ("--pid", "--net", "--ipc", "--uts", "--user", "--cgroup"))
    assert argv[-1].endswith(f"exec /usr/sbin/chroot /cache/tree/root {LAUNCHER}")


def test_mirror_from_deb822_and_one_line_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\n# comment\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\n"
        "Components: main\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n"
    )
    assert rootfs.debian_mirror("bookworm", tmp_path) == "http://mirror.example/debian"
    (tmp_path / "sources.list").write_text("deb [arch=amd64] http://other.example/debian bookworm main\n")
    assert rootfs.debian_mirror("bookworm", tmp_path) == "http://other.example/debian"
    assert rootfs.debian_mirror("trixie", tmp_path) == rootfs.DEFAULT_MIRROR


def test_recipe_digest_pins_every_input() -> None:
    a = rootfs.Recipe("t", include=("b", "a"), mirror="http://m/debian")
    assert a.digest() == rootfs.Recipe("t", include=("a", "b"), mirror="http://m/debian").digest()
    for other in (rootfs.Recipe("t", include=("a",), mirror="http://m/debian"),
                  rootfs.Recipe("t", include=("a", "b"), mirror="http://n/debian"),
                  rootfs.Recipe("t", suite="trixie", include=("a", "b"), mirror="http://m/debian"),
                  rootfs.Recipe("t", variant="buildd", include=("a", "b"), mirror="http://m/debian")):
        assert other.digest() != a.digest()
    assert a.argv(Path("/x")) == ["debootstrap", "--variant=minbase", "--include=a,b", "bookworm", "/x", "http://m/debian"]


def test_dpkg_versions_reads_installed_packages(tmp_path: Path) -> None:
    status = tmp_path / "var/lib/dpkg/status"
    status.parent.mkdir(parents=True)
    status.write_text("Package: tomcat10\nStatus: install ok installed\nVersion: 10.1.1-1\n\n"
                      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n")
    assert rootfs.dpkg_versions(tmp_path) == {"tomcat10": "10.1.1-1"}


def test_host_fit_is_host_less_reserve_over_mean() -> None:
    gib = 1 << 30
    assert host_fit([gib, gib], reserve=2 * gib, host_memory=24 * gib) == 22
    assert host_fit([gib // 2, 3 * gib // 2], reserve=0, host_memory=10 * gib) == 10
    assert host_fit([], reserve=0, host_memory=gib) == 0
