"""The static site: configuration, pages, dataset downloads, relative links, no external URL, size, serving."""

from __future__ import annotations

import hashlib
import io
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from reportgen.cli import app
from reportgen.commands.serve import make_server
from reportgen.writers.site import external_references
from reportgen.site_config import SITE_DIR, SiteConfigError, load_site_config, option_names
from tests.shared_builds import CliBuild

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("ko", "en")
GOLDEN_KEY = "golden/reference"
MAX_PAGE_BYTES = 1_000_000


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


@pytest.fixture(scope="module")
def dataset(startup_dataset: Path) -> Path:
    """The session's synthetic startup dataset (tests/shared_builds.py)."""
    return startup_dataset


@pytest.fixture(scope="module")
def site(startup_site: CliBuild) -> Path:
    """The session's full `reportgen build` of `dataset`, site included (read-only)."""
    return startup_site.out


# configuration -----------------------------------------------------------------------


def write_config(tmp_path: Path, text: str, notes: tuple[str, ...] = LANGS) -> Path:
    for lang in notes:
        (tmp_path / f"notes.{lang}.md").write_text(f"# Notes {lang}\n")
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


VALID = """
languages = ["ko", "en"]
publish = ["golden"]
[title]
ko = "제목"
en = "Title"
[notes]
ko = "notes.ko.md"
en = "notes.en.md"
"""


def test_bundled_config_is_valid_and_every_option_is_documented() -> None:
    config = load_site_config()
    assert config.languages == LANGS and config.publish == ("golden",)
    assert all(config.text("title", lang) and config.notes_path(lang).is_file() for lang in LANGS)
    source = (ROOT / "reportgen/site_config.py").read_text()
    for name in option_names():
        assert re.search(rf'\n    {name}: [^\n]+\n(    [^\n]*\n)*?    """', source), f"option {name} has no docstring"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('titel = "x"\n' + VALID, "unknown key 'titel'"),
        (VALID.replace('en = "Title"\n', ""), "title: no 'en' translation"),
        (VALID.replace('en = "notes.en.md"\n', ""), "notes: no 'en' translation"),
        (VALID.replace('publish = ["golden"]', 'publish = "golden"'), "publish: expected a list"),
        (VALID.replace('["ko", "en"]', '["ko", "fr"]'), "'fr' has no message catalog"),
        (VALID.replace('en = "notes.en.md"', 'en = "gone.md"'), "notes.en: "),
        (VALID.replace("[title]", "[title"), "invalid TOML"),
        (VALID.replace('ko = "제목"\n', 'ko = "제목"\nfr = "Titre"\n'), "title.fr: 'fr' is not one of the site's languages"),
    ],
)
def test_bad_config_is_one_line_naming_the_option(tmp_path: Path, text: str, message: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(SiteConfigError) as caught:
        load_site_config(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(path)) or "site.toml" in str(caught.value)


def test_cli_reports_a_bad_config_in_one_line_and_writes_nothing(tmp_path: Path, dataset: Path) -> None:
    path = write_config(tmp_path, "colour = 1\n" + VALID)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(dataset), "--out", str(out), "--site-config", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown key 'colour'" in lines[0]
    assert not out.exists()


def test_publish_of_nothing_is_a_one_line_error(tmp_path: Path, dataset: Path) -> None:
    path = write_config(tmp_path, VALID.replace('["golden"]', '["no-such-dataset"]'))
    result = CliRunner().invoke(app, ["build", str(dataset), "--out", str(tmp_path / "o"), "--site-config", str(path)])
    assert result.exit_code == 2 and "no-such-dataset" in result.output and len(result.output.strip().splitlines()) == 1


# pages -------------------------------------------------------------------------------


def test_front_door_switches_language_and_links_every_material(site: Path) -> None:
    index = soup(site / "index.html")
    assert index.html["lang"] == "ko"
    switch = {a["hreflang"]: a["href"] for a in index.select(".lang-switch a")}
    assert switch == {"en": "en/index.html"}
    for lang in LANGS:
        home = soup(site / lang / "index.html")
        assert home.html["lang"] == lang
        materials = {li["data-material"]: li.a["href"] for li in home.select("[data-material]")}
        assert materials == {
            "report": f"../{lang}/report.html",
            "handout": f"../{lang}/handout.pdf",
            "slides": f"../{lang}/slides.html",
            "slides-pdf": f"../{lang}/slides.pdf",
            "notes": f"../{lang}/notes.html",
        }
        other = [code for code in LANGS if code != lang][0]
        assert {a["hreflang"]: a["href"] for a in home.select(".lang-switch a")} == {other: f"../{other}/index.html"}


def test_notes_page_in_each_language(site: Path) -> None:
    ko = soup(site / "ko/notes.html").select_one(".notes-page").get_text()
    en = soup(site / "en/notes.html").select_one(".notes-page").get_text()
    assert "강의 노트" in ko and "Course notes" in en
    assert soup(site / "en/notes.html").select_one(".notes-page h2")


def test_datasets_section_lists_golden_and_the_reported_dataset(site: Path, dataset: Path) -> None:
    home = soup(site / "en/index.html")
    rows = {row["data-dataset"]: row for row in home.select("table.dataset-list tbody tr")}
    golden = [key for key in rows if key.startswith(GOLDEN_KEY + "/")]
    assert golden, "the golden dataset is published by default"
    reported = [key for key, row in rows.items() if row.select_one(".badge")]
    assert reported == ["reference/v1"], "the report's own dataset is published and marked"
    for key, row in rows.items():
        links = [a["href"] for a in row.select("td.downloads a")]
        assert links == [f"../datasets/{key}/samples.csv", f"../datasets/{key}/samples.parquet"]


@pytest.mark.parametrize("lang", LANGS)
def test_dataset_page_has_manifest_tables_downloads_and_checksums(site: Path, dataset: Path, lang: str) -> None:
    page = soup(site / lang / "datasets" / "reference-v1.html")
    facts = page.select_one("#manifest").get_text(" ", strip=True)
    for value in ("Synthetic CPU @ 2.0GHz", "24.0.7", "7.2.15", "vmcbench-collector 0.1.0"):
        assert value in facts, value
    assert ("KVM" in facts), "the accelerator"
    rows = page.select('.suite[data-suite="startup"] table tbody tr')
    assert {r["data-chart"] for r in rows} == {"C3", "C5"}
    c3 = {r["data-platform"]: r for r in rows if r["data-chart"] == "C3"}
    assert set(c3) == {"process", "container", "vm"}
    downloads = {tr_["data-file"]: tr_ for tr_ in page.select("#downloads tbody tr")}
    assert set(downloads) == {"SHA256SUMS", "manifest.json", "samples.csv", "samples.parquet"}
    for name, row in downloads.items():
        target = (site / lang / "datasets" / row.a["href"]).resolve()
        assert target.is_file(), name
        assert row.select_one(".sha").get_text(strip=True) == hashlib.sha256(target.read_bytes()).hexdigest()


def test_downloads_are_the_dataset_and_a_faithful_csv(site: Path, dataset: Path) -> None:
    folder = site / "datasets" / "reference" / "v1"
    assert (folder / "samples.parquet").read_bytes() == (dataset / "samples.parquet").read_bytes()
    assert (folder / "manifest.json").read_bytes() == (dataset / "manifest.json").read_bytes()
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    parquet = pq.read_table(folder / "samples.parquet")
    csv = pacsv.read_csv(io.BytesIO((folder / "samples.csv").read_bytes()))
    assert csv.num_rows == parquet.num_rows and csv.column_names == parquet.column_names
    assert csv["value"].to_pylist() == pytest.approx(parquet["value"].to_pylist(), nan_ok=True)
    assert csv["sample_id"].to_pylist() == parquet["sample_id"].to_pylist()


# offline and relative ---------------------------------------------------------------------


def test_no_page_refers_outside_the_site_and_every_page_is_small(site: Path) -> None:
    checked = 0
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".css"):
            text = path.read_text("utf-8")
            without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", text)
            assert not re.search(r"https?://", without_namespaces), f"{path.relative_to(site)} names an external URL"
            assert not external_references(text), path
            checked += 1
        if path.suffix == ".html":
            assert path.stat().st_size < MAX_PAGE_BYTES, f"{path.relative_to(site)}: {path.stat().st_size} bytes"
    assert checked >= 10


