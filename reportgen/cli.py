"""The `reportgen` command line (typer)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from collector.dataset import DatasetError, printable

from reportgen.i18n.catalogs import LANGS, parse_langs

app = typer.Typer(
    help="Turn vmcbench datasets into the bilingual HTML report and PDF handout.",
    add_completion=False,
    no_args_is_help=True,
)


def _one_line(text: str) -> str:
    """An error for the terminal: one line, no control characters or escape sequences."""
    return printable(" ".join(str(text).split()))


@app.callback()
def main() -> None:
    """Turn vmcbench datasets into the bilingual HTML report and PDF handout."""


@app.command()
def build(
    datasets: Optional[list[str]] = typer.Argument(
        None,
        metavar="DATASET",
        help=(
            "Datasets to report on: a version folder (datasets/golden/reference/v1), a dataset folder "
            "(its newest committed version), or name@version looked up under $VMCBENCH_DATASETS "
            "(default ./datasets). Several datasets (several hosts) are compared side by side. "
            "Default: the newest version of datasets/golden/reference."
        ),
        show_default=False,
    ),
    out: Path = typer.Option(
        Path("build/site"),
        "--out",
        "-o",
        help=(
            "Output folder. Gets <lang>/report.html, <lang>/handout.pdf and assets/ (CSS, fonts). Built in a "
            "temporary folder beside it and renamed at the end, so it is either the old build or the new one, "
            "never half of one."
        ),
    ),
    lang: str = typer.Option(
        ",".join(LANGS),
        "--lang",
        "-l",
        help=f"Comma-separated languages to build, from: {', '.join(LANGS)}.",
    ),
    pdf: bool = typer.Option(
        True,
        "--pdf/--no-pdf",
        help="Write the PDF handouts as well (needs WeasyPrint and pango). --no-pdf builds the HTML only.",
    ),
    theme: Optional[Path] = typer.Option(
        None,
        "--theme",
        help="Theme folder (base.html, report.html, handout.html, css/, fonts/). Default: the bundled templates/.",
        exists=True,
        file_okay=False,
        show_default=False,
    ),
    slides: bool = typer.Option(
        True,
        "--slides/--no-slides",
        help="Write the slide deck per language: <lang>/slides.html (reveal.js) and <lang>/slides.pdf (16:9).",
    ),
    site: bool = typer.Option(
        True,
        "--site/--no-site",
        help="Write the static site: index.html, <lang>/index.html, notes, dataset pages and downloads.",
    ),
    site_config: Optional[Path] = typer.Option(
        None,
        "--site-config",
        help="The site's configuration file. Default: site/site.toml.",
        dir_okay=False,
        show_default=False,
    ),
    timings: bool = typer.Option(False, "--timings", help="Print how long each build stage took."),
    cache: bool = typer.Option(
        True,
        "--cache/--no-cache",
        help=(
            "Take unchanged outputs from the build cache ($VMCBENCH_CACHE_DIR, else $XDG_CACHE_HOME/vmcbench/build, "
            "else ~/.cache/vmcbench/build; safe to delete) and store new ones. --no-cache renders everything."
        ),
    ),
    progress: bool = typer.Option(
        True, "--progress/--no-progress",
        help="Show progress on stderr for a build over a second: bars on a terminal, one line per stage in a log.",
    ),
    compare: Optional[str] = typer.Option(
        None,
        "--compare",
        help=(
            "An older dataset (version folder, dataset folder or name@version) to compare the first DATASET with: "
            "adds a section to the report, handout and site with old vs new per metric and the verdicts of "
            "`reportgen diff`."
        ),
        show_default=False,
    ),
) -> None:
    """Build everything in each language from one or more datasets: the report (HTML), the handout (PDF),
    the slides (HTML and PDF) and the static site that links them (index.html).

    Exit status: 0 built; 2 bad input (an invalid dataset or site configuration: one line naming the file
    and the reason).
    """
    from reportgen.commands.build import TEMPLATES_DIR, BuildOptions
    from reportgen.commands.build import build as run_build
    from reportgen.writers.pdf import MissingDependency
    from reportgen.rendering.render_svg import RenderError
    from reportgen.writers.site import SiteError
    from reportgen.site_config import SITE_DIR, SiteConfigError

    try:
        langs = parse_langs(lang)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--lang") from None
    options = BuildOptions(
        datasets=tuple(datasets or ()),
        out=out,
        langs=langs,
        pdf=pdf,
        theme=(theme or TEMPLATES_DIR).resolve(),
        slides=slides,
        site=site,
        site_config=site_config or SITE_DIR / "site.toml",
        compare=compare,
        cache=cache,
    )
    from reportgen.commands.progress import Progress, Silent

    try:
        result = run_build(options, progress=Progress() if progress else Silent())
    except (DatasetError, SiteConfigError, SiteError) as exc:
        typer.echo(f"reportgen: error: {_one_line(str(exc))}", err=True)
        raise typer.Exit(2) from None
    except (MissingDependency, RenderError) as exc:
        typer.echo(f"reportgen: error: {_one_line(str(exc))}", err=True)
        raise typer.Exit(1) from None
    for path in result.files:
        if path.suffix in (".html", ".pdf"):
            typer.echo(str(out / path))
    if timings:
        for stage, seconds in result.seconds.items():
            typer.echo(f"{stage:>8}: {seconds:6.2f} s")
        typer.echo("   cache: " + ("whole build from the cache" if result.cached else
                                   ", ".join(f"{k} {v}" for k, v in sorted(result.cache.items())) or "off"))


@app.command()
def serve(
    datasets: Optional[list[str]] = typer.Argument(
        None, metavar="DATASET", help="Datasets to build from, as for `reportgen build` (default: the golden one).",
        show_default=False,
    ),
    out: Path = typer.Option(
        Path("build/site"), "--out", "-o", help="The site folder to build and serve (what `reportgen build --out` writes).",
        file_okay=False,
    ),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
    watch: bool = typer.Option(
        True, "--watch/--no-watch",
        help=(
            "Build first, then rebuild when a template, stylesheet, catalog, the site folder or a dataset changes, "
            "and reload the open pages (a script added to served pages only, never to the files). "
            "--no-watch serves OUT as it is."
        ),
    ),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Build the PDFs too (after the HTML of each rebuild)."),
    theme: Optional[Path] = typer.Option(None, "--theme", help="Theme folder (default: the bundled templates/).",
                                         exists=True, file_okay=False, show_default=False),
) -> None:
    """Preview the site at http://127.0.0.1:PORT/ (this machine only) until Ctrl-C, rebuilt and reloaded on change."""
    from reportgen.commands.serve import serve as run_server

    if not watch:
        if not out.is_dir():
            raise typer.BadParameter(f"{out} is not a folder (build it first, or serve with --watch)", param_hint="--out")
        run_server(out, port, echo=typer.echo)
        return
    from reportgen.commands.build import TEMPLATES_DIR, BuildOptions
    from reportgen.commands.build import build as run_build
    from reportgen.commands.progress import Progress
    from reportgen.commands.watch import Watcher

    options = BuildOptions(datasets=tuple(datasets or ()), out=out, pdf=pdf, theme=(theme or TEMPLATES_DIR).resolve())
    try:
        run_build(options, progress=Progress())
    except DatasetError as exc:
        typer.echo(f"reportgen: error: {_one_line(str(exc))}", err=True)
        raise typer.Exit(2) from None
    run_server(out, port, echo=typer.echo, watcher=Watcher(options, echo=typer.echo))


