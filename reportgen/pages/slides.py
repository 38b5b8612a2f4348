"""The slide deck: the source deck slide by slide, each comparison slide with its measured chart.

One slide source, two outputs: `templates/slides.html` renders the typed
SlidesPage below either for reveal.js (`mode="html"`: keyboard navigation,
speaker notes, slide numbers) or for WeasyPrint (`mode="pdf"`: 16:9 pages of
254 x 142.875 mm, which is exactly the 960 x 540 CSS-pixel canvas the HTML
slides are laid out on, so both show the same slide at the same size).

reportgen/pages/deck.py maps the source deck's slides to chart ids; the
files are written by reportgen/writers/slides.py. Charts come from the registry through the report's ChartBlocks, so a
chart module added later appears on its slide with no change here; a chart
with no data (or not built at all) shows the "not measured" note, never a
chart drawn from nothing. The deck's own words and reference figures are
shown beside the chart as labelled claims.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from markupsafe import Markup

from reportgen.i18n.catalogs import Translator
from reportgen.pages.deck import DECK, DeckSlide
from reportgen.charts.c2_matrix import COLUMNS as MATRIX_COLUMNS
from reportgen.pages.slide_layout import (BODY_HEIGHT, BODY_WIDTH, SLIDE_HEIGHT, SLIDE_WIDTH, CellText,
                                          FigureInput, split_table, svg_size)
from reportgen.pages.slide_claims import Claim, claim_slides, deck_claims, pointing_back, shown_on
from reportgen.pages.slide_facts import FactGroup, fact_pages
from reportgen.pages.slide_fit import (CLASSROOM_PX, FONT_DIR, WORD_BUDGET, SlideCharts, chunks, classroom_claims,
                                      sentences, slide_chart, chart_slides, within, words)
from reportgen.pages.contexts import ChartBlock, Cover, FileDigest, LangLink, Matrix, ReportPage

MAX_CELL_EVIDENCE = 4  # measured lines a cell shows on a one-column matrix slide; more go to the notes
REVEAL_VERSION = "6.0.2"
"""The vendored reveal.js (templates/vendor/reveal.js; see templates/vendor/README.md)."""

MATRIX_COLUMN_WIDTH = BODY_WIDTH
"""Width (px) of the one-column matrix on the physical and virtual server slides (.layout-column)."""


# contexts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SlideFigure:
    """One chart on a slide: the report's inline SVG scaled to its box, or the note saying why there is none."""

    chart_id: str
    title: str
    svg: Markup | None
    width: int
    height: int
    """Size (px) the SVG is drawn at on the 960 x 540 canvas."""
    alt: str
    notes: tuple[str, ...]
    missing: str | None = None


@dataclass(frozen=True)
class Slide:
    """Everything one slide shows, already translated and laid out to size."""

    key: str
    kind: str
    number: int
    source: str
    """"Source deck, slide 6" or "Added by this project"."""
    kicker: str
    title: str
    figures: tuple[SlideFigure, ...] = ()
    claims: tuple[Claim, ...] = ()
    layout: str = ""
    """Chart slides: `stack` (chart above, claims below) or `side` (charts left, claims right)."""
    claims_size: float = 13
    """Font size (px) of the claims, smaller when they hold much text."""
    table_size: float = 11
    """Font size (px) of a matrix slide's table."""
    text_size: float = 13.5
    """Font size (px) of a text slide's paragraphs, smaller when they are long."""
    quote: str = ""
    matrix: Matrix | None = None
    column: int | None = None
    """Index of the matrix column a `matrix-column` slide shows."""
    paragraphs: tuple[str, ...] = ()
    groups: tuple[FactGroup, ...] = ()
    files: tuple[FileDigest, ...] = ()
    notes: tuple[str, ...] = ()
    """Speaker notes: what the chart shows, its numbers, and the methods."""


@dataclass(frozen=True)
class SlidesPage:
    """What slides.html renders: the deck in one language, for reveal.js or for the PDF."""

    lang: str
    title: str
    assets: str
    mode: str
    """`html` (reveal.js) or `pdf` (WeasyPrint)."""
    languages: tuple[LangLink, ...]
    cover: Cover
    slides: tuple[Slide, ...]
    created: str
    generator: str
    datasets: str
    """Labels of the datasets, for every slide's footer."""
    pdf_href: str | None = None
    home_href: str | None = None
    reveal: Mapping[str, object] | None = None
    """reveal.js configuration (HTML only)."""

    @property
    def total(self) -> int:
        return len(self.slides)


# building -----------------------------------------------------------------------------


