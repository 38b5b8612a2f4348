"""Containers on other OCI runtimes behind the same Docker Engine: crun and gVisor's runsc.

Both reuse ContainerPlatform's start/stop (create → attach → start → wait for
the marker; remove(force=True)) and the very image `container` runs (same
image id); they differ only in `runtime=` on every create. The daemon must
have the runtime registered: `scripts/setup.sh test` starts it with
`--config-file scripts/docker-daemon.json`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from collector.context import RunContext
from collector.platforms.base import Instance, PlatformUnavailable, StartFailed
from collector.platforms.container import ContainerPlatform, runtime_version
from collector.workloads import Workload

RUNTIME_HINT = "start the daemon with `scripts/setup.sh test` (it passes --config-file scripts/docker-daemon.json)"


class DockerRuntimePlatform(ContainerPlatform):
    """ContainerPlatform with `runtime=<name>` on every create; refuses to open if the daemon lacks the runtime."""

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx)
        runtimes = self.client.info().get("Runtimes") or {}
        if self.runtime not in runtimes:
            self.client.close()
            raise PlatformUnavailable(
                f"the Docker Engine has no runtime {self.runtime!r} (has: {', '.join(sorted(runtimes))}); {RUNTIME_HINT}")
        self.runtime_info: dict[str, Any] = runtimes[self.runtime]

    def prepare(self, workload: Workload) -> dict[str, Any]:
        facts = super().prepare(workload)
        self.spec = dataclasses.replace(self.spec, create_kwargs={**self.spec.create_kwargs, "runtime": self.runtime})
        return {**facts, "oci_runtime": self.runtime, "oci_runtime_version": runtime_version(self.runtime_info["path"]),
                "oci_runtime_args": " ".join(self.runtime_info.get("runtimeArgs") or [])}


class CrunPlatform(DockerRuntimePlatform):
    """Docker + crun (Debian `crun`): the same kernel features as runc, set up by a runtime written in C."""

    name = "crun"
    runtime = "crun"


class GvisorPlatform(DockerRuntimePlatform):
    """Docker + gVisor's runsc (Debian `runsc`, ptrace platform): a user-space kernel between workload and host.

    Debian's runsc refuses to start with a network ("cannot run with network
    enabled in root network namespace") unless registered with the runtime
    argument `--network=none`; a failed start leaves its sandbox, gofer and
    shim behind, which `start` and `collector cleanup` remove.
    """

    name = "gvisor"
    runtime = "runsc"

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx)
        if "--network=none" not in (self.runtime_info.get("runtimeArgs") or []):
            self.client.close()
            raise PlatformUnavailable(
                "runtime runsc is registered without runtimeArgs [\"--network=none\"], so every start would fail "
                "(\"cannot run with network enabled in root network namespace\"); " + RUNTIME_HINT)

    def start(self, workload: Workload, index: int) -> Instance:
        try:
            return super().start(workload, index)
        except StartFailed:
            from collector.platforms.runsc_cleanup import kill_runsc_leftovers

            kill_runsc_leftovers(self.client)
            raise
