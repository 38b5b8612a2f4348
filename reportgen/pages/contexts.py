"""Typed contexts the templates render: one dataclass per page part, all text already translated.

Templates only lay these out; they neither compute nor format numbers. Each
numeric table cell keeps its exact value (`Cell.value`) beside the text a
reader sees, so tests and tools can read the figures back from the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing import TYPE_CHECKING, Any, Mapping

from markupsafe import Markup

if TYPE_CHECKING:  # pragma: no cover
    from reportgen.pages.comparison import ComparisonSection
    from reportgen.pages.fleet import FleetSection


@dataclass(frozen=True)
class Cell:
    """One table cell: what is shown, and for numbers the exact value behind it."""

    text: str
    value: float | None = None
    alone: str | None = None
    """The value in its own unit, where `text` is in its column's (0.00110 s in a column of seconds is 1.10 ms
    when quoted on its own, as a slide's headline does)."""

    @property
    def shown_alone(self) -> str:
        return self.alone or self.text

    @property
    def numeric(self) -> bool:
        return self.value is not None

    @property
    def data_value(self) -> str:
        """The exact value as the shortest round-tripping decimal (stable across runs)."""
        return repr(float(self.value)) if self.value is not None else ""


@dataclass(frozen=True)
class Row:
    """A table row: its cells, and the dataset values it stands for (`platform="vm"`, ...)."""

    cells: tuple[Cell, ...]
    ident: tuple[tuple[str, str], ...] = ()
    """Written as data-<name> attributes so tools find a row without reading translated labels."""


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart: header row, body rows, and which column holds which key."""

    caption: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    """Machine names of the columns (`platform`, `median`, ...), written as data-key attributes."""
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ChartBlock:
    """A chart section: the figure (inline SVG) or a note saying why there is none, plus its numbers."""

    chart_id: str
    anchor: str
    title: str
    caption: str
    alt: str
    svg: Markup | None
    table: DataTable | None
    notes: tuple[str, ...] = ()
    """Partial gaps: platforms not measured, runs that failed."""
    missing: str | None = None
    """Set when there is nothing to draw; the section shows this instead of a chart."""
    passage: str | None = None
    """What the measurement shows against the source deck's claim, in a sentence or three."""
    spec: Mapping[str, Any] | None = None
    """The chart's Vega-Lite spec, for slides that draw it again at their own size (rendering/slide_svg.py)."""
    slide_specs: tuple[Mapping[str, Any], ...] = ()
    """When set, the slides draw these instead of `spec`, one slide each (charts/slide_parts.py: a chart with
    the variants too tall for one slide is split, the deck's platforms first)."""


@dataclass(frozen=True)
class EvidenceLink:
    """A measured figure backing a matrix cell, linking to the chart that shows it."""

    chart_id: str
    href: str
    text: str


@dataclass(frozen=True)
class MatrixCell:
    verdict: str
    """`strength`, `weakness` or `none` (the deck states nothing)."""
    verdict_label: str
    text: str
    source: str
    evidence: tuple[EvidenceLink, ...] = ()


@dataclass(frozen=True)
class MatrixRow:
    criterion: str
    criterion_key: str
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class Matrix:
    """C2: the deck's comparison of 3 platforms on 7 criteria."""

    chart_id: str
    anchor: str
    title: str
    caption: str
    platforms: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class Fact:
    """A labelled value in a definition list (host summary, run configuration, tool versions)."""

    label: str
    value: str


@dataclass(frozen=True)
class DatasetCard:
    """One dataset on the cover and in the methods: identity, state, host."""

    label: str
    name: str
    version: str
    created_at: str
    sample_count: str
    warning: str | None
    host: tuple[Fact, ...]
    run: tuple[Fact, ...]
    notes: tuple[Fact, ...] = ()
    """The collector's own remarks on the run (manifest `notes`), e.g. why KVM was not used."""


@dataclass(frozen=True)
class Title:
    lang: str
    text: str


@dataclass(frozen=True)
class Cover:
    """The deck's title in both languages (the page's own first), its subtitle, the datasets."""

    titles: tuple[Title, ...]
    subtitle: str
    lead: str
    datasets: tuple[DatasetCard, ...]
    caveat: str = ""
    """What every reader must know before any figure (the VMs ran under software emulation), or ""."""


@dataclass(frozen=True)
class Methods:
    paragraphs: tuple[str, ...]
    datasets: tuple[DatasetCard, ...]
    tools: tuple[Fact, ...]


@dataclass(frozen=True)
class FileDigest:
    name: str
    sha256: str
    size: str


@dataclass(frozen=True)
class ProvenanceEntry:
    label: str
    facts: tuple[Fact, ...]
    files: tuple[FileDigest, ...]
    artifacts: tuple[Fact, ...] = ()
    """What was run (binary, image, kernel) and its checksums, from the manifest's `artifacts`."""


@dataclass(frozen=True)
class Provenance:
    entries: tuple[ProvenanceEntry, ...]


@dataclass(frozen=True)
class LangLink:
    lang: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True)
class ReportPage:
    """Everything report.html and handout.html show, in one language."""

    lang: str
    title: str
    assets: str
    """Prefix of CSS and font URLs relative to the page (`../assets/` in the site)."""
    languages: tuple[LangLink, ...]
    cover: Cover
    matrix: Matrix
    charts: tuple[ChartBlock, ...]
    methods: Methods
    provenance: Provenance
    created: str
    """The datasets' newest created_at (ISO 8601): the document date, never the clock."""
    generator: str
    handout_href: str | None = None
    notes: tuple[str, ...] = field(default=())
    home_href: str | None = None
    """The site's home page for this language, when the build makes the site."""
    comparison: "ComparisonSection | None" = None
    """Old vs new per metric, when the build was given --compare OLD."""
    fleet: "FleetSection | None" = None
    """The hosts side by side, when the build holds datasets of several hosts."""
