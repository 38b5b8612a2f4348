"""The physical-server baseline: the workload binary run directly on the host."""

from __future__ import annotations

import platform as host
import subprocess
import time
from typing import Any

from collector.platforms import pidfiles
from collector.platforms.linewatch import LineWatch, pipe_chunks
from collector.workloads import Workload
from collector.platforms.host_process import joining, kill_session
from collector.platforms.base import Instance, Platform, StartFailed


class ProcessPlatform(Platform):
    name = "process"
    phases = ("spawned", "ready")

    def versions(self) -> tuple[str, str]:
        """The "engine" of a bare process is the host's kernel."""
        return host.release(), "none"

    def prepare(self, workload: Workload) -> dict[str, Any]:
        self.spec = workload.process()
        return {"argv": self.spec.argv, **workload.facts()}

    def start(self, workload: Workload, index: int) -> Instance:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            joining(list(self.spec.argv), self.ctx.cgroups),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self.spec.cwd,
            env={**self.spec.env, "VMCBENCH_RUN": self.ctx.run_id},
        )
        inst = Instance(self.name, index, {"proc": proc}, t0)
        inst.mark("spawned")
        watch = LineWatch(pipe_chunks(proc.stdout))
        inst.handle["watch"] = watch  # later output (e.g. a victim's timings) stays readable
        inst.handle["pidfile"] = pidfiles.record(self.ctx.run_id, f"process-{index}", proc.pid)
        ready = watch.wait_for(workload.ready_marker, t0 + self.ctx.timeout)
        if ready is None:
            self.stop(inst)
            raise StartFailed(f"process not ready within {self.ctx.timeout:g} s: {watch.tail() or 'no output'}", inst.phases)
        inst.mark("ready", ready)
        return inst

    def stop(self, instance: Instance) -> None:
        kill_session(instance.handle["proc"])
        pidfile = instance.handle.get("pidfile")
        if pidfile:
            pidfiles.forget(pidfile)
