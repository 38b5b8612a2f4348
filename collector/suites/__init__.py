"""The suite registry."""

from __future__ import annotations

from collector.suites.base import Session, Suite
from collector.suites.startup import StartupSuite
from collector.suites.isolation import IsolationSuite
from collector.suites.consistency import ConsistencySuite
from collector.suites.recovery import RecoverySuite
from collector.suites.image import ImageSuite
from collector.suites.overhead import OverheadSuite
from collector.suites.density import DensitySuite
from collector.suites.portability import PortabilitySuite
from collector.suites.performance import PerformanceSuite

SUITES: dict[str, type[Suite]] = {StartupSuite.name: StartupSuite}
SUITES[ImageSuite.name] = ImageSuite
SUITES[OverheadSuite.name] = OverheadSuite
SUITES[IsolationSuite.name] = IsolationSuite
SUITES[ConsistencySuite.name] = ConsistencySuite
SUITES[RecoverySuite.name] = RecoverySuite
SUITES[DensitySuite.name] = DensitySuite
SUITES[PortabilitySuite.name] = PortabilitySuite
SUITES[PerformanceSuite.name] = PerformanceSuite

__all__ = ["SUITES", "Session", "Suite"]
