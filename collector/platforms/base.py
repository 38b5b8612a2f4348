"""The platform interface: prepare artifacts, start an instance until ready, stop it.

A platform measures nothing itself beyond the timestamps of its own phases;
suites decide what to do with them.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from collector.context import RunContext
from collector.dataset.families import BY_NAME, NONE, UNKNOWN, family_of
from collector.workloads import Workload


class PlatformUnavailable(Exception):
    """This host cannot run the platform at all (no daemon, no QEMU); one line saying how to fix it."""


class StartFailed(Exception):
    """An instance did not become ready; it has been stopped. Carries the phases it reached."""

    def __init__(self, message: str, phases: dict[str, float] | None = None) -> None:
        super().__init__(message)
        self.phases = phases or {}


@dataclass
class Instance:
    """A running instance of a workload and when it passed each phase.

    `phases` maps phase name → seconds from the start request to the end of
    that phase, in order; the last is always `ready`.
    """

    platform: str
    index: int
    handle: Any
    requested_at: float
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def start_time(self) -> float:
        return self.phases["ready"]

    def mark(self, phase: str, at: float | None = None) -> None:
        """Record the end of `phase`; earlier phases never end after it.

        A phase seen to end after a later one (the start API call returning
        after the container already printed its marker) is clamped to the
        later end, so the boot chain stays a sequence.
        """
        offset = (time.monotonic() if at is None else at) - self.requested_at
        for earlier, end in self.phases.items():
            if end > offset:
                self.phases[earlier] = offset
        self.phases[phase] = offset


class Platform(ABC):
    """One way to run a workload: bare process, container or VM."""

    name: ClassVar[str]
    phases: ClassVar[tuple[str, ...]]
    """Phase names in boot order, ending with `ready`."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    @property
    def family(self) -> str:
        """The deck's family this platform belongs to (`physical`, `container`, `vm`): suites branch on it, not on names."""
        return family_of(self.name)

    def versions(self) -> tuple[str, str]:
        """(engine version, runtime version) of what runs the instances; platforms with an engine override it."""
        return UNKNOWN, NONE

    def identity(self) -> dict[str, str]:
        """What this platform is (schema v2): family, engine, runtime, machine and their versions, for every sample."""
        variant = BY_NAME[self.name]
        engine_version, runtime_version = self.versions()
        return {"family": variant.family, "engine": variant.engine, "engine_version": engine_version,
                "runtime": variant.runtime, "runtime_version": runtime_version, "machine": variant.machine}

    @property
    def accelerator(self) -> str:
        """What runs guest code: `kvm`/`tcg` for VMs, `none` for the others."""
        return "none"

    @abstractmethod
    def prepare(self, workload: Workload) -> dict[str, Any]:
        """Build or fetch what instances need (cached); return artifact facts for the manifest."""

    @abstractmethod
    def start(self, workload: Workload, index: int) -> Instance:
        """Start one instance and return once it is ready; raise StartFailed (after stopping it) if not."""

    @abstractmethod
    def stop(self, instance: Instance) -> None:
        """Stop and remove the instance; safe to call twice."""

    def close(self) -> None:
        """Release connections; instances are already stopped."""
