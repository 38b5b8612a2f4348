"""Published reference figures (Firecracker, LightVM, Felter et al., …) from references.toml.

A reference is the third kind of mark on a chart, beside what was measured
here (data) and what the deck claims (a reference band). It is drawn as a
reference with its conditions and source, never counted as data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCES_FILE = Path(__file__).with_name("references.toml")
FAMILIES = ("process", "container", "vm")


@dataclass(frozen=True)
class Reference:
    id: str
    charts: tuple[str, ...]
    technology: str
    family: str
    metric: str
    value: float
    unit: str
    conditions: dict[str, str]
    differs: dict[str, str]
    source: str
    low: float | None = None
    high: float | None = None
    url: str = ""
    checked: str = ""
    label: str = ""
    """A short name for the mark on the chart (the technology when empty)."""
    platform: str = ""
    """The platform whose row the mark sits on when it was measured (else its family's row)."""

    @property
    def mark_label(self) -> str:
        return self.label or self.technology


@lru_cache(maxsize=None)
def references(path: Path = REFERENCES_FILE) -> tuple[Reference, ...]:
    """Every reference in the file, validated; ValueError naming the row on a bad one."""
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("reference", [])
    out = []
    seen: set[str] = set()
    for i, row in enumerate(raw):
        where = f"{path.name}: reference #{i + 1} ({row.get('id', '?')})"
        try:
            ref = Reference(
                id=str(row["id"]), charts=tuple(row["charts"]), technology=str(row["technology"]),
                family=str(row["family"]), metric=str(row["metric"]), value=float(row["value"]),
                unit=str(row["unit"]), conditions=dict(row["conditions"]), differs=dict(row["differs"]),
                source=str(row["source"]), low=row.get("low"), high=row.get("high"), url=str(row.get("url", "")),
                checked=str(row.get("checked", "")), label=str(row.get("label", "")),
                platform=str(row.get("platform", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from None
        if ref.id in seen or ref.family not in FAMILIES or set(ref.conditions) != {"en", "ko"} or set(ref.differs) != {"en", "ko"}:
            raise ValueError(f"{where}: duplicate id, unknown family, or conditions/differs not in both languages")
        seen.add(ref.id)
        out.append(ref)
    return tuple(out)


def for_chart(chart_id: str) -> tuple[Reference, ...]:
    """The references drawn on `chart_id`, in file order."""
    return tuple(r for r in references() if chart_id in r.charts)