@app.command()
def messages(
    update: bool = typer.Option(False, "--update", help="Add new msgids to every catalog (Korean left empty)."),
) -> None:
    """Check that every text in templates and code has a Korean and an English translation.

    Exit status 1 lists the missing ones. With --update, new msgids are first added to the .po files
    under reportgen/locale (English filled with the msgid, Korean empty, to be translated).
    """
    from reportgen.commands.build import TEMPLATES_DIR
    from reportgen.i18n.catalogs import extract_messages, missing_translations, update_catalogs

    if update:
        added = update_catalogs(TEMPLATES_DIR)
        for lang_code, ids in added.items():
            typer.echo(f"{lang_code}: {len(ids)} new msgid(s)")
    found = extract_messages(TEMPLATES_DIR)
    missing = {code: missing_translations(code, found) for code in LANGS}
    for code, ids in missing.items():
        for msgid in ids:
            typer.echo(f"{code}: missing: {msgid!r} ({found[msgid][0]})")
    if any(missing.values()):
        raise typer.Exit(1)
    typer.echo(f"{len(found)} msgids, translated in {', '.join(LANGS)}")


@app.command()
def diff(
    old: str = typer.Argument(..., help="The reference dataset: a version folder, a dataset folder (newest version) or name@version."),
    new: str = typer.Argument(..., help="The dataset to judge against OLD, in the same forms."),
    alpha: Optional[float] = typer.Option(None, "--alpha", help="Significance level of the Mann–Whitney U test (default 0.05, or the config's)."),
    config: Optional[Path] = typer.Option(None, "--config", help="Thresholds file (TOML): alpha, [default] and [metrics.NAME] with better, min_ratio, exact. Default: the bundled reportgen/load/diff_thresholds.toml."),
    fmt: str = typer.Option("table", "--format", "-f", help="Output: table (terminal), md (Markdown) or json."),
    lang: str = typer.Option("en", "--lang", "-l", help="Language of the table and Markdown: en or ko."),
) -> None:
    """Compare two datasets metric by metric: medians, 95% CI, Mann–Whitney U p-value and a verdict.

    Every suite, platform, workload, metric (and phase) present in either dataset is compared;
    exact metrics (bytes, counts) are compared exactly. Host-fingerprint differences come first.
    Exit status: 0 nothing regressed; 1 something regressed; 2 bad input.
    """
    from rich.console import Console

    from collector.dataset import read_dataset

    from reportgen.commands import diff as diff_output
    from reportgen.load.compare import Thresholds, compare, host_differences, regressed
    from reportgen.i18n.catalogs import translator

    if fmt not in ("table", "md", "json"):
        typer.echo(f"reportgen: error: --format must be table, md or json, not {fmt!r}", err=True)
        raise typer.Exit(2)
    try:
        tr = translator(parse_langs(lang)[0])
        thresholds = Thresholds.load(config, alpha)
        a, b = read_dataset(old), read_dataset(new)
    except (DatasetError, ValueError) as exc:
        typer.echo(f"reportgen: error: {_one_line(str(exc))}", err=True)
        raise typer.Exit(2) from None
    comparisons = compare(a.samples, b.samples, thresholds)
    hosts = host_differences(a.manifest, b.manifest)
    if fmt == "json":
        typer.echo(diff_output.as_json(a.label, b.label, hosts, comparisons, thresholds.alpha))
    elif fmt == "md":
        typer.echo(diff_output.markdown(a.label, b.label, hosts, comparisons, thresholds.alpha, tr))
    else:
        diff_output.terminal(a.label, b.label, hosts, comparisons, thresholds.alpha, Console(width=160), tr)
    raise typer.Exit(1 if regressed(comparisons) else 0)


