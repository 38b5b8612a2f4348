"""Benchmark of the whole `reportgen build` (reports, handouts, slides, site; ko and en), cold, beside Marp CLI.

    .venv/bin/python bench/bench_full_build.py            # both measurements
    .venv/bin/python bench/bench_full_build.py --no-marp  # only the full build

1. Full build, cold: `python -m reportgen build` of the golden dataset in a
   fresh interpreter (imports, vl-convert's engine and fonts included), into
   an empty folder. Wall time, the child's CPU time and peak RSS, and the
   build's own stage timings. Budget: 20 s.
2. Marp CLI (npm @marp-team/marp-cli, pinned in bench/marp/package.json,
   installed there with `npm ci` on first use; node_modules is not committed)
   turning the same slides, written as Markdown with the same inline SVG
   charts (ko and en), into two PDFs with Debian's Chromium (CHROME_PATH).
   Marp runs Chromium with --no-sandbox by itself when it runs as root; we
   also set CHROME_NO_SANDBOX=1 and CHROME_DISABLE_GPU=1, its documented
   switches, so the same flags apply as user. Timed: one `marp` process
   converting both files.

Printed: the full build's time, our slides stage (HTML + PDF, both
languages) from that same build, Marp's time, and the ratios. Exit status 1
when the full build is over budget. Not a test: timings depend on the
machine (2 cores here) and on what else runs on it, so the CPU time is
printed too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARP_DIR = ROOT / "bench" / "marp"
CHROMIUM = Path("/usr/bin/chromium")
BUDGET_S = 20.0
LANGS = ("ko", "en")


@dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float
    """User + system seconds of the child (and its children, for Marp: node and Chromium)."""
    peak_rss: int
    output: str


def run_timed(argv: list[str], *, cwd: Path, env: dict[str, str]) -> Timed:
    """Run `argv` to the end; its wall time, and from wait4 the CPU time and peak RSS of it and its children."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}):\n{output.strip()[-2000:]}")
    return Timed(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, output)


def golden() -> Path:
    sys.path.insert(0, str(ROOT))
    from collector.dataset import resolve

    return Path(resolve(ROOT / "datasets" / "golden" / "reference").path)