def figure(chart_id: str, block: ChartBlock | None, tr: Translator) -> tuple[SlideFigure, FigureInput]:
    """A chart for a slide (size decided later by the layout plan), and what the plan needs to know of it."""
    if block is None:
        missing = tr("{chart_id} is not measured: this build has no chart of that kind, so nothing is drawn.").format(
            chart_id=chart_id
        )
        return SlideFigure(chart_id, chart_id, None, 0, 0, "", (), missing), FigureInput(None, (), missing)
    notes = shown_notes(block.notes, tr)
    if block.svg is None:
        missing = block.missing or ""
        return SlideFigure(chart_id, block.title, None, 0, 0, "", notes, missing), FigureInput(None, notes, missing)
    return (
        SlideFigure(chart_id, block.title, block.svg, 0, 0, block.alt, notes),
        FigureInput(svg_size(str(block.svg)), notes),
    )


MAX_FIGURE_NOTES = 2
"""Notes shown under a chart on a slide; the rest are in the speaker notes (all are in the report)."""


def shown_notes(notes: Sequence[str], tr: Translator) -> tuple[str, ...]:
    """The first MAX_FIGURE_NOTES notes, and a line saying how many more the speaker notes hold."""
    if len(notes) <= MAX_FIGURE_NOTES + 1:
        return tuple(notes)
    rest = len(notes) - MAX_FIGURE_NOTES
    return (*notes[:MAX_FIGURE_NOTES], tr("… and {count} more notes in the speaker notes.").format(count=tr.integer(rest)))


def matrix_cells(matrix: Matrix, column: int | None) -> list[list[CellText]]:
    """The matrix rows as the slide shows them (a "no verdict" cell shows only its badge), for sizing."""
    columns = range(len(matrix.platforms)) if column is None else (column,)
    rows = []
    for row in matrix.rows:
        cells = [CellText(row.criterion)]
        for c in columns:
            cell = row.cells[c]
            lead = cell.verdict_label if cell.verdict == "none" else f"{cell.verdict_label} {cell.text}"
            cells.append(CellText(lead, tuple(f"{ev.chart_id}: {ev.text}" for ev in cell.evidence)))
        rows.append(cells)
    return rows


def matrix_widths(column: int | None) -> tuple[float, ...]:
    """Column widths (px) of the slide matrix: criterion 23% of the body, or 30% of the one-column table."""
    first = BODY_WIDTH * 0.23
    return (first, *((BODY_WIDTH - first) / 3,) * 3) if column is None else (MATRIX_COLUMN_WIDTH * 0.3, MATRIX_COLUMN_WIDTH * 0.7)


def _source(spec: DeckSlide, tr: Translator) -> str:
    if spec.deck:
        return tr("Source deck, slide {number}").format(number=spec.deck)
    if spec.kind in ("methods", "hosts", "provenance"):
        return tr("Added by this project")
    return tr("Source deck, comparison lists")


def _chart_notes(figures: Sequence[SlideFigure], blocks: Sequence[ChartBlock | None]) -> list[str]:
    notes = []
    for fig, block in zip(figures, blocks):
        if block is not None:
            notes.append(f"{fig.chart_id} · {block.title}: {block.caption}")
            passage = getattr(block, "passage", None)
            if passage:
                notes.append(passage)
        notes.append(fig.alt or fig.missing or "")
        notes.extend(block.notes if block is not None else fig.notes)
    return [n for n in notes if n]


def slide_charts(report: ReportPage, tr: Translator, submit: Callable[..., Future[Any]] | None = None,
                 font_dir: Path = FONT_DIR) -> SlideCharts:
    """The renders of every chart slide of `report`'s deck, each started with `submit` (None: each drawn here
    when it is needed)."""
    blocks = {b.chart_id: b for b in report.charts}
    charts = SlideCharts(submit, tr, font_dir)
    charts.start(blocks.get(cid) for spec in DECK if spec.kind == "charts" for cid in spec.charts)
    return charts


