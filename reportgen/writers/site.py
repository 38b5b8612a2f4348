"""The static site: a home page per language, course notes, and a page per published dataset version.

    OUT/index.html                      home in the site's first language
    OUT/<lang>/index.html               home in each language (the language switch goes between these)
    OUT/<lang>/notes.html               course notes (site/notes.<lang>.md)
    OUT/<lang>/datasets/<slug>.html     one published dataset version: manifest, per-suite tables, downloads
    OUT/datasets/<key>/...              its manifest.json, samples.parquet, samples.csv, SHA256SUMS

Every link is relative, so the site works from file:// and from any sub-path
of a web server; nothing refers outside the site (`external_references()`
checks every page written, and the build fails on one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

from markdown_it import MarkdownIt
from markupsafe import Markup

from reportgen.i18n.catalogs import LANG_NAMES, Translator, translator
from reportgen.load.datasets import Loaded, tidy
from reportgen.pages.contexts import Cover, DataTable, DatasetCard, Fact, LangLink, ProvenanceEntry, ReportPage
from reportgen.writers.downloads import (
    PublishedDataset, PublishedFile, csv_note, inside, suite_groups, suite_table, suites, write_files,
)
from reportgen.pages.sections import dataset_card, provenance
from reportgen.site_config import SiteConfig
from reportgen.writers.html import environment


class SiteError(ValueError):
    """The site cannot be published as configured (one line)."""


@dataclass(frozen=True)
class Material:
    """One thing to open or download in a language: the report, the handout, the slides, the notes."""

    key: str
    label: str
    href: str
    kind: str
    """`HTML` or `PDF`, shown beside the label."""
    size: str


@dataclass(frozen=True)
class Download:
    name: str
    label: str
    href: str
    size: str
    sha256: str


@dataclass(frozen=True)
class DatasetRow:
    """A published dataset version in the home page's list."""

    label: str
    key: str
    href: str
    created: str
    host: str
    accelerator: str
    samples: str
    suites: str
    in_report: bool
    downloads: tuple[Download, ...]


@dataclass(frozen=True)
class SuiteSection:
    suite: str
    table: DataTable


@dataclass(frozen=True)
class DatasetView:
    """Everything a dataset version's page shows."""

    label: str
    key: str
    in_report: bool
    card: DatasetCard
    tools: tuple[Fact, ...]
    provenance: ProvenanceEntry
    suites: tuple[SuiteSection, ...]
    downloads: tuple[Download, ...]
    csv_note: str | None
    """Why there is no CSV export (a dataset too big for a spreadsheet); None when there is one."""
    sums_href: str


@dataclass(frozen=True)
class SitePage:
    """What the site templates render: one page of the site in one language."""

    kind: str
    """`index`, `notes` or `dataset`."""
    lang: str
    title: str
    site_title: str
    assets: str
    root: str
    """Relative path from this page to the site's root folder ("", "../", "../../")."""
    languages: tuple[LangLink, ...]
    cover: Cover
    created: str
    generator: str
    tagline: str = ""
    materials: tuple[Material, ...] = ()
    datasets: tuple[DatasetRow, ...] = ()
    notes_html: Markup | None = None
    dataset: DatasetView | None = None
    fleet: object | None = None
    """The report's fleet view (reportgen.pages.fleet.FleetSection) on the fleet page; None elsewhere."""
    has_fleet: bool = False
    """The build holds several hosts: the navigation links the fleet page."""


# building ---------------------------------------------------------------------------------


def site_languages(config: SiteConfig, built: Sequence[str]) -> tuple[str, ...]:
    """The site's languages that this build made, in the site's order; SiteError when none."""
    langs = tuple(lang for lang in config.languages if lang in built)
    if not langs:
        raise SiteError(
            f"the site's languages ({', '.join(config.languages)}) were not built (built: {', '.join(built)})"
        )
    return langs


def render_notes(path: Path) -> Markup:
    """A notes file (CommonMark, raw HTML not allowed) as HTML; links must stay inside the site."""
    html = MarkdownIt("commonmark", {"html": False}).render(path.read_text("utf-8"))
    bad = external_references(html)
    if bad:
        raise SiteError(f"{path}: links outside the site are not allowed ({bad[0]})")
    return Markup(html)


