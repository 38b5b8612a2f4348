"""Chart registry: one definition per chart id (C3, C5, ...), each drawn through the same path.

A chart definition says which samples it summarises (`summarise`), how to
draw the summary (`draw`, returning an altair chart in one language), the
numbers table behind it (`table`), its alt text (`describe`), and what to
say for platforms it lacks (`missing`). The build calls these in order for
every registered id; adding a chart is adding a module that calls
`register()`, and importing it below.
"""

from __future__ import annotations

from .base import REGISTRY, ChartDef, ChartInput, register, registered

from . import c3_start_time as _c3  # noqa: E402,F401  (registers C3)
from . import c5_boot_chain as _c5  # noqa: E402,F401  (registers C5)

__all__ = ["REGISTRY", "ChartDef", "ChartInput", "register", "registered"]
