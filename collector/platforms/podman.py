"""Rootful Podman (Debian `podman`) through its Docker-compatible API socket (`podman system service`).

The docker SDK talks to it unchanged, so ContainerPlatform's start/stop are
reused. The image is the one Docker built, `docker save`d and loaded here:
Podman keeps the same image id (config digest), so every container
platform runs one digest; `prepare` refuses if they differ. Podman's
default ulimits (nofile 1048576) exceed this host's hard limits and every
start fails with EPERM, so containers get explicit ones.
"""

from __future__ import annotations

import dataclasses
import io
import os
from typing import Any

from collector.context import RunContext
from collector.platforms.base import PlatformUnavailable
from collector.platforms.container import ContainerPlatform, docker_client, remove_labelled_with, runtime_version
from collector.workloads import Workload

PODMAN_SOCKET_ENV = "VMCBENCH_PODMAN_HOST"
DEFAULT_SOCKET = "unix:///run/vmcbench-podman.sock"
PODMAN_ULIMITS = (("nofile", 1024), ("nproc", 1024))


def podman_socket() -> str:
    return os.environ.get(PODMAN_SOCKET_ENV, DEFAULT_SOCKET)


def podman_client(timeout: int = 30):  # type: ignore[no-untyped-def]
    """A docker SDK client for the Podman API socket, or PlatformUnavailable saying how to start it."""
    import docker
    from docker.errors import DockerException

    where = podman_socket()
    try:
        client = docker.DockerClient(base_url=where, timeout=timeout)
        client.ping()
    except DockerException as exc:
        raise PlatformUnavailable(
            f"no Podman API answers at {where} ({str(exc).split(':')[0] or type(exc).__name__}); start it with "
            f"`scripts/setup.sh test` (podman system service --time=0 {where})") from None
    components = " ".join(c.get("Name", "") for c in client.version().get("Components", []))
    if "Podman" not in components:
        client.close()
        raise PlatformUnavailable(f"{where} answers but is not Podman (set {PODMAN_SOCKET_ENV})")
    return client


class PodmanPlatform(ContainerPlatform):
    name = "podman"

    def __init__(self, ctx: RunContext) -> None:  # no super().__init__: the client is Podman's, not DOCKER_HOST's
        self.ctx = ctx
        self.client = podman_client()
        self.image_ref: str | None = None
        self.runtime = str(self.client.info().get("DefaultRuntime") or "crun")

    def versions(self) -> tuple[str, str]:
        path = ((self.client.info().get("Runtimes") or {}).get(self.runtime) or {}).get("path") or self.runtime
        return self.engine_version(), runtime_version(path)

    def prepare(self, workload: Workload) -> dict[str, Any]:
        """Build the image on Docker (as `container` does), save it, load it here: the same image id or refuse."""
        from docker.errors import ImageNotFound
        from docker.types import Ulimit

        docker = docker_client()
        try:
            spec = workload.container(docker, self.ctx.labels)
            image = docker.images.get(spec.image)
            try:
                have = self.client.images.get(spec.image).id
            except ImageNotFound:
                have = None
            if have != image.id:
                self.client.images.load(io.BytesIO(b"".join(image.save(named=True))).getvalue())
            built_by = f"docker {docker.version().get('Version', 'unknown')}"
        finally:
            docker.close()
        loaded = self.client.images.get(spec.image).id
        if loaded != image.id:
            raise PlatformUnavailable(f"Podman loaded image {loaded}, Docker has {image.id}: not the same image")
        ulimits = [Ulimit(name=n, soft=v, hard=v) for n, v in PODMAN_ULIMITS]
        self.spec = dataclasses.replace(spec, create_kwargs={**spec.create_kwargs, "ulimits": ulimits})
        self.image_ref = spec.image
        return {**spec.facts, **workload.facts(), "engine_version": self.engine_version(), "image_built_by": built_by,
                "oci_runtime": self.runtime, "oci_runtime_version": self.versions()[1],
                "ulimits": ",".join(f"{n}={v}:{v}" for n, v in PODMAN_ULIMITS), "podman_socket": podman_socket()}


def remove_podman_labelled(run_id: str | None = None, images: bool = True) -> list[str]:
    """`remove_labelled` against the Podman socket (PlatformUnavailable if it does not answer).

    A running container is killed first: Podman's forced remove waits out the stop timeout (10 s)."""
    return remove_labelled_with(podman_client(timeout=60), run_id, images, engine="podman ", kill_running=True)
