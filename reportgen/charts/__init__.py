"""Chart registry: one definition per chart id (C3, C5, ...), each drawn through the same path.

A chart definition says which samples it summarises (`summarise`), how to
draw the summary (`draw`, returning an altair chart in one language), the
numbers table behind it (`table`), its alt text (`describe`), and what to
say for platforms it lacks (`missing`). The build calls these in order for
every registered id; adding a chart is adding a module that calls
`register()`, and importing it below.
"""

from __future__ import annotations

from reportgen.charts.base import REGISTRY, ChartDef, ChartInput, register, registered

from reportgen.charts import c1_overhead as _c1  # noqa: E402,F401  (registers C1)
from reportgen.charts import c3_start_time as _c3  # noqa: E402,F401  (registers C3)
from reportgen.charts import c4_image_size as _c4  # noqa: E402,F401  (registers C4)
from reportgen.charts import c5_boot_chain as _c5  # noqa: E402,F401  (registers C5)
from reportgen.charts import c6_consistency as _c6  # noqa: E402,F401  (registers C6)
from reportgen.charts import c7_layer_reuse as _c7  # noqa: E402,F401  (registers C7)
from reportgen.charts import c8_portability as _c8  # noqa: E402,F401  (registers C8)
from reportgen.charts import c9_density as _c9  # noqa: E402,F401  (registers C9)
from reportgen.charts import c10_isolation as _c10  # noqa: E402,F401  (registers C10)
from reportgen.charts import c11_recovery as _c11  # noqa: E402,F401  (registers C11)
from reportgen.charts import c12_performance as _c12  # noqa: E402,F401  (registers C12)

__all__ = ["REGISTRY", "ChartDef", "ChartInput", "register", "registered"]
