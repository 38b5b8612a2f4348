"""Containers through the Docker Engine API (any Docker-compatible socket, so Podman too).

The image is built locally FROM scratch holding the workload's static binary:
no registry. Containers get `network_mode="none"` and carry the run's labels.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from collector.context import LABEL_MANAGED
from collector.platforms.linewatch import LineWatch
from collector.workloads import Workload
from collector.platforms.base import Instance, Platform, PlatformUnavailable, StartFailed

START_DOCKER_HINT = "start one with `dockerd --bridge=none --iptables=false &` (or set DOCKER_HOST to a Docker-compatible socket)"


def docker_client(timeout: int = 30):  # type: ignore[no-untyped-def]
    """A client for DOCKER_HOST (default socket), or PlatformUnavailable in one line."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise PlatformUnavailable(f"the docker Python package is missing ({exc}); pip install docker") from None
    where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except DockerException as exc:
        reason = str(exc).split(":")[0] if str(exc) else type(exc).__name__
        raise PlatformUnavailable(f"no Docker Engine answers at {where} ({reason}); {START_DOCKER_HINT}") from None


def exit_state(container: Any) -> str:
    """The engine's word on why a container ended: exit code, OOM kill, error (for a start that failed)."""
    try:
        container.reload()
        state = container.attrs.get("State") or {}
    except Exception as exc:  # the engine may have removed it already
        return f"state unknown: {type(exc).__name__}"
    parts = [f"exit code {state.get('ExitCode')}"]
    if state.get("OOMKilled"):
        parts.append("killed by the OOM killer")
    if state.get("Error"):
        parts.append(str(state["Error"])[:200])
    return ", ".join(parts)


class ContainerPlatform(Platform):
    name = "container"
    phases = ("created", "started", "ready")

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.client = docker_client()
        self.image_ref: str | None = None

    def engine_version(self) -> str:
        return str(self.client.version().get("Version", "unknown"))

    runtime = "runc"
    """The OCI runtime every container of this platform is created with (a name the engine knows)."""

    def versions(self) -> tuple[str, str]:
        path = ((self.client.info().get("Runtimes") or {}).get(self.runtime) or {}).get("path") or self.runtime
        return self.engine_version(), runtime_version(path)

    def prepare(self, workload: Workload) -> dict[str, Any]:
        self.spec = workload.container(self.client, self.ctx.labels)
        self.image_ref = self.spec.image
        return {**self.spec.facts, **workload.facts(), "engine_version": self.engine_version()}

    def start(self, workload: Workload, index: int) -> Instance:
        assert self.image_ref, "prepare() first"
        t0 = time.monotonic()
        container = self.client.containers.create(
            self.image_ref,
            **{**self.spec.create_kwargs, **self.ctx.container_limits},
            network_mode="none",
            labels=self.ctx.labels,
            name=f"vmcbench-{self.ctx.run_id}-{index}-{time.monotonic_ns() % 10**9}",
        )
        inst = Instance(self.name, index, {"container": container}, t0)
        inst.mark("created")
        try:
            stream = container.attach(stdout=True, stderr=True, stream=True, logs=True)
            watch = LineWatch(stream)
            inst.handle["watch"] = watch  # later output (e.g. a victim's timings) stays readable
            container.start()
            inst.mark("started")
            ready = watch.wait_for(workload.ready_marker, t0 + self.ctx.timeout)
        except Exception as exc:
            self.stop(inst)
            raise StartFailed(f"container failed: {str(exc).splitlines()[0]}", inst.phases) from None
        if ready is None:
            why = (f"container exited before ready ({exit_state(container)})" if watch.closed
                   else f"container not ready within {self.ctx.timeout:g} s")
            self.stop(inst)
            raise StartFailed(f"{why}: {watch.tail() or 'no output'}", inst.phases)
        inst.mark("ready", ready)
        return inst

    def stop(self, instance: Instance, attempts: int = 5) -> None:
        """Remove the container by force; if the engine gives up waiting for the exit (a container thrashing
        in its memory limit can make `docker kill` time out), SIGKILL its init from the host and try again."""
        from docker.errors import APIError, NotFound

        container = instance.handle["container"]
        for attempt in range(attempts):
            try:
                container.remove(force=True)
                return
            except NotFound:
                return
            except APIError as exc:
                if "already in progress" in str(exc):
                    return
                if attempt == attempts - 1:
                    raise
                _kill_init(container)
                time.sleep(1 + attempt)

    def close(self) -> None:
        self.client.close()


def runtime_version(path: str) -> str:
    """First line of `<runtime> --version` (runc, crun, runsc all answer it), or why not."""
    import shutil
    import subprocess

    binary = shutil.which(path) or path
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "not installed"
    return out.splitlines()[0].strip() if out.strip() else "unknown"
def _kill_init(container: Any) -> None:
    """SIGKILL a container's init by its host pid: the kernel then ends its whole pid namespace."""
    try:
        container.reload()
        pid = int(container.attrs.get("State", {}).get("Pid") or 0)
        if pid > 0:
            os.kill(pid, signal.SIGKILL)
    except Exception:  # the container may be gone already; the next remove() tells
        pass


def remove_labelled(run_id: str | None = None, images: bool = True) -> list[str]:
    """Remove containers (and, with `images`, images) carrying our label; for cleanup."""
    return remove_labelled_with(docker_client(), run_id, images)


def remove_labelled_with(client: Any, run_id: str | None, images: bool, *, engine: str = "",
                         kill_running: bool = False) -> list[str]:
    """Remove what carries our label through any Docker-compatible `client` (closed afterwards); `engine`
    prefixes each line of the result, `kill_running` kills a running container before its forced remove."""
    from docker.errors import APIError

    removed = []
    try:
        flt = {"label": [f"{LABEL_MANAGED}=1"] + ([f"vmcbench.run={run_id}"] if run_id else [])}
        for c in client.containers.list(all=True, filters=flt):
            if kill_running and c.status == "running":
                try:
                    c.kill()
                except APIError:
                    pass
            c.remove(force=True)
            removed.append(f"{engine}container {c.name}")
        if images:
            for img in client.images.list(filters={"label": f"{LABEL_MANAGED}=1"}):
                client.images.remove(img.id, force=True)
                removed.append(f"{engine}image {', '.join(img.tags) or img.short_id}")
    finally:
        client.close()
    return removed