def write_site(
    out: Path,
    loaded: Loaded,
    reports: Mapping[str, ReportPage],
    published: Sequence[PublishedDataset],
    config: SiteConfig,
    theme: Path,
) -> list[Path]:
    """Write the dataset files and every site page into `out` (the build's staging folder)."""
    langs = site_languages(config, tuple(reports))
    files = {entry.key: write_files(entry, out / "datasets") for entry in published}
    groups = {entry.key: suite_groups(entry.dataset) for entry in published}  # once, for every language
    written: list[Path] = []
    fleet = any(r.fleet is not None for r in reports.values())
    for lang in langs:
        tr = translator(lang)
        report = reports[lang]
        homes = [("../", out / lang / "index.html")]
        if lang == langs[0]:
            homes.append(("", out / "index.html"))  # the site's front door, in its first language
        for root, target in homes:
            page = index_page(root, report, published, files, config, langs, out, tr)
            written.append(_write(fleet, theme, "site_index.html", page, target))
        notes = SitePage(
            kind="notes",
            lang=lang,
            title=f"{tr('Course notes')} · {config.text('title', lang)}",
            site_title=config.text("title", lang),
            assets="../assets/",
            root="../",
            languages=_switch(langs, lang, "../", "{lang}/notes.html"),
            cover=report.cover,
            created=report.created,
            generator=report.generator,
            notes_html=render_notes(config.notes_path(lang)),
        )
        written.append(_write(fleet, theme, "site_notes.html", notes, out / lang / "notes.html"))
        if report.fleet is not None:
            fleet_page = SitePage(
                kind="fleet", lang=lang, title=f"{report.fleet.title} · {config.text('title', lang)}",
                site_title=config.text("title", lang), assets="../assets/", root="../",
                languages=_switch(langs, lang, "../", "{lang}/fleet.html"), cover=report.cover, created=report.created,
                generator=report.generator, fleet=report.fleet, has_fleet=True,
            )
            written.append(_write(fleet, theme, "site_fleet.html", fleet_page, out / lang / "fleet.html"))
        for entry in published:
            page = dataset_page(entry, files[entry.key], groups[entry.key], report, config, langs, tr)
            target = inside(out, out / lang / "datasets" / f"{entry.slug}.html")
            written.append(_write(fleet, theme, "site_dataset.html", page, target))
    check_pages(out)
    return written


def _switch(langs: Sequence[str], current: str, root: str, pattern: str) -> tuple[LangLink, ...]:
    return tuple(LangLink(lang, LANG_NAMES[lang], root + pattern.format(lang=lang), lang == current) for lang in langs)


def index_page(
    root: str,
    report: ReportPage,
    published: Sequence[PublishedDataset],
    files: Mapping[str, Sequence[PublishedFile]],
    config: SiteConfig,
    langs: Sequence[str],
    out: Path,
    tr: Translator,
) -> SitePage:
    lang = tr.lang
    return SitePage(
        kind="index",
        lang=lang,
        title=config.text("title", lang),
        site_title=config.text("title", lang),
        assets=f"{root}assets/",
        root=root,
        languages=_switch(langs, lang, root, "{lang}/index.html"),
        cover=report.cover,
        created=report.created,
        generator=report.generator,
        tagline=config.text("tagline", lang),
        materials=materials(out, lang, root, tr),
        datasets=tuple(dataset_row(e, files[e.key], root, lang, tr) for e in published),
    )


MATERIALS: tuple[tuple[str, str, str], ...] = (
    ("report", "report.html", "HTML"),
    ("handout", "handout.pdf", "PDF"),
    ("slides", "slides.html", "HTML"),
    ("slides-pdf", "slides.pdf", "PDF"),
    ("notes", "notes.html", "HTML"),
)


def materials(out: Path, lang: str, root: str, tr: Translator) -> tuple[Material, ...]:
    """The language's report, handout, slides and notes: those this build wrote (notes always exist)."""
    labels = {
        "report": tr("Report"),
        "handout": tr("Handout"),
        "slides": tr("Slides"),
        "slides-pdf": tr("Slides"),
        "notes": tr("Course notes"),
    }
    found = []
    for key, name, kind in MATERIALS:
        path = out / lang / name
        if key != "notes" and not path.is_file():
            continue
        size = tr.bytes_iec(path.stat().st_size) if path.is_file() and kind == "PDF" else ""
        found.append(Material(key, labels[key], f"{root}{lang}/{name}", kind, size))
    return tuple(found)


def _downloads(entry: PublishedDataset, files: Sequence[PublishedFile], root: str, tr: Translator) -> tuple[Download, ...]:
    labels = {
        "samples.parquet": tr("Samples (Parquet)"),
        "samples.csv": tr("Samples (CSV export)"),
        "manifest.json": tr("Manifest (JSON)"),
        "SHA256SUMS": tr("Checksums (sha256sum -c)"),
    }
    return tuple(
        Download(f.name, labels.get(f.name, f.name), f"{root}datasets/{entry.key}/{f.name}", tr.bytes_iec(f.size), f.sha256)
        for f in files
    )