def full_build(dataset: Path, out: Path, cache: Path) -> tuple[Timed, dict[str, float]]:
    """`reportgen build` with the build cache in `cache` (empty: a cold build; filled: a rebuild)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "VMCBENCH_CACHE_DIR": str(cache)}
    env.pop("SOURCE_DATE_EPOCH", None)
    argv = [sys.executable, "-m", "reportgen", "build", str(dataset), "--out", str(out), "--lang", ",".join(LANGS), "--timings"]
    timed = run_timed(argv, cwd=ROOT, env=env)
    stages = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s*(\w+):\s+([\d.]+) s$", timed.output, re.M)}
    return timed, stages


# Marp ----------------------------------------------------------------------------------------


def marp_binary() -> Path:
    """bench/marp/node_modules/.bin/marp, installed from the committed lock file on first use."""
    binary = MARP_DIR / "node_modules" / ".bin" / "marp"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm not found: apt-get install npm (Marp CLI is an npm package)")
        env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=MARP_DIR, env=env, check=True)
    return binary


def markdown_decks(dataset: Path, folder: Path) -> list[Path]:
    """The same slides as Markdown for Marp: same titles, claims and notes, the same inline SVG charts."""
    sys.path.insert(0, str(ROOT))
    from reportgen.commands import build as B
    from reportgen.pages import slides as S
    from reportgen.i18n.catalogs import translator

    loaded = B.load((str(dataset),))
    inputs = B.summarise(loaded)
    fonts = B.TEMPLATES_DIR / "fonts"
    written = []
    for lang in LANGS:
        tr = translator(lang)
        report = B.report_page(loaded, inputs, B.chart_blocks(inputs, tr, fonts), tr, B.BuildOptions())
        deck = S.build_slides(report, tr)
        path = folder / f"slides.{lang}.md"
        path.write_text(to_markdown(deck, report, fonts), "utf-8")
        written.append(path)
    return written


def to_markdown(deck, report, fonts: Path) -> str:  # noqa: ANN001
    style = f"""
  @font-face {{ font-family: "Noto Sans KR"; src: url("{(fonts / 'NotoSansKR-Regular.ttf').as_uri()}"); font-weight: 400; }}
  @font-face {{ font-family: "Noto Sans KR"; src: url("{(fonts / 'NotoSansKR-Bold.ttf').as_uri()}"); font-weight: 700; }}
  section {{ font-family: "Noto Sans KR"; font-size: 18px; padding: 30px 40px; }}
  h1 {{ font-size: 34px; }} h2 {{ font-size: 26px; margin: 0 0 10px; }}
  .fig svg {{ max-width: 100%; max-height: 250px; width: auto; height: auto; }}
  table {{ font-size: 11px; }} li, p {{ font-size: 14px; }}"""
    parts = ["---\nmarp: true\nsize: 16:9\npaginate: true\nstyle: |" + style.replace("\n", "\n  ") + "\n---\n"]
    for slide in deck:
        lines = []
        if slide.kind == "title":
            lines += [f"# {report.cover.titles[0].text}", "", *(t.text for t in report.cover.titles[1:]),
                      report.cover.subtitle, "", report.cover.lead]
        else:
            lines += [f"## {slide.title}", ""]
        for fig in slide.figures:
            lines += [f'<div class="fig">{fig.svg}</div>' if fig.svg else f"> {fig.missing}", ""]
        for claim in slide.claims:
            lines += [f"**{claim.label}**", "", *(f"- {text}" for text in claim.texts), ""]
        if slide.matrix is not None:
            columns = range(len(slide.matrix.platforms)) if slide.column is None else [slide.column]
            lines += ["| | " + " | ".join(slide.matrix.platforms[c] for c in columns) + " |", "|---" * (len(columns) + 1) + "|"]
            for row in slide.matrix.rows:
                lines.append(f"| {row.criterion} | " + " | ".join(f"{row.cells[c].verdict_label}: {row.cells[c].text}" for c in columns) + " |")
        lines += [*slide.paragraphs]
        for group in slide.groups:
            lines += [f"**{group.title}**", "", *(f"- {f.label}: {f.value}" for f in group.facts), ""]
        lines += [f"- `{f.name}` {f.sha256}" for f in slide.files]
        lines += ["", "<!--", *(n.replace("--", "—") for n in slide.notes), "-->"]
        parts.append("\n".join(lines) + "\n")
    return "\n---\n\n".join(parts)


def run_marp(decks: list[Path]) -> Timed:
    env = {
        **os.environ,
        "CHROME_PATH": str(CHROMIUM),
        "CHROME_NO_SANDBOX": "1",
        "CHROME_DISABLE_GPU": "1",
        "PUPPETEER_SKIP_DOWNLOAD": "1",
    }
    argv = [str(marp_binary()), "--pdf", "--html", "--allow-local-files", "--no-stdin", *map(str, decks)]
    return run_timed(argv, cwd=decks[0].parent, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-marp", action="store_true", help="only the full build")
    args = parser.parse_args()
    dataset = golden()
    with tempfile.TemporaryDirectory(prefix="bench-full-") as tmp_name:
        tmp = Path(tmp_name)
        timed, stages = full_build(dataset, tmp / "site", tmp / "cache")  # an empty cache: cold
        rebuilt, _ = full_build(dataset, tmp / "site-again", tmp / "cache")  # nothing changed
        files = sum(1 for p in (tmp / "site").rglob("*") if p.is_file())
        ok = timed.wall <= BUDGET_S
        ours = stages.get("slides", float("nan"))
        print(f"full build, cold ({dataset.relative_to(ROOT)}; reports, handouts, slides, site; ko+en; {files} files):")
        print(f"  wall {timed.wall:6.2f} s (budget {BUDGET_S:.0f} s)  cpu {timed.cpu:6.2f} s  {'ok' if ok else 'OVER BUDGET'}")
        print("  stages: " + "  ".join(f"{k} {v:.2f}" for k, v in stages.items()))
        print(f"  our slides stage (slide PDF layout in the workers, ko+en): {ours:.2f} s")
        print(f"rebuild with nothing changed: wall {rebuilt.wall:6.2f} s  cpu {rebuilt.cpu:6.2f} s  "
              f"ratio rebuild / cold {rebuilt.wall / timed.wall:.3f} (budget 0.1)")
        if not args.no_marp:
            if not CHROMIUM.exists():
                print(f"marp: skipped, {CHROMIUM} is absent (apt-get install chromium)")
            else:
                decks = markdown_decks(dataset, tmp)
                marp = run_marp(decks)
                pdfs = [d.with_suffix(".pdf") for d in decks]
                assert all(p.is_file() and p.stat().st_size > 10_000 for p in pdfs), "Marp wrote no PDF"
                print(f"Marp CLI {marp_version()} (Chromium {chromium_version()}), same slides as Markdown, 2 PDFs:")
                print(f"  wall {marp.wall:6.2f} s  cpu {marp.cpu:6.2f} s")
                print(f"ratio Marp / our slides stage (both make 2 slide PDFs; ours also the 2 HTML decks): {marp.wall / ours:.2f}")
                print(f"ratio full build / Marp (everything vs slide PDFs only): {timed.wall / marp.wall:.2f}")
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


def marp_version() -> str:
    text = (MARP_DIR / "node_modules/@marp-team/marp-cli/package.json").read_text()
    return re.search(r'"version":\s*"([^"]+)"', text).group(1)


def chromium_version() -> str:
    try:
        out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    found = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return found.group(1) if found else "?"


if __name__ == "__main__":
    raise SystemExit(main())