@app.command()
def check(
    golden: Path = typer.Argument(Path("tests/golden_renders"), help="Folder of committed golden renders (per language: PDF page texts, chart specs, HTML outlines)."),
    datasets: Optional[list[str]] = typer.Option(None, "--dataset", help="Dataset(s) to build from (repeatable). Default: the golden dataset."),
    lang: str = typer.Option(",".join(LANGS), "--lang", "-l", help="Languages to check."),
    update: bool = typer.Option(False, "--update", help="Rewrite the golden renders from this build (after an intended change)."),
) -> None:
    """Build from the golden dataset and compare the renders with GOLDEN, as readable diffs.

    Exit status: 0 same (or updated); 1 something differs (the diff is printed); 2 bad input.
    """
    from reportgen.commands.check import check as run_check

    try:
        result = run_check(golden, tuple(datasets or ()), parse_langs(lang), update)
    except (DatasetError, ValueError) as exc:
        typer.echo(f"reportgen: error: {_one_line(str(exc))}", err=True)
        raise typer.Exit(2) from None
    if update:
        typer.echo(f"updated golden renders in {golden}")
        return
    for rel, text in result.changed.items():
        typer.echo(text, nl=False)
    for rel in result.added:
        typer.echo(f"new render, not in golden: {rel}")
    for rel in result.removed:
        typer.echo(f"golden render no longer produced: {rel}")
    if not result.ok:
        typer.echo(f"renders differ from {golden}: {len(result.changed)} changed, {len(result.added)} new, "
                   f"{len(result.removed)} gone; run `reportgen check {golden} --update` if intended", err=True)
        raise typer.Exit(1)
    typer.echo(f"renders match {golden}")
