"""Builds that several test modules read, each made once per session (tests/conftest.py imports the fixtures).

Why: a full build with PDFs costs seconds of WeasyPrint and vl-convert. The
report, site and slide tests all read one synthetic startup build, and the
determinism and PDF-worker tests all compare it with one second build made
cold in this process, instead of every module building (and rebuilding) its
own copy of nearly the same dataset.

The two builds differ in every way that should not change a byte: the first
runs the command line `reportgen build --no-cache` with its PDFs laid out by
the worker processes; the second calls `build()` with the PDFs laid out in
this process (`jobs=0`) and no cache read or written.

The golden dataset's full build is made once too (`golden_build`), and keeps
what the PDF and slide tests would otherwise build again: the HTML WeasyPrint
got for each PDF, and each language's slide deck as written to slides.html.
It goes into the session's build cache, so `reportgen check` (the golden-render
gate) copies it instead of rendering it again.

Under pytest-xdist (`make test` runs tests/unit on every core) each worker is a
session of its own, so each would make every one of these again: `shared()`
makes each once for all the workers, under a lock in the folder they share,
and the others read what the first made.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

import pytest

if TYPE_CHECKING:
    from reportgen.commands.build import BuildResult
    from reportgen.pages.slides import SlidesPage

GOLDEN = Path(__file__).resolve().parents[1] / "datasets" / "golden" / "reference"

T = TypeVar("T")

EPOCH = "SOURCE_DATE_EPOCH"
"""The build must pin its own dates: neither build may see an epoch from the environment."""


@contextmanager
def without_epoch() -> Iterator[None]:
    """No SOURCE_DATE_EPOCH while the block runs (restored after): the build must pin its own dates."""
    saved = os.environ.pop(EPOCH, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[EPOCH] = saved


def shared(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """`make(folder)` once per test run, into a new folder: under pytest-xdist, once for all its workers.

    The first worker to ask makes it (holding a lock in the folder the workers
    share) and leaves the value pickled beside it; the others wait for the lock
    and read the value, whose paths point into that same folder. A value whose
    making failed is made again by the next worker that asks, which then fails
    with its own error. Without xdist it is a plain `factory.mktemp(name)`.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make(factory.mktemp(name))
    root = factory.getbasetemp().parent / "shared"  # the run's folder, parent of every worker's own
    root.mkdir(exist_ok=True)
    folder, value_file = root / name, root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if value_file.exists():
            return pickle.loads(value_file.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
        folder.mkdir()
        value = make(folder)
        value_file.write_bytes(pickle.dumps(value))
        return value


@dataclass(frozen=True)
class CliBuild:
    """A `reportgen build` run through its command line: where it wrote, what it printed."""

    out: Path
    stdout: str
    stderr: str


@dataclass(frozen=True)
class ColdBuild:
    """A `build()` in this process with no cache; whether the build left an epoch in os.environ."""

    out: Path
    result: BuildResult
    leaked_epoch: bool


@pytest.fixture(scope="session")
def startup_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic startup-suite dataset (three platforms, one failed run), `reference@v1`."""
    from tests.report_fixtures import make_startup_dataset

    return shared(tmp_path_factory, "datasets",
                  lambda folder: make_startup_dataset(folder / "reference", n=20, failures=1, seed=7))


@pytest.fixture(scope="session")
def startup_site(startup_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> CliBuild:
    """Everything (reports, handouts, slides, site; ko and en) from `reportgen build`, PDFs by the worker processes."""
    from typer.testing import CliRunner

    from reportgen.cli import app

    def make(folder: Path) -> CliBuild:
        out = folder / "site"
        with without_epoch():
            done = CliRunner().invoke(app, ["build", str(startup_dataset), "--out", str(out), "--no-cache", "--timings"])
        assert done.exit_code == 0, done.output
        return CliBuild(out, done.stdout, done.stderr)

    return shared(tmp_path_factory, "startup-site", make)


@pytest.fixture(scope="session")
def startup_cold(startup_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> ColdBuild:
    """The same build rendered again (not copied): in this process, PDFs laid out here, no cache."""
    from reportgen.commands.build import BuildOptions, build
    from reportgen.commands.build_cache import Cache

    out = tmp_path_factory.mktemp("startup-cold") / "out"
    with without_epoch():
        result = build(BuildOptions(datasets=(str(startup_dataset),), out=out, cache=False, jobs=0),
                       cache=Cache(out.parent / "unused", enabled=False))
        leaked = EPOCH in os.environ
    return ColdBuild(out, result, leaked)


@dataclass(frozen=True)
class GoldenBuild:
    """The golden dataset's full build, and what went into its PDFs and slides."""

    out: Path
    pdf_html: dict[str, str]
    """"ko/handout.pdf", "en/slides.pdf", ...: the HTML WeasyPrint laid out for that file."""
    decks: dict[str, SlidesPage]
    """Per language, the deck's page context as slides.html renders it (tests lay it out as the PDF)."""


@pytest.fixture(scope="session")
def golden_build(tmp_path_factory: pytest.TempPathFactory) -> GoldenBuild:
    """Reports, handouts, slides and site (ko and en) of the golden dataset, with the build's PDF and deck inputs."""
    from reportgen.commands import build as B
    from reportgen.commands.build_cache import Cache
    from reportgen.pages import slides as slide_deck

    pdf_html: dict[str, str] = {}
    decks: dict[str, SlidesPage] = {}
    submit, slides_page = B.PdfRenderer.submit, slide_deck.slides_page

    def seen_submit(self, job):  # type: ignore[no-untyped-def]
        pdf_html["/".join(job.target.parts[-2:])] = job.html
        return submit(self, job)

    def seen_slides_page(report, deck, tr, mode, **kwargs):  # type: ignore[no-untyped-def]
        page = slides_page(report, deck, tr, mode, **kwargs)
        decks[page.lang] = page
        return page

    out = tmp_path_factory.mktemp("golden") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(B.PdfRenderer, "submit", seen_submit)
        patch.setattr(slide_deck, "slides_page", seen_slides_page)
        result = B.build(B.BuildOptions(datasets=(str(GOLDEN),), out=out))
        if result.cached:  # copied from the session's cache, nothing laid out: render it again to see the inputs
            B.build(B.BuildOptions(datasets=(str(GOLDEN),), out=out, cache=False), cache=Cache(enabled=False))
    assert sorted(pdf_html) == [f"{lang}/{doc}.pdf" for lang in ("en", "ko") for doc in ("handout", "slides")]
    return GoldenBuild(out, pdf_html, decks)


def report_only(*datasets: Path, out: Path, pdf: bool = True, cache: bool = True):  # noqa: ANN201 (BuildOptions)
    """Options for the report and handout only: slides and site are other tests' business."""
    from reportgen.commands.build import BuildOptions

    return BuildOptions(datasets=tuple(str(d) for d in datasets), out=out, pdf=pdf, cache=cache, slides=False, site=False)


@pytest.fixture(scope="session")
def suites_host_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every suite beyond startup from one synthetic host, one VM isolation run failed."""
    from tests.report_fixtures import make_suites_dataset

    return shared(tmp_path_factory, "ds-a", lambda folder: make_suites_dataset(folder / "lab-a", failed_vm_isolation=1))


@pytest.fixture(scope="session")
def suites_host_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second host for C8: another host identity, VMs under TCG instead of KVM, the same container image."""
    from tests.report_fixtures import make_suites_dataset

    return shared(tmp_path_factory, "ds-b", lambda folder: make_suites_dataset(
        folder / "lab-b", seed=5, accelerator="tcg", host_id="synthetic-host-02", host_label="lab-b",
        suites=("image", "recovery")))


@pytest.fixture(scope="session")
def suites_two_hosts(suites_host_a: Path, suites_host_b: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report (no PDF) of both hosts together, through the session's build cache."""
    from reportgen.commands.build import build

    def make(folder: Path) -> Path:
        build(report_only(suites_host_a, suites_host_b, out=folder / "site", pdf=False))
        return folder / "site"

    return shared(tmp_path_factory, "two", make)