def dataset_row(entry: PublishedDataset, files: Sequence[PublishedFile], root: str, lang: str, tr: Translator) -> DatasetRow:
    card = dataset_card(entry.dataset, tr)
    facts = {fact.label: fact.value for fact in card.host}
    return DatasetRow(
        label=entry.dataset.label,
        key=entry.key,
        href=f"{root}{lang}/datasets/{entry.slug}.html",
        created=card.created_at,
        host=f"{facts.get(tr('CPU'), '—')} · {tr('Cores')} {facts.get(tr('Cores'), '—')}",
        accelerator=facts.get(tr("VM accelerator"), "—"),
        samples=card.sample_count,
        suites=", ".join(suites(entry.dataset)),
        in_report=entry.in_report,
        downloads=tuple(d for d in _downloads(entry, files, root, tr) if d.name in ("samples.parquet", "samples.csv")),
    )


def dataset_page(
    entry: PublishedDataset,
    files: Sequence[PublishedFile],
    groups: Mapping[str, list[dict]],
    report: ReportPage,
    config: SiteConfig,
    langs: Sequence[str],
    tr: Translator,
) -> SitePage:
    lang = tr.lang
    dataset = entry.dataset
    card = dataset_card(dataset, tr)
    prov = provenance(Loaded((dataset,), tidy((dataset,))), tr).entries[0]
    host = dataset.manifest.get("host", {}) or {}
    collector = dataset.manifest.get("collector", {}) or {}
    tools = (
        Fact(tr("Collector"), f"{collector.get('name', '—')} {collector.get('version', '—')}"),
        Fact(tr("Docker Engine"), str(host.get("docker_version") or "—")),
        Fact(tr("QEMU"), str(host.get("qemu_version") or "—")),
        Fact(tr("Python (collector)"), str(host.get("python") or "—")),
    )
    view = DatasetView(
        label=dataset.label,
        key=entry.key,
        in_report=entry.in_report,
        card=card,
        tools=tools,
        provenance=prov,
        suites=tuple(SuiteSection(s, suite_table(rows, s, tr)) for s, rows in groups.items()),
        downloads=_downloads(entry, files, "../../", tr),
        csv_note=csv_note(dataset, tr),
        sums_href=f"../../datasets/{entry.key}/SHA256SUMS",
    )
    return SitePage(
        kind="dataset",
        lang=lang,
        title=f"{tr('Dataset')} {dataset.label} · {config.text('title', lang)}",
        site_title=config.text("title", lang),
        assets="../../assets/",
        root="../../",
        languages=_switch(langs, lang, "../../", "{lang}/datasets/" + entry.slug + ".html"),
        cover=report.cover,
        created=report.created,
        generator=report.generator,
        dataset=view,
    )


def _write(fleet: bool, theme: Path, template: str, page: SitePage, target: Path) -> Path:
    """Render one page; `fleet`: the build has a fleet page, which the navigation links."""
    page = replace(page, has_fleet=fleet)
    html = environment(theme, translator(page.lang)).get_template(template).render(page=page)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html.encode("utf-8"))
    return target


# checking ---------------------------------------------------------------------------------

_ATTR = re.compile(r"""\b(?:href|src|action|poster|data|srcset|formaction|background)\s*=\s*["']?\s*([^"'\s>]+)""", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)|@import\s+["']([^"']+)""", re.I)
_OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
_ALLOWED_SCHEMES = ("data:", "#", "mailto:")


def external_references(text: str) -> list[str]:
    """URLs in links, sources and CSS `url()` that leave the site: anything with a scheme (http:, file:, ...)
    or starting with `//`. `data:` URLs and in-page anchors stay inside. XML namespace names are not links."""
    found = []
    for match in (*_ATTR.finditer(text), *_CSS_URL.finditer(text)):
        url = next(g for g in match.groups() if g)
        if _OUTSIDE.match(url) and not url.lower().startswith(_ALLOWED_SCHEMES):
            found.append(url)
    return found


def check_pages(out: Path) -> None:
    """Every HTML and CSS file in the site refers only to files inside it; SiteError naming the first that does not."""
    for path in sorted(out.rglob("*")):
        if path.suffix.lower() in (".html", ".css") and path.is_file():
            bad = external_references(path.read_text("utf-8", errors="replace"))
            if bad:
                raise SiteError(f"{path.relative_to(out)}: refers outside the site ({bad[0]})")

