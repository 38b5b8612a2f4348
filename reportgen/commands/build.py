"""`reportgen build`: named stages that read top to bottom.

    load      read and validate the datasets (stop here on bad input: nothing written)
    config    read and validate site/site.toml and the datasets it publishes (same: nothing written)
    stage     a temporary folder beside --out; everything below writes into it
    cache     when nothing the output depends on changed, its files come from the build cache, and that is all
    stats     one summary per registered chart id (language-independent; cached under the datasets)
    assets    CSS and fonts, shared by the languages (and reveal.js, for the slides)
    per language:
      charts    altair -> SVG for every chart with data (each SVG cached under its spec), a note for every gap
      pages     typed page contexts (cover, matrix, charts, methods, provenance)
      html      report.html; handout.html goes to the workers, and so do the slide charts' renders
    per language:
      html      slides.html and the PDF slides (to the workers), once its slide charts are drawn
    pdf wait  the PDFs (handouts, slides), laid out by the workers meanwhile (pdf_jobs.py)
    site      index.html, per-language home, notes and dataset pages, dataset downloads (site.py)
    publish   rename the temporary folder to --out (replacing an older build)

The workers (workers.py) are processes, one per core, that lay out the PDFs
and render charts (vl-convert, one chart at a time per process) while this
process draws the next charts with Altair.

Output depends only on the datasets, the templates and the library versions:
no clock, no absolute paths, sorted iteration everywhere, so the same input
builds byte-identical files, cached or not."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Mapping

import pandas as pd
from markupsafe import Markup

from reportgen import __version__
from reportgen.bundled import bundled
from reportgen.commands import build_cache, workers
from reportgen.commands.build_cache import Cache
from reportgen.commands.build_keys import SvgCache, build_key, cached_blocks, cached_summaries, dataset_fingerprint
from reportgen.commands.pdf_jobs import PdfJob, PdfRenderer
from reportgen.commands.publish import clear, staging
from reportgen.commands.progress import Silent
from reportgen.pages import fleet, sections
from reportgen.writers import site as site_pages
from reportgen.pages import slides as slide_deck
from reportgen.writers import slides as slide_files
from reportgen.charts import ChartDef, ChartInput, registered
from reportgen.pages.comparison import comparison_data, comparison_section
from reportgen.charts.base import ci_notes, failure_notes, gap_notes
from reportgen.charts.reference_notes import reference_notes
from reportgen.charts.slide_parts import slide_parts
from reportgen.pages.slide_fit import SlideCharts
from reportgen.i18n.catalogs import LANG_NAMES, LANGS, Translator, translator
from reportgen.load.datasets import Loaded, load, manifest_get
from reportgen.charts.c2_matrix import build_matrix
from reportgen.pages.contexts import ChartBlock, LangLink, ReportPage
from reportgen.writers.downloads import PublishedDataset, published_datasets
from reportgen.site_config import SITE_DIR, SiteConfig, load_site_config
from reportgen.rendering.render_svg import render
from reportgen.writers.html import environment, render_page

TEMPLATES_DIR = bundled("templates")
"""The default theme folder: base.html, report.html, handout.html, css/, fonts/."""

ASSET_DIRS: tuple[str, ...] = ("css", "fonts")
ASSET_SUFFIXES: tuple[str, ...] = (".css", ".ttf", ".otf", ".woff2", ".txt")


@dataclass(frozen=True)
class BuildOptions:
    """What one build makes. Each field is a `reportgen build` option."""

    datasets: tuple[str, ...] = ()
    """Dataset references: a version folder, a dataset folder (its newest version) or name@version. None: the golden dataset."""
    out: Path = Path("build/site")
    """Output folder; gets `<lang>/report.html`, `<lang>/handout.pdf` and `assets/`."""
    langs: tuple[str, ...] = LANGS
    """Languages to build, each with a message catalog."""
    pdf: bool = True
    """Also write the PDF handouts (needs WeasyPrint and pango)."""
    theme: Path = TEMPLATES_DIR
    """Theme folder with the templates, CSS and fonts."""
    compare: str | None = None
    """An older dataset to compare the first dataset with: adds the comparison section (report, handout, site)."""
    slides: bool = True
    """Also write the slide deck per language: slides.html (reveal.js) and, with `pdf`, slides.pdf."""
    site: bool = True
    """Also write the static site: index.html, notes and dataset pages, dataset downloads."""
    site_config: Path = SITE_DIR / "site.toml"
    """The site's configuration (see reportgen/site_config.py)."""
    cache: bool = True
    """Take unchanged outputs from the build cache (build_cache.py) and store new ones; False: --no-cache."""
    jobs: int | None = None
    """Worker processes laying out PDFs and rendering charts (None: one per core; 0: all in this process). A build
    without PDFs renders its charts in this process."""


