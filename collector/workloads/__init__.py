"""The workload registry: the same program on every platform."""

from __future__ import annotations

from typing import Callable

from collector.workloads.base import READY_MARKER, ContainerSpec, ProcessSpec, VmSpec, Workload
from collector.workloads.busybox import Busybox
from collector.workloads.tomcat import Tomcat

WORKLOADS: dict[str, Callable[[], Workload]] = {"busybox": Busybox}
"""Workload factories by name; a workload module adds itself here."""
WORKLOADS["tomcat"] = Tomcat


def get_workload(name: str) -> Workload:
    try:
        factory = WORKLOADS[name]
    except KeyError:
        raise ValueError(f"unknown workload {name!r}; known: {', '.join(sorted(WORKLOADS))}") from None
    return factory()


__all__ = ["READY_MARKER", "WORKLOADS", "ContainerSpec", "ProcessSpec", "VmSpec", "Workload", "get_workload"]
