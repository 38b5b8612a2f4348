"""The build cache: cached and cold builds are the same bytes; a change re-renders only what depends on it.

Here, not in tests/unit: what is checked is which PDFs a build lays out again and that their bytes do
not change, so the module makes three full cold builds and four partial rebuilds with real PDFs (about
a minute on two cores); the cold build and the filled cache are made once and shared by its tests.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reportgen.commands.build import TEMPLATES_DIR, BuildOptions, BuildResult, build
from reportgen.commands.build_cache import Cache, default_root
from reportgen.i18n import catalogs
from tests.report_fixtures import make_startup_dataset


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A datasets root: golden/reference (reported) and golden/extra (only published on the site)."""
    folder = tmp_path_factory.mktemp("datasets")
    make_startup_dataset(folder / "golden" / "reference", n=6, seed=3)
    make_startup_dataset(folder / "golden" / "extra", n=4, seed=4, host_id="synthetic-host-02")
    return folder


@pytest.fixture()
def options(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BuildOptions:
    monkeypatch.setenv("VMCBENCH_DATASETS", str(root))
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    return BuildOptions(datasets=(str(root / "golden" / "reference"),), out=tmp_path / "site", theme=theme)


@dataclass(frozen=True)
class Builds:
    """The module's renders of the same options, made once: cold with --no-cache, and into an empty cache."""

    folder: Path
    cold: BuildResult
    first: BuildResult
    first_cache: Cache
    primed: Path
    """A copy of the cache as the build into the empty cache left it; tests copy it, never change it."""


@pytest.fixture(scope="module")
def builds(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The two full renders every test here starts from (the keys name the theme by its bytes, not its folder)."""
    folder = tmp_path_factory.mktemp("builds")
    options = BuildOptions(datasets=(str(root / "golden" / "reference"),), out=folder / "site", theme=TEMPLATES_DIR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VMCBENCH_DATASETS", str(root))
        cold = build(replace(options, out=folder / "cold", cache=False), cache=Cache(folder / "unused", enabled=False))
        cache = Cache(folder / "cache")
        first = build(replace(options, out=folder / "first"), cache=cache)
    shutil.copytree(folder / "cache", folder / "primed")
    return Builds(folder, cold, first, cache, folder / "primed")


def primed_cache(builds: Builds, tmp_path: Path) -> Path:
    """This test's own copy of the primed cache, where the test's builds read and write."""
    shutil.copytree(builds.primed, tmp_path / "cache")
    return tmp_path / "cache"


def test_cache_folder_is_outside_the_output_and_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VMCBENCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_root() == tmp_path / "xdg" / "vmcbench" / "build"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_root() == Path.home() / ".cache" / "vmcbench" / "build"


def test_cached_and_cold_builds_are_byte_identical(builds: Builds, options: BuildOptions, tmp_path: Path) -> None:
    cold, first, cache = builds.cold, builds.first, builds.first_cache
    assert not cold.cached and not cold.cache and not (builds.folder / "unused").exists()  # --no-cache: nothing read or written
    assert not first.cached and cache.misses("pdf") == 4 and cache.misses("tree") == 1
    primed_cache(builds, tmp_path)
    again = build(replace(options, out=tmp_path / "again"), cache=Cache(tmp_path / "cache"))
    assert again.cached
    assert tree(builds.folder / "cold") == tree(builds.folder / "first") == tree(tmp_path / "again")
    # per-entry hits (the whole-tree entry deleted) give the same bytes too
    shutil.rmtree(tmp_path / "cache" / "tree")
    parts = Cache(tmp_path / "cache")
    pieces = build(replace(options, out=tmp_path / "pieces"), cache=parts)
    assert not pieces.cached and parts.hits("pdf") == 4 and parts.misses("svg") == 0 and parts.hits("summaries") == 1
    assert tree(tmp_path / "pieces") == tree(builds.folder / "cold")
    # safe to delete: an emptied cache is a cold build
    shutil.rmtree(tmp_path / "cache")
    assert tree(builds.folder / "cold") == tree(Path(build(replace(options, out=tmp_path / "x"), cache=Cache(tmp_path / "cache")).out))


def rebuild(options: BuildOptions, tmp_path: Path) -> Cache:
    cache = Cache(tmp_path / "cache")
    result = build(options, cache=cache)
    assert not result.cached
    return cache


def test_a_changed_template_re_renders_only_the_pdfs_it_makes(builds: Builds, options: BuildOptions, tmp_path: Path) -> None:
    assert build(options, cache=Cache(primed_cache(builds, tmp_path))).cached  # as the first build left it
    slides = options.theme / "slides.html"
    text = slides.read_text("utf-8")
    assert "{% block styles %}" in text
    slides.write_text(text.replace("{% block styles %}", "{% block styles %}<!-- edited -->", 1), "utf-8")
    cache = rebuild(options, tmp_path)
    assert (cache.misses("pdf"), cache.hits("pdf")) == (2, 2)  # both slide decks, neither handout
    assert cache.misses("svg") == 0 and cache.hits("summaries") == 1
    assert "edited" in (options.out / "en" / "slides.html").read_text("utf-8")


def test_a_changed_stylesheet_re_renders_only_the_pdfs_that_use_it(builds: Builds, options: BuildOptions, tmp_path: Path) -> None:
    assert build(options, cache=Cache(primed_cache(builds, tmp_path))).cached  # as the first build left it
    css = options.theme / "css" / "handout.css"
    css.write_text(css.read_text("utf-8") + "\n/* edited */\n", "utf-8")
    cache = rebuild(options, tmp_path)
    assert (cache.misses("pdf"), cache.hits("pdf")) == (2, 2)  # both handouts, neither slide deck


def test_a_changed_catalog_string_re_renders_only_the_pages_that_show_it(
    builds: Builds, options: BuildOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(options, cache=Cache(primed_cache(builds, tmp_path))).cached  # as the first build left it
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, locale)
    po = locale / "en" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    assert 'msgstr "Course slides"' in text
    po.write_text(text.replace('msgstr "Course slides"', 'msgstr "Lecture slides"'), "utf-8")
    monkeypatch.setattr(catalogs, "LOCALE_DIR", locale)
    catalogs.catalog.cache_clear()
    catalogs.translations.cache_clear()
    try:
        cache = rebuild(options, tmp_path)
    finally:
        catalogs.catalog.cache_clear()
        catalogs.translations.cache_clear()
    assert (cache.misses("pdf"), cache.hits("pdf")) == (1, 3)  # the English slides only
    assert "Lecture slides" in (options.out / "en" / "slides.html").read_text("utf-8")


def test_a_changed_published_dataset_lays_out_no_pdf_again(builds: Builds, options: BuildOptions, root: Path, tmp_path: Path) -> None:
    assert build(options, cache=Cache(primed_cache(builds, tmp_path))).cached  # as the first build left it
    make_startup_dataset(root / "golden" / "extra", n=5, seed=5, host_id="synthetic-host-02")  # a new version
    cache = rebuild(options, tmp_path)
    assert (cache.misses("pdf"), cache.hits("pdf")) == (0, 4) and cache.misses("svg") == 0
    assert len(list((options.out / "datasets" / "golden" / "extra").iterdir())) == 2