@dataclass
class BuildResult:
    """What a build wrote, how long each stage took (seconds), and what came from the build cache."""

    out: Path
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    cached: bool = False
    """The whole output came from the cache (nothing was rendered)."""
    cache: dict[str, int] = field(default_factory=dict)
    """Hits and misses per kind of entry: "pdf hit", "svg miss", ..."""


class _Stages:
    """Times each stage into the result and tells the progress display."""

    def __init__(self, result: BuildResult, progress: Silent) -> None:
        self.result, self.progress = result, progress

    @contextmanager
    def __call__(self, stage: str, total: int | None = None) -> Iterator[None]:
        start = time.perf_counter()
        self.progress.start(stage, total)
        try:
            yield
        finally:
            self.result.seconds[stage] = self.result.seconds.get(stage, 0.0) + time.perf_counter() - start
            self.progress.done(stage)


def build(options: BuildOptions, progress: Silent | None = None, cache: Cache | None = None) -> BuildResult:
    """Run every stage; raises collector.dataset.DatasetError (nothing written) on bad input.

    With the cache (the default), a build whose inputs and tools are unchanged
    copies its files from the cache; otherwise each chart and PDF is taken from
    the cache when its own inputs are unchanged, and rendered when not.
    """
    result = BuildResult(out=options.out)
    progress = progress or Silent()
    cache = cache or Cache(enabled=options.cache)
    timed = _Stages(result, progress)
    try:
        with timed("load"):
            loaded = load(options.datasets)
            older = load((options.compare,)) if options.compare else None
        config: SiteConfig | None = None
        published: tuple[PublishedDataset, ...] = ()
        if options.site:
            with timed("config"):
                config = load_site_config(options.site_config)
                site_pages.site_languages(config, options.langs)
                published = published_datasets(config.publish, loaded.datasets)
        code_key = build_cache.code()
        with staging(options.out) as tmp:
            key = build_key(options, loaded, older, published, code_key)
            if build_cache.restore_tree(cache, key, tmp):
                result.cached = True
            else:
                clear(tmp)
                jobs = workers.pool(options.jobs if options.pdf else 0)
                try:
                    pdfs = PdfRenderer(cache, code_key, jobs, on_done=lambda kind: progress.advance("pdf"))
                    _render(options, loaded, older, config, published, cache, code_key, jobs, pdfs, tmp, timed)
                finally:
                    jobs.shutdown(cancel_futures=True)
                build_cache.store_tree(cache, key, tmp)
            result.files = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
    finally:
        progress.close()
    result.cache = dict(cache.stats)
    return result


