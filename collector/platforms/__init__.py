"""The platform registry: one class per variant of the deck's three families (see collector/dataset/families.py)."""

from __future__ import annotations

from collector.context import RunContext
from collector.platforms.base import Instance, Platform, PlatformUnavailable, StartFailed
from collector.platforms.container import ContainerPlatform
from collector.platforms.microvm import MicrovmPlatform
from collector.platforms.podman import PodmanPlatform
from collector.platforms.process import ProcessPlatform
from collector.platforms.runtimes import CrunPlatform, GvisorPlatform
from collector.platforms.vm import VmPlatform

PLATFORMS: dict[str, type[Platform]] = {
    cls.name: cls
    for cls in (ProcessPlatform, ContainerPlatform, CrunPlatform, PodmanPlatform, GvisorPlatform, VmPlatform,
                MicrovmPlatform)
}
"""In the families table's order: family, then isolation strength inside it."""


def open_platform(name: str, ctx: RunContext) -> Platform:
    """Instantiate a platform by name; PlatformUnavailable if this host lacks its engine."""
    try:
        cls = PLATFORMS[name]
    except KeyError:
        raise ValueError(f"unknown platform {name!r}; known: {', '.join(PLATFORMS)}") from None
    return cls(ctx)


__all__ = ["PLATFORMS", "Instance", "Platform", "PlatformUnavailable", "StartFailed", "open_platform"]
