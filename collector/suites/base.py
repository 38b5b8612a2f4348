"""The suite interface: what a measurement kind plans and runs (a registry, as asv does)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from collector.context import RunContext
from collector.dataset.families import deck_platform_of, engine_of
from collector.platforms import Instance, Platform
from collector.suites.records import SampleLog
from collector.workloads import Workload

if TYPE_CHECKING:  # pragma: no cover
    from collector.run.runner import RunOptions


@dataclass
class Session:
    """What a running suite may use: prepared platforms, the workload, the sample log."""

    ctx: RunContext
    platforms: dict[str, Platform]
    workload: Workload
    log: SampleLog
    repeat: int
    warmup: int
    advance: Callable[[str], None] = lambda description: None
    live: list[Instance] = field(default_factory=list)
    options: "RunOptions | Any" = None
    """The whole run configuration (density budget, instance counts, --param values)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """What the suite adds to the manifest's `suite_facts` (its own workloads' artifacts, tool versions, settings)."""

    def param(self, key: str, default: str) -> str:
        """A suite setting from `--param key=value`, else `default`."""
        return (self.options.params if self.options else {}).get(key, default)

    def order(self, repetition: int) -> list[str]:
        """Platforms interleaved, rotated each repetition so none always goes first."""
        names = list(self.platforms)
        if not names:
            return []
        k = repetition % len(names)
        return names[k:] + names[:k]


kind = deck_platform_of
"""How a suite treats a platform: as its family's deck platform (`process`, `container`, `vm`); suites branch on
this, never on a variant's name."""

TYPICAL_START_S = {"process": 0.01, "container": 0.3, "vm": 3.0}
"""Rough start-to-ready seconds per platform for the tiny workload under TCG, for time estimates only."""


class Suite(ABC):
    name: ClassVar[str]
    charts: ClassVar[tuple[str, ...]]

    def estimate_s(self, session: Session) -> float:
        """Rough seconds this suite will take, shown before a run starts; suites with long steps override."""
        if not session.platforms:
            return 0.0
        per_step = sum(TYPICAL_START_S.get(kind(p), 1.0) for p in session.platforms) / len(session.platforms)
        return self.steps(session) * (per_step + 0.2)

    @abstractmethod
    def steps(self, session: Session) -> int:
        """How many progress steps `run` will take."""

    @abstractmethod
    def run(self, session: Session) -> None:
        """Measure, adding every sample to `session.log`; call `session.advance` per step."""