def link_targets(page: Path) -> list[str]:
    doc = soup(page)
    refs = [tag.get(attr) for tag in doc.find_all(True) for attr in ("href", "src") if tag.get(attr)]
    return [r for r in refs if not r.startswith(("#", "data:"))]


def test_every_relative_link_resolves_to_a_file_in_the_site(site: Path) -> None:
    """What file:// and any sub-path of a web server both need: no absolute paths, every target present."""
    seen = 0
    for page in pages(site):
        for ref in link_targets(page):
            parts = urlsplit(ref)
            assert not parts.scheme and not parts.netloc, f"{page.relative_to(site)}: {ref}"
            assert not ref.startswith("/"), f"{page.relative_to(site)}: root-relative {ref} breaks under a sub-path"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)} -> {ref}: missing"
            assert site.resolve() in target.parents, f"{page.relative_to(site)} -> {ref}: outside the site"
            if parts.fragment and target.suffix == ".html" and not target.name == "slides.html":
                assert soup(target).find(id=parts.fragment), f"{page.relative_to(site)} -> {ref}: no #{parts.fragment}"
            seen += 1
    assert seen > 50


def test_external_references_finds_links_out_but_not_namespaces() -> None:
    html = (
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="https://example.org/x">x</a></svg>'
        '<img src="//cdn.example/y.png"><link href="../assets/css/base.css"><a href="#top">t</a>'
        "<style>@import 'http://fonts.example/f.css'; b { background: url(data:image/gif;base64,AA) }</style>"
    )
    assert external_references(html) == ["https://example.org/x", "//cdn.example/y.png", "http://fonts.example/f.css"]


def test_no_site_option_writes_no_site(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(dataset), "--out", str(out), "--no-site", "--no-pdf", "--no-slides"])
    assert result.exit_code == 0, result.output
    assert not (out / "index.html").exists() and not (out / "datasets").exists()


# serving -------------------------------------------------------------------------------


def test_serve_binds_loopback_and_serves_only_the_site(site: Path) -> None:
    server = make_server(site, 0, echo=lambda line: None)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/index.html", timeout=10) as response:
            assert response.status == 200 and b"lang-switch" in response.read()
        with urllib.request.urlopen(f"{base}/en/slides.html", timeout=10) as response:
            assert b"reveal" in response.read()
        with urllib.request.urlopen(f"{base}/datasets/reference/v1/samples.csv", timeout=10) as response:
            assert response.read().startswith(b'"sample_id"')
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/../../etc/passwd", timeout=10)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_serve_help_names_the_address() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.output and "--port" in result.output


def test_bundled_site_folder_has_notes_in_every_language() -> None:
    for lang in LANGS:
        assert (SITE_DIR / f"notes.{lang}.md").read_text().strip()
