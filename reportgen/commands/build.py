"""`reportgen build`: named stages that read top to bottom.

    load      read and validate the datasets (stop here on bad input: nothing written)
    config    read and validate site/site.toml and the datasets it publishes (same: nothing written)
    stats     one summary per registered chart id (language-independent)
    stage     a temporary folder beside --out; everything below writes into it
    assets    CSS and fonts, shared by the languages (and reveal.js, for the slides)
    per language:
      charts    altair -> SVG for every chart with data, a note for every gap
      pages     typed page contexts (cover, matrix, charts, methods, provenance)
      html      report.html
      pdf       handout.pdf
      slides    slides.html (reveal.js) and slides.pdf (16:9), from one slide source (slides.py)
    site      index.html, per-language home, notes and dataset pages, dataset downloads (site.py)
    publish   rename the temporary folder to --out (replacing an older build)

Output depends only on the datasets, the templates and the library versions:
no clock, no absolute paths, sorted iteration everywhere, so the same input
builds byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Mapping

from markupsafe import Markup

from reportgen import __version__
from reportgen.writers import pdf
from reportgen.pages import sections
from reportgen.writers import site as site_pages
from reportgen.pages import slides as slide_deck
from reportgen.writers import slides as slide_files
from reportgen.charts import ChartDef, ChartInput, registered
from reportgen.pages.comparison import ComparisonData, comparison_data, comparison_section
from reportgen.charts.base import failure_notes, gap_notes
from reportgen.i18n.catalogs import LANG_NAMES, LANGS, Translator, translator
from reportgen.load.datasets import Loaded, load, manifest_get
from reportgen.charts.c2_matrix import build_matrix
from reportgen.pages.contexts import ChartBlock, LangLink, ReportPage
from reportgen.writers.downloads import PublishedDataset, published_datasets
from reportgen.site_config import SITE_DIR, SiteConfig, load_site_config
from reportgen.charts.render_svg import render, renderer_started
from reportgen.writers.html import environment, render_page

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
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


@dataclass
class BuildResult:
    """What a build wrote, and how long each stage took (seconds)."""

    out: Path
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(result: BuildResult, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        result.seconds[stage] = result.seconds.get(stage, 0.0) + time.perf_counter() - start


def build(options: BuildOptions) -> BuildResult:
    """Run every stage; raises collector.dataset.DatasetError (nothing written) on bad input."""
    result = BuildResult(out=options.out)
    with _timed(result, "load"):
        loaded = load(options.datasets)
    config: SiteConfig | None = None
    published: tuple[PublishedDataset, ...] = ()
    if options.site:
        with _timed(result, "config"):
            config = load_site_config(options.site_config)
            site_pages.site_languages(config, options.langs)
            published = published_datasets(config.publish, loaded.datasets)
    with _timed(result, "stats"):
        inputs = summarise(loaded)
        compared = comparison_data(load((options.compare,)).datasets[0], loaded.datasets[0]) if options.compare else None
    reports: dict[str, ReportPage] = {}
    with staging(options.out) as tmp:
        with _timed(result, "assets"):
            copy_assets(options.theme, tmp / "assets")
            if options.slides:
                slide_files.copy_vendor(options.theme, tmp / "assets")
        job = LanguageJob(options, loaded, inputs, compared, tmp)
        if len(options.langs) > 1 and (os.cpu_count() or 1) > 1 and not renderer_started():
            with _timed(result, "languages (one process each)"):
                reports = job.run_parallel(result)
        else:
            for lang in options.langs:
                reports[lang] = job.run(lang, result)
        if config is not None:
            with _timed(result, "site"):
                site_pages.write_site(tmp, loaded, reports, published, config, options.theme)
        result.files = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
    return result


@dataclass
class LanguageJob:
    """Everything one language's pages need; run in this process or in a forked one per language.

    PDF layout (WeasyPrint) is pure Python and holds the GIL, so languages are
    laid out in parallel processes. They are forked (not spawned): the loaded
    samples are inherited, not pickled. Only while this process has not started
    the chart renderer (a fresh `reportgen build`): a fork after its threads
    started can deadlock, so a process that already rendered builds in turn.
    """

    options: BuildOptions
    loaded: Loaded
    inputs: Mapping[str, ChartInput]
    compared: "ComparisonData | None"
    tmp: Path

    def run(self, lang: str, result: BuildResult | None = None) -> ReportPage:
        """Charts, pages, HTML, handout and slides of `lang`, written under the staging folder."""
        result = result or BuildResult(out=self.options.out)
        options, tmp = self.options, self.tmp
        tr = translator(lang)
        with _timed(result, "charts"):
            blocks = chart_blocks(self.inputs, tr, options.theme / "fonts")
        with _timed(result, "pages"):
            page = report_page(self.loaded, self.inputs, blocks, tr, options)
            if self.compared is not None:
                page = replace(page, comparison=comparison_section(self.compared, tr, options.theme / "fonts"))
        with _timed(result, "html"):
            write_html(options.theme, page, tmp / lang / "report.html")
        if options.pdf:
            with _timed(result, "pdf"):
                write_handout(options.theme, page, tmp / lang / "handout.pdf", self.loaded)
        if options.slides:
            with _timed(result, "slides"):
                write_slides(options, page, tr, tmp / lang, self.loaded)
        return page

    def run_parallel(self, result: BuildResult) -> dict[str, ReportPage]:
        """Each language in a forked process; their stage times are added to `result` (summed over languages)."""
        global _JOB
        _JOB = self
        try:
            with ProcessPoolExecutor(max_workers=min(len(self.options.langs), os.cpu_count() or 1),
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                futures = {lang: pool.submit(_run_forked, lang) for lang in self.options.langs}
                pages = {}
                for lang, future in futures.items():
                    pages[lang], seconds = future.result()
                    for stage, value in seconds.items():
                        result.seconds[stage] = result.seconds.get(stage, 0.0) + value
                return pages
        finally:
            _JOB = None


_JOB: LanguageJob | None = None
"""The job a forked worker inherits (set just before the pool forks)."""


def _run_forked(lang: str) -> tuple[ReportPage, dict[str, float]]:
    assert _JOB is not None, "forked without a job"
    result = BuildResult(out=_JOB.options.out)
    return _JOB.run(lang, result), result.seconds


# stats ------------------------------------------------------------------------------


def summarise(loaded: Loaded) -> dict[str, ChartInput]:
    """Each registered chart's summary of the samples, with what is needed to explain its gaps."""
    skipped: dict[tuple[str, str], str] = {}
    for dataset in loaded.datasets:
        for platform, reason in sorted((manifest_get(dataset.manifest, "skipped_platforms", default={}) or {}).items()):
            skipped[(dataset.label, platform)] = str(reason)
    return {
        definition.chart_id: ChartInput(definition.summarise(loaded.samples), loaded.labels, skipped)
        for definition in registered()
    }