def _render(options: BuildOptions, loaded: Loaded, older: Loaded | None, config: SiteConfig | None,
            published: tuple[PublishedDataset, ...], cache: Cache, code_key: str, jobs: workers.Jobs,
            pdfs: PdfRenderer, tmp: Path, timed: _Stages) -> None:
    """Every stage after config, into the staging folder; the PDFs go to `pdfs` as soon as their HTML exists,
    and the slide charts to `jobs` as soon as the report's charts do."""
    with timed("stats"):
        inputs = cached_summaries(loaded, cache, code_key, summarise)
        compared = comparison_data(older.datasets[0], loaded.datasets[0]) if older else None
    with timed("assets"):
        copy_assets(options.theme, tmp / "assets")
        if options.slides:
            slide_files.copy_vendor(options.theme, tmp / "assets")
    pdf_count = len(options.langs) * (1 + int(options.slides)) if options.pdf else 0
    if pdf_count:
        pdfs.on_done("started")  # the bar exists from the first language on
    reports: dict[str, ReportPage] = {}
    fonts = options.theme / "fonts"
    svg_cache = SvgCache(cache, code_key, build_cache.tree_digest(fonts), jobs)
    slide_charts: dict[str, SlideCharts] = {}
    inputs_key = dataset_fingerprint(loaded)
    for lang in options.langs:
        tr = translator(lang)
        with timed("charts"):
            blocks = cached_blocks(inputs_key, lang, cache, svg_cache, lambda: chart_blocks(inputs, tr, fonts, svg_cache))
        with timed("pages"):
            page = report_page(loaded, inputs, blocks, tr, options)
            if compared is not None:
                page = replace(page, comparison=comparison_section(compared, tr, fonts))
            reports[lang] = page
        with timed("html"):
            write_html(options.theme, page, tmp / lang / "report.html")
            if options.pdf:
                pdfs.submit(handout_job(options.theme, page, tmp / lang / "handout.pdf", loaded))
            if options.slides:  # the workers draw them while this process draws the next language's charts
                slide_charts[lang] = slide_deck.slide_charts(page, tr, jobs.first, fonts)
    for lang, charts in slide_charts.items():
        with timed("html"):
            slides_job = write_slides(options, reports[lang], translator(lang), tmp / lang, loaded, charts)
            if slides_job is not None:
                pdfs.submit(slides_job)
    if pdf_count:
        with timed("pdf wait"):
            for kind, seconds in pdfs.wait().items():
                timed.result.seconds[kind] = timed.result.seconds.get(kind, 0.0) + seconds
    jobs.shutdown(wait=False)  # every job is in: the workers exit (their memory goes back) during the site stage
    if config is not None:
        with timed("site"):  # after the PDFs: the home page gives their sizes
            site_pages.write_site(tmp, loaded, reports, published, config, options.theme)


# stats ------------------------------------------------------------------------------


def summarise(loaded: Loaded) -> dict[str, ChartInput]:
    """Each registered chart's summary of the samples, with what is needed to explain its gaps."""
    skipped: dict[tuple[str, str], str] = {}
    for dataset in loaded.datasets:
        for platform, reason in sorted((manifest_get(dataset.manifest, "skipped_platforms", default={}) or {}).items()):
            skipped[(dataset.label, platform)] = str(reason)
    compact = fleet.is_compact(loaded.labels)  # many hosts: only the charts still drawn are summarised
    return {
        definition.chart_id: ChartInput(
            pd.DataFrame() if compact and definition.chart_id not in fleet.DRAWN_IN_FLEET
            else definition.summarise(loaded.samples), loaded.labels, skipped)
        for definition in registered()
    }


# charts -----------------------------------------------------------------------------


def chart_blocks(inputs: Mapping[str, ChartInput], tr: Translator, font_dir: Path,
                 svgs: SvgCache | None = None) -> tuple[ChartBlock, ...]:
    """One block per registered chart: SVG, table and notes, or only the reason there is no chart."""
    definitions = registered()
    if fleet.is_compact(next(iter(inputs.values())).datasets if inputs else ()):
        return tuple(chart_block(d, inputs[d.chart_id], tr, font_dir, svgs) if d.chart_id in fleet.DRAWN_IN_FLEET
                     else fleet.compact_block(d.chart_id, d.anchor, tr(d.title), tr(d.caption), inputs[d.chart_id], tr)
                     for d in definitions)
    # Altair holds the GIL; with the renders in the workers (svgs), a thread draws while others wait for an SVG
    with ThreadPoolExecutor(max_workers=min(4, (os.cpu_count() or 1) + 1)) as pool:
        return tuple(pool.map(lambda d: chart_block(d, inputs[d.chart_id], tr, font_dir, svgs), definitions))