def build_slides(report: ReportPage, tr: Translator, charts: SlideCharts | None = None) -> tuple[Slide, ...]:
    """Every slide of DECK in `tr`'s language, from the report's own contexts (same data, same words).

    Each deck slide with charts becomes a claims slide (the deck's words and
    what was measured) followed by one slide per chart, drawn for the slide
    (`charts`, from slide_charts(); None: drawn here).
    """
    blocks = {b.chart_id: b for b in report.charts}
    charts = charts or SlideCharts(None, tr, FONT_DIR)
    methods = tuple(report.methods.paragraphs)
    slides: list[Slide] = []
    drawn: dict[str, tuple[int, int]] = {}
    """Chart id -> the first and last slide showing it: a later deck slide on the same chart points back."""

    def add(spec: DeckSlide, key: str | None = None, title: str | None = None, **fields: object) -> None:
        slides.append(
            Slide(
                key=key or spec.key,
                kind=str(fields.pop("kind", spec.kind)),
                number=len(slides) + 1,
                source=_source(spec, tr),
                kicker=tr(spec.kicker) if spec.kicker else "",
                title=title if title is not None else (tr(spec.title) if spec.title else ""),
                **fields,  # type: ignore[arg-type]
            )
        )

    for spec in DECK:
        if spec.kind == "title":
            lead, _ = within(sentences(report.cover.lead), WORD_BUDGET // 2)
            add(spec, title=report.cover.titles[0].text, paragraphs=(" ".join(lead),), notes=(report.cover.lead, *methods))
            if report.cover.caveat:  # before any figure, on a slide of its own
                add(replace(spec, kind="methods", deck="", kicker=""), key="caveat", title=tr("Before the numbers"),
                    paragraphs=(report.cover.caveat,),
                    text_size=CLASSROOM_PX, notes=(report.cover.caveat, *methods))
        elif spec.kind == "charts":
            chosen = [blocks.get(cid) for cid in spec.charts]
            pairs = [figure(cid, b, tr) for cid, b in zip(spec.charts, chosen)]
            seen = "; ".join(shown_on(cid, drawn[cid], tr) for cid in spec.charts if cid in drawn)
            (claims, rest), after = claim_slides(spec, chosen, tr, reserve=words(seen) + 1 if seen else 0)
            notes = (*_chart_notes([p[0] for p in pairs], chosen), *methods)
            if seen:
                claims, after = pointing_back(claims, after, seen, tr)
            add(spec, key=f"{spec.key}-deck", layout="claims", claims=claims, claims_size=CLASSROOM_PX,
                quote=spec.quote, notes=(*rest, *notes))
            new_pairs = [(p[0], b) for p, b, cid in zip(pairs, chosen, spec.charts) if cid not in drawn]
            first = len(slides) + 1
            for n, (fig, block, part, suffix) in enumerate(chart_slides([f for f, _ in new_pairs], [b for _, b in new_pairs])):
                add(spec, key=spec.key if n == 0 else f"{spec.key}-{n + 1}", layout="chart", title=tr(spec.title) + suffix,
                    figures=(slide_chart(fig, block, charts, part),), notes=notes)
                drawn.setdefault(fig.chart_id, (len(slides), len(slides)))
                drawn[fig.chart_id] = (drawn[fig.chart_id][0], len(slides))
            if not new_pairs and first == len(slides) + 1:
                slides[-1] = replace(slides[-1], key=spec.key)  # the deck slide's anchor stays the chart key
            if after is not None:
                add(spec, key=f"{spec.key}-measured", layout="claims", claims=after[0], claims_size=CLASSROOM_PX,
                    notes=(*after[1], *notes))
        elif spec.kind in ("matrix", "matrix-column"):
            column = None
            if spec.kind == "matrix-column":
                column = [platform for platform, _ in MATRIX_COLUMNS].index(spec.platform)
                column_claims, rest = classroom_claims(deck_claims(replace(spec, references=()), tr))
                add(spec, key=f"{spec.key}-deck", kind="charts", layout="claims", claims=column_claims,
                    claims_size=CLASSROOM_PX, notes=(*rest, report.matrix.caption))
            matrix, evidence = report.matrix, []
            if column is None:  # three columns at 18 pt: verdicts on the slide, measured evidence in the notes
                evidence = [f"{row.criterion} · {matrix.platforms[c]} · {ev.chart_id}: {ev.text}"
                            for row in matrix.rows for c, cell in enumerate(row.cells) for ev in cell.evidence]
                matrix = replace(matrix, rows=tuple(replace(row, cells=tuple(replace(cell, evidence=()) for cell in row.cells))
                                                    for row in matrix.rows))
            else:
                evidence = [f"{row.criterion} · {ev.chart_id}: {ev.text}" for row in matrix.rows
                            for ev in row.cells[column].evidence[MAX_CELL_EVIDENCE:]]
                matrix = replace(matrix, rows=tuple(replace(row, cells=tuple(
                    replace(cell, evidence=cell.evidence[:MAX_CELL_EVIDENCE]) if c == column else cell
                    for c, cell in enumerate(row.cells))) for row in matrix.rows))
            header = sum(len(p.split()) for p in matrix.platforms) + 1 if column is None else 3
            size, groups = split_table(matrix_cells(matrix, column), matrix_widths(column), BODY_HEIGHT,
                                       (CLASSROOM_PX,), budget=WORD_BUDGET - 4, header_words=header)
            for n, group in enumerate(groups):
                part = replace(matrix, rows=tuple(matrix.rows[i] for i in group))
                add(
                    spec,
                    key=spec.key if n == 0 else f"{spec.key}-{n + 1}",
                    title=tr(spec.title) + (f" ({n + 1}/{len(groups)})" if len(groups) > 1 else ""),
                    matrix=part,
                    column=column,
                    table_size=size,
                    notes=(report.matrix.caption, *evidence, *methods),
                )
        elif spec.kind == "methods":
            parts = chunks([x for p in methods for x in sentences(p)], WORD_BUDGET - 5)
            for n, part in enumerate(parts):
                add(spec, key=spec.key if n == 0 else f"{spec.key}-{n + 1}", paragraphs=(" ".join(part),),
                    title=tr(spec.title) + (f" ({n + 1}/{len(parts)})" if len(parts) > 1 else ""),
                    text_size=CLASSROOM_PX, notes=methods)
        elif spec.kind in ("hosts", "provenance"):
            sources = report.methods.datasets if spec.kind == "hosts" else report.provenance.entries
            for source in sources:
                if spec.kind == "hosts":
                    groups = (FactGroup(tr("Run configuration"), source.run), FactGroup(tr("Host"), source.host))
                    extra = tuple(f"{fact.label}: {fact.value}" for fact in source.notes)
                    files: tuple[FileDigest, ...] = ()
                else:
                    groups = (FactGroup(tr("Dataset"), source.facts), FactGroup(tr("Tool versions"), report.methods.tools))
                    extra = (tr("A dataset version never changes once written; these checksums identify its files. "
                                "What ran (binaries, images, kernels) and their checksums are listed in the report."),
                             *(f"{fact.label}: {fact.value}" for fact in source.artifacts))
                    files = source.files
                notes = (*extra, *(f"{f.label}: {f.value}" for g in groups for f in g.facts),
                         *(f"{f.name}: {f.sha256}" for f in files))
                pages = fact_pages(groups)
                shown = tuple(FileDigest(f.name, f.sha256[:12] + "…", f.size) for f in files)
                beside = len(shown) + sum(len(g.facts) for g in pages[-1]) <= 5  # a few files fit under a short page
                for n, page_groups in enumerate(pages):
                    add(spec, key=spec.key if not any(sl.key == spec.key for sl in slides) else f"{spec.key}-{len(slides)}",
                        title=f"{tr(spec.title)}: {source.label}", groups=page_groups, notes=notes,
                        files=shown if beside and n == len(pages) - 1 else ())
                if shown and not beside:
                    add(spec, key=f"{spec.key}-{len(slides)}", title=f"{tr(spec.title)}: {source.label}", files=shown,
                        notes=notes)
    return tuple(slides)


def reveal_config() -> dict[str, object]:
    """reveal.js options: the 960 x 540 canvas, keyboard, slide numbers, no animation, speaker notes."""
    return {
        "width": SLIDE_WIDTH,
        "height": SLIDE_HEIGHT,
        "margin": 0.04,
        "center": False,
        "hash": True,
        "slideNumber": "c/t",
        "showSlideNumber": "all",
        "transition": "none",
        "backgroundTransition": "none",
        "controls": True,
        "progress": True,
        "keyboard": True,
        "overview": True,
    }


def slides_page(report: ReportPage, slides: tuple[Slide, ...], tr: Translator, mode: str, *, langs: Sequence[str], site: bool) -> SlidesPage:
    """The deck page in `mode` (`html` or `pdf`); HTML pages link their siblings in the other languages."""
    html = mode == "html"
    return SlidesPage(
        lang=tr.lang,
        title=" — ".join((report.cover.titles[0].text, tr("Slides"))),
        assets="../assets/" if html else "",
        mode=mode,
        languages=tuple(
            LangLink(link.lang, link.name, f"../{link.lang}/slides.html", link.lang == tr.lang)
            for link in report.languages
            if link.lang in langs
        )
        if html
        else (),
        cover=report.cover,
        slides=slides,
        created=report.created,
        generator=report.generator,
        datasets=", ".join(card.label for card in report.cover.datasets),
        pdf_href="slides.pdf" if html and report.handout_href else None,
        home_href="../index.html" if html and site else None,
        reveal=reveal_config() if html else None,
    )
