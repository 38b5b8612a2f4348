"""The `reportgen` command line (typer)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from collector.dataset import DatasetError

from .i18n import LANGS, parse_langs

app = typer.Typer(
    help="Turn vmcbench datasets into the bilingual HTML report and PDF handout.",
    add_completion=False,
    no_args_is_help=True,
)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


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
    timings: bool = typer.Option(False, "--timings", help="Print how long each build stage took."),
) -> None:
    """Build the report (HTML) and handout (PDF) in each language from one or more datasets.

    Exit status: 0 built; 2 bad input (an invalid dataset: one line naming the file and the reason).
    """
    from .build import TEMPLATES_DIR, BuildOptions
    from .build import build as run_build
    from .pdf import MissingDependency
    from .render_svg import RenderError

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
    )
    try:
        result = run_build(options)
    except DatasetError as exc:
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


@app.command()
def messages(
    update: bool = typer.Option(False, "--update", help="Add new msgids to every catalog (Korean left empty)."),
) -> None:
    """Check that every text in templates and code has a Korean and an English translation.

    Exit status 1 lists the missing ones. With --update, new msgids are first added to the .po files
    under reportgen/locale (English filled with the msgid, Korean empty, to be translated).
    """
    from .build import TEMPLATES_DIR
    from .i18n import extract_messages, missing_translations, update_catalogs

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
