"""The suite registry."""

from __future__ import annotations

from .base import Session, Suite
from .startup import StartupSuite
from .isolation import IsolationSuite
from .consistency import ConsistencySuite
from .recovery import RecoverySuite
from .image import ImageSuite
from .overhead import OverheadSuite
from .density import DensitySuite

SUITES: dict[str, type[Suite]] = {StartupSuite.name: StartupSuite}
SUITES[ImageSuite.name] = ImageSuite
SUITES[OverheadSuite.name] = OverheadSuite
SUITES[IsolationSuite.name] = IsolationSuite
SUITES[ConsistencySuite.name] = ConsistencySuite
SUITES[RecoverySuite.name] = RecoverySuite
SUITES[DensitySuite.name] = DensitySuite

__all__ = ["SUITES", "Session", "Suite"]
