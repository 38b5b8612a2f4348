"""How a measured value is written, per language: the one home of number and unit formatting.

Every figure a reader sees (the collector's end-of-run table, the report,
handout, slides, site tables, `reportgen diff`) is written by a `Units`
of the reader's language, so one quantity reads the same everywhere:
- durations: milliseconds below one second, else seconds; a column, chart or
  sentence listing several durations writes them all in one unit
  (`duration_unit()`: the unit of the largest), never "1.73 ms" beside "2.02초";
- sizes: exact bytes with their IEC size (KiB, MiB, …) beside them, or the
  IEC size alone where the figure is sampled;
- counts: integers; ratios (`×8.1` in English, `8.1배` in Korean) and
  percentages; 3 significant digits unless asked;
- dates: `Nov 26, 2026, 08:04 UTC` / `2026년 11월 26일 08:04 UTC` (24-hour
  clock: Korean has no "AM").
The words around the numbers (units, the ratio sign) are each language's own
convention, kept in `CONVENTIONS` rather than in message catalogs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable

from babel.dates import format_datetime
from babel.numbers import format_decimal

CONVENTIONS: dict[str, dict[str, str]] = {
    "en": {"ms": "{value} ms", "s": "{value} s", "min": "{value} min", "h": "{value} h", "B": "{value} B",
           "MiB": "{value} MiB", "ratio": "×{value}", "percent": "{value}%", "iec": "{value} {unit}"},
    "ko": {"ms": "{value}밀리초", "s": "{value}초", "min": "{value}분", "h": "{value}시간", "B": "{value} B",
           "MiB": "{value} MiB", "ratio": "{value}배", "percent": "{value}%", "iec": "{value} {unit}"},
}
"""Per language, the pattern of each unit around its number."""

IEC_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
MIB = 1 << 20


@dataclass(frozen=True)
class Units:
    """Number and unit formatting in one language's convention."""

    lang: str

    def _word(self, key: str, value: str, **extra: str) -> str:
        return CONVENTIONS[self.lang][key].format(value=value, **extra)

    def number(self, value: float, significant: int = 3, *, trim: bool = False) -> str:
        """`value` with `significant` significant digits, grouped per locale; `trim` drops trailing zeros."""
        if value == 0 or not math.isfinite(value):
            return format_decimal(value, format="#,##0", locale=self.lang)
        magnitude = int(math.floor(math.log10(abs(value))))
        decimals = max(0, significant - 1 - magnitude)
        pattern = "#,##0" + ("." + ("#" if trim else "0") * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def integer(self, value: int) -> str:
        return format_decimal(int(value), format="#,##0", locale=self.lang)

    def seconds(self, value: float, *, trim: bool = False, unit: str | None = None) -> str:
        """A duration: milliseconds below one second, else seconds (3 significant digits); `unit` forces one."""
        if (unit or duration_unit((value,))) == "ms":
            return self._word("ms", self.number(value * 1000, trim=trim))
        return self._word("s", self.number(value, trim=trim))

    def minutes(self, value: float) -> str:
        return self._word("min", self.integer(round(value / 60)))

    def hours(self, value: float) -> str:
        return self._word("h", self.integer(round(value / 3600)))

    def bytes_iec(self, value: float, *, unit: str | None = None, trim: bool = False) -> str:
        """A size in bytes as KiB/MiB/GiB with 3 significant digits; `unit` (from `iec_unit()`) forces one;
        `trim` drops trailing zeros (a published `5 MiB` is not `5.00 MiB`)."""
        exponent = IEC_UNITS.index(unit or iec_unit((value,)))
        return self._word("iec", self.number(value / 1024**exponent, trim=trim), unit=IEC_UNITS[exponent])

    def exact_bytes(self, value: float, *, unit: str | None = None) -> str:
        """`12,345,678 B (11.8 MiB)`: the exact count of bytes, and its size for people; `unit` (from
        `iec_unit()` over a table column) writes every size of the column in one unit."""
        exact = self._word("B", self.integer(round(value)))
        if unit is None:
            return exact if value < 1024 else f"{exact} ({self.bytes_iec(value)})"
        return exact if unit == IEC_UNITS[0] else f"{exact} ({self.bytes_iec(value, unit=unit)})"

    def mib(self, value: float) -> str:
        """A sampled memory figure (bytes) in MiB."""
        return self._word("MiB", self.number(value / MIB))

    def ratio(self, value: float, *, trim: bool = False) -> str:
        """`×2.4` / `2.4배`: how many times a figure is of another; near 1 with two decimals (1.04, never a bare 1.0);
        `trim` drops trailing zeros (a published `0.98` is not `0.980`)."""
        return self._word("ratio", self.ratio_number(value, trim=trim))

    def ratio_number(self, value: float, *, trim: bool = False) -> str:
        """A ratio's number alone (a table column headed as a ratio): two decimals either side of 1 (1.04, 0.97),
        else 2 significant digits (8.1, 0.66), 3 from 10 up (11.8)."""
        if 0.9 <= value < 1.1:
            significant = 3 if value >= 1 else 2
        else:
            significant = 3 if value >= 10 else 2
        return self.number(value, significant, trim=trim)

    def datetime(self, when: datetime) -> str:
        """A moment, in UTC, to the minute, on a 24-hour clock."""
        when = when.astimezone(timezone.utc)
        if self.lang == "ko":
            return f"{when.year}년 {when.month}월 {when.day}일 {when:%H:%M} UTC"
        return format_datetime(when, "MMM d, y, HH:mm", tzinfo=timezone.utc, locale=self.lang) + " UTC"

    def percent(self, value: float, significant: int = 2, *, trim: bool = True) -> str:
        """`value` already in per cent; `trim=False` keeps trailing zeros (99.40% beside 99.41% in one column)."""
        return self._word("percent", self.number(value, significant, trim=trim))

    def value(self, value: float, unit: str, exact: bool = True) -> str:
        """A measured value by its unit: durations, sizes (exact bytes, or IEC when sampled), counts, the rest."""
        if not math.isfinite(value):
            return "—"
        if unit == "s":
            return self.seconds(value)
        if unit == "ms":  # a latency reported in ms (fio, sockperf, redis-benchmark): the language's duration word
            return self.seconds(value / 1000, unit="ms")
        if unit == "bytes":
            if value < 0:
                return self.number(value)
            return self.exact_bytes(value) if exact else self.bytes_iec(value)
        if unit == "count":
            return self.integer(round(value)) if float(value).is_integer() else self.number(value, trim=True)
        return f"{self.number(value)} {unit}".strip()


def duration_unit(values: Iterable[float]) -> str:
    """`ms` or `s`: the one unit a set of durations is written in, that of its middle value, so a column of
    mostly sub-second starts reads 1.17 ms … 1,900 ms rather than 0.00117 s … 1.90 s."""
    finite = sorted(abs(v) for v in values if v is not None and math.isfinite(v))
    return "ms" if finite and finite[(len(finite) - 1) // 2] < 1 else "s"


def iec_unit(values: Iterable[float]) -> str:
    """The one IEC unit a set of sizes (bytes) is written in: that of the largest."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(finite, default=0.0)
    return IEC_UNITS[0 if top < 1024 else min(len(IEC_UNITS) - 1, int(math.log(top, 1024)))]


@lru_cache(maxsize=None)
def units(lang: str) -> Units:
    """The formatter of `lang` ("en" or "ko")."""
    if lang not in CONVENTIONS:
        raise ValueError(f"no number conventions for language {lang!r} (have: {', '.join(CONVENTIONS)})")
    return Units(lang)