# charts -----------------------------------------------------------------------------


def chart_blocks(inputs: Mapping[str, ChartInput], tr: Translator, font_dir: Path) -> tuple[ChartBlock, ...]:
    """One block per registered chart: SVG, table and notes, or only the reason there is no chart."""
    definitions = registered()
    # vl-convert renders outside the GIL: two threads use both cores of a small machine
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return tuple(pool.map(lambda d: chart_block(d, inputs[d.chart_id], tr, font_dir), definitions))


def chart_block(definition: ChartDef, data: ChartInput, tr: Translator, font_dir: Path) -> ChartBlock:
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
    chart = definition.draw(data, tr)
    svg = render(
        chart,
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
        notes=notes + failure_notes(data, tr),
        passage=definition.passage(data, tr) if definition.passage else None,
        spec=chart.to_dict(validate=False),
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
    return ReportPage(
        lang=tr.lang,
        title=tr("Containers vs virtual machines, measured"),
        assets="../assets/",
        languages=tuple(
            LangLink(lang, LANG_NAMES[lang], f"../{lang}/report.html", lang == tr.lang) for lang in options.langs
        ),
        cover=sections.cover(loaded, tr),
        matrix=build_matrix(inputs, tr),
        charts=blocks,
        methods=sections.methods(loaded, tr),
        provenance=sections.provenance(loaded, tr),
        created=loaded.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        generator=f"reportgen {__version__}",
        handout_href="handout.pdf" if options.pdf else None,
        home_href="index.html" if options.site else None,
    )


# html and pdf -----------------------------------------------------------------------


def write_html(theme: Path, page: ReportPage, target: Path) -> None:
    html = render_page(environment(theme, translator(page.lang)), "report.html", page)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html.encode("utf-8"))


def write_handout(theme: Path, page: ReportPage, target: Path, loaded: Loaded) -> None:
    """The handout: handout.html laid out by WeasyPrint, assets read straight from the theme folder."""
    handout = replace(page, assets="")
    html = render_page(environment(theme, translator(page.lang)), "handout.html", handout)
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_pdf(html, base_url=theme, target=target, created=loaded.created)


def write_slides(options: BuildOptions, page: ReportPage, tr: Translator, target: Path, loaded: Loaded) -> None:
    """The deck in `tr`'s language: built once, written as reveal.js HTML and (with --pdf) as a 16:9 PDF."""
    deck = slide_deck.build_slides(page, tr)
    html = slide_deck.slides_page(page, deck, tr, "html", langs=options.langs, site=options.site)
    slide_files.write_html(options.theme, html, target / "slides.html")
    if options.pdf:
        slide_files.write_pdf(options.theme, html, target / "slides.pdf", loaded.created)


def copy_assets(theme: Path, target: Path) -> None:
    """Copy the theme's CSS and fonts (with their licence) into the output; nothing is fetched."""
    for name in ASSET_DIRS:
        source = theme / name
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.suffix.lower() in ASSET_SUFFIXES:
                dest = target / name / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)


# publish ----------------------------------------------------------------------------


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out`, renamed to `out` when the block succeeds, removed when it fails.

    A reader never sees a half-written `out`: before the rename it is absent
    (or still the previous complete build), after it is complete.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    os.chmod(tmp, 0o755)
    if out.exists():
        old = out.parent / f".{out.name}.{uuid.uuid4().hex}.old"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)
