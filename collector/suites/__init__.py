"""The suite registry."""

from __future__ import annotations

from .base import Session, Suite
from .startup import StartupSuite

SUITES: dict[str, type[Suite]] = {StartupSuite.name: StartupSuite}

__all__ = ["SUITES", "Session", "Suite"]