def chart_block(definition: ChartDef, data: ChartInput, tr: Translator, font_dir: Path,
                svgs: SvgCache | None = None) -> ChartBlock:
    common = dict(
        chart_id=definition.chart_id,
        anchor=definition.anchor,
        title=tr(definition.title),
        caption=tr(definition.caption),
    )
    notes = gap_notes(data, definition.expects, tr)
    withheld = definition.withhold(data, tr) if definition.withhold and not data.measured.empty else None
    if data.measured.empty or withheld:
        datasets = ", ".join(data.datasets)
        table = definition.table(data, tr) if not data.summary.empty else None
        return ChartBlock(
            **common,
            alt="",
            svg=None,
            table=table,
            notes=notes,
            missing=withheld or tr(definition.no_data).format(datasets=datasets),
            passage=definition.passage(data, tr) if definition.passage and withheld else None,
        )
    alt_text = definition.describe(data, tr)
    spec = definition.draw(data, tr).to_dict(validate=False)  # once: Altair's to_dict copies the whole chart
    svg = (svgs.render if svgs is not None else render)(
        spec,
        chart_id=definition.chart_id,
        alt_text=alt_text,
        vega_locale=tr.vega_locale,
        font_dir=font_dir,
    )
    return ChartBlock(
        **common,
        alt=alt_text,
        svg=Markup(svg),
        table=definition.table(data, tr),
        notes=notes + failure_notes(data, tr) + ci_notes(data, tr) + reference_notes(definition.chart_id, tr),
        passage=definition.passage(data, tr) if definition.passage else None,
        spec=spec,
        slide_specs=tuple(definition.draw(part, tr).to_dict(validate=False)
                          for part in slide_parts(definition.chart_id, data)),
    )



# pages ------------------------------------------------------------------------------


def report_page(
    loaded: Loaded,
    inputs: Mapping[str, ChartInput],
    blocks: tuple[ChartBlock, ...],
    tr: Translator,
    options: BuildOptions,
) -> ReportPage:
    """The typed context report.html and handout.html render, in `tr`'s language."""
    compact = fleet.is_compact(loaded.labels)  # many hosts: their cards are the fleet view's rows
    cover, methods, provenance = sections.cover(loaded, tr), sections.methods(loaded, tr), sections.provenance(loaded, tr)
    if compact:
        cover, methods = replace(cover, datasets=()), fleet.compact_methods(methods, loaded, tr)
        provenance = fleet.compact_provenance(provenance, tr)
    matrix = build_matrix(inputs, tr, fleet.compact_evidence(len(loaded.datasets))) if compact else build_matrix(inputs, tr)
    return ReportPage(
        lang=tr.lang,
        title=tr("Containers vs virtual machines, measured"),
        assets="../assets/",
        languages=tuple(
            LangLink(lang, LANG_NAMES[lang], f"../{lang}/report.html", lang == tr.lang) for lang in options.langs
        ),
        cover=cover,
        matrix=matrix,
        charts=blocks,
        methods=methods,
        provenance=provenance,
        created=loaded.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        generator=f"reportgen {__version__}",
        handout_href="handout.pdf" if options.pdf else None,
        home_href="index.html" if options.site else None,
        fleet=fleet.fleet_section(loaded, tr),
    )


# html and pdf -----------------------------------------------------------------------


def write_html(theme: Path, page: ReportPage, target: Path) -> None:
    html = render_page(environment(theme, translator(page.lang)), "report.html", page)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html.encode("utf-8"))


def handout_job(theme: Path, page: ReportPage, target: Path, loaded: Loaded) -> PdfJob:
    """The handout: handout.html, to be laid out by WeasyPrint with assets read straight from the theme folder."""
    handout = replace(page, assets="")
    html = render_page(environment(theme, translator(page.lang)), "handout.html", handout)
    return PdfJob("pdf", html, theme, target, loaded.created)


def write_slides(options: BuildOptions, page: ReportPage, tr: Translator, target: Path, loaded: Loaded,
                 charts: SlideCharts | None = None) -> PdfJob | None:
    """The deck in `tr`'s language (its chart slides from `charts`, started earlier; None: drawn here): built once,
    written as reveal.js HTML; with --pdf, the 16:9 PDF's job."""
    deck = slide_deck.build_slides(page, tr, charts)
    html = slide_deck.slides_page(page, deck, tr, "html", langs=options.langs, site=options.site)
    slide_files.write_html(options.theme, html, target / "slides.html")
    if not options.pdf:
        return None
    pdf_html = slide_files.render(options.theme, replace(html, assets="", mode="pdf"))
    return PdfJob("slides", pdf_html, options.theme, target / "slides.pdf", loaded.created)


def copy_assets(theme: Path, target: Path) -> None:
    """Copy the theme's CSS and fonts (with their licence) into the output; nothing is fetched."""
    for name in ASSET_DIRS:
        source = theme / name
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.suffix.lower() in ASSET_SUFFIXES:
                dest = target / name / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
