"""The suite registry."""

from __future__ import annotations

from .base import Session, Suite
from .startup import StartupSuite
from .image import ImageSuite
from .overhead import OverheadSuite

SUITES: dict[str, type[Suite]] = {StartupSuite.name: StartupSuite}
SUITES[ImageSuite.name] = ImageSuite
SUITES[OverheadSuite.name] = OverheadSuite

__all__ = ["SUITES", "Session", "Suite"]
