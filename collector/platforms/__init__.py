"""The platform registry: process, container, vm."""

from __future__ import annotations

from collector.context import RunContext
from collector.platforms.base import Instance, Platform, PlatformUnavailable, StartFailed
from collector.platforms.container import ContainerPlatform
from collector.platforms.process import ProcessPlatform
from collector.platforms.vm import VmPlatform

PLATFORMS: dict[str, type[Platform]] = {
    ProcessPlatform.name: ProcessPlatform,
    ContainerPlatform.name: ContainerPlatform,
    VmPlatform.name: VmPlatform,
}


def open_platform(name: str, ctx: RunContext) -> Platform:
    """Instantiate a platform by name; PlatformUnavailable if this host lacks its engine."""
    try:
        cls = PLATFORMS[name]
    except KeyError:
        raise ValueError(f"unknown platform {name!r}; known: {', '.join(PLATFORMS)}") from None
    return cls(ctx)


__all__ = ["PLATFORMS", "Instance", "Platform", "PlatformUnavailable", "StartFailed", "open_platform"]
