#!/usr/bin/env python3
"""Rebuild the bundled Korean font files in ``templates/fonts/``.

Source: the npm package ``@fontsource/noto-sans-kr`` at a PINNED version
(see ``FONTSOURCE_VERSION`` / ``FONTSOURCE_INTEGRITY`` below).  The tarball
is fetched with ``npm pack`` into a temporary directory (or taken from
``--tarball``) and its sha512 is checked against the pinned npm integrity.

For each weight (400 -> Regular, 700 -> Bold, normal style) the script

1. reads ``files/noto-sans-kr-korean-<w>-normal.woff2`` and
   ``files/noto-sans-kr-latin-<w>-normal.woff2`` from the tarball;
2. decompresses WOFF2 -> plain TrueType (``flavor=None``; needs ``brotli``);
3. merges korean + latin with ``fontTools.merge.Merger`` when the latin
   subset contributes code points the korean subset lacks (``--merge auto``,
   the default).  In @fontsource/noto-sans-kr 5.3.0 the ``korean`` subset
   already maps every code point of the ``latin`` subset (ASCII, Latin-1,
   punctuation ...), so the merge would add nothing but 272 unreachable
   duplicate glyphs and a duplicated GSUB feature list; ``auto`` therefore
   ships the korean subset unchanged.  ``--merge always`` forces the merge;
4. rewrites the name table (family "Noto Sans KR", subfamily
   Regular/Bold, full name, PostScript name), OS/2 usWeightClass and the
   fsSelection / macStyle bold bits;
5. pins head.created / head.modified to ``DEFAULT_SOURCE_DATE_EPOCH``
   (override with ``--source-date-epoch``; the SOURCE_DATE_EPOCH environment
   variable is deliberately NOT read, so a CI that exports it for other
   reasons still reproduces the committed files) and saves without
   recalculating the timestamp, so output is byte-for-byte reproducible;
6. checks coverage (printable ASCII, Latin-1, all 11,172 Hangul syllables).

It also copies the package's ``LICENSE`` (SIL OFL 1.1) to ``OFL.txt`` and
writes ``README.md`` with provenance and sha256 sums.

Requirements (build-time only): ``npm`` on PATH (unless ``--tarball``),
Python packages ``fonttools`` and ``brotli``.

Usage::

    python scripts/build_fonts.py            # rebuild templates/fonts/
    python scripts/build_fonts.py --check    # rebuild in a temp dir, compare
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

try:
    from fontTools.merge import Merger
    from fontTools.misc.timeTools import timestampSinceEpoch
    from fontTools.ttLib import TTFont
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("build_fonts.py needs fontTools: pip install fonttools brotli")

# --------------------------------------------------------------------------
# Pins
# --------------------------------------------------------------------------
NPM_PACKAGE = "@fontsource/noto-sans-kr"
FONTSOURCE_VERSION = "5.3.0"
# `npm view @fontsource/noto-sans-kr@5.3.0 dist.integrity`
FONTSOURCE_INTEGRITY = (
    "sha512-/JnpTjaCOXW7xUoqOyCVYSr05VOkDy5Yla9O+WAEiS7u+yYLsmHoqj6v1W0bf91G8G3XA2+NnRS3CX2Tf/FVZg=="
)
# 2026-01-07T00:00:00Z, the package's metadata.json "lastModified" date.
DEFAULT_SOURCE_DATE_EPOCH = 1767744000

FAMILY = "Noto Sans KR"
PS_FAMILY = "NotoSansKR"
WEIGHTS = {400: "Regular", 700: "Bold"}
SUBSETS = ("korean", "latin")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "templates" / "fonts"

# OS/2 fsSelection bits / head.macStyle bits
FS_ITALIC, FS_BOLD, FS_REGULAR = 1 << 0, 1 << 5, 1 << 6
MAC_BOLD, MAC_ITALIC = 1 << 0, 1 << 1

REQUIRED_RANGES = {
    "printable ASCII": range(0x20, 0x7F),
    "Latin-1 letters/signs": range(0xA0, 0x100),
    "Hangul syllables": range(0xAC00, 0xD7A4),
}


def log(msg: str) -> None:
    print(f"[build_fonts] {msg}", file=sys.stderr)


def member_path(subset: str, weight: int) -> str:
    return f"package/files/noto-sans-kr-{subset}-{weight}-normal.woff2"


# --------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------
def npm_integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def fetch_tarball(workdir: Path) -> Path:
    spec = f"{NPM_PACKAGE}@{FONTSOURCE_VERSION}"
    if shutil.which("npm") is None:
        sys.exit("npm not found on PATH (or pass --tarball PATH)")
    log(f"npm pack {spec}")
    subprocess.run(
        ["npm", "pack", spec, "--loglevel=warn", "--pack-destination", str(workdir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tgzs = sorted(workdir.glob("*.tgz"))
    if len(tgzs) != 1:
        sys.exit(f"expected one tarball from npm pack, found {tgzs}")
    return tgzs[0]


def read_members(tarball: Path) -> dict[str, bytes]:
    integrity = npm_integrity(tarball)
    if integrity != FONTSOURCE_INTEGRITY:
        sys.exit(
            f"tarball integrity mismatch for {tarball}:\n"
            f"  got      {integrity}\n  expected {FONTSOURCE_INTEGRITY}"
        )
    wanted = {"package/LICENSE", "package/package.json"}
    wanted |= {member_path(s, w) for s in SUBSETS for w in WEIGHTS}
    out: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as tf:
        for m in tf.getmembers():
            if m.name in wanted and m.isfile():
                f = tf.extractfile(m)
                assert f is not None
                out[m.name] = f.read()
    missing = wanted - out.keys()
    if missing:
        sys.exit(f"missing from tarball: {sorted(missing)}")
    return out


# --------------------------------------------------------------------------
# Font processing
# --------------------------------------------------------------------------
def woff2_to_ttf(data: bytes) -> TTFont:
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = None
    # Round-trip through bytes so the object is a plain, fully-loaded TTF.
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    buf.seek(0)
    return TTFont(buf, recalcTimestamp=False)


def extra_codepoints(base: TTFont, other: TTFont) -> set[int]:
    return set(other.getBestCmap()) - set(base.getBestCmap())


def merge_fonts(fonts: list[TTFont], tmp: Path, weight: int) -> TTFont:
    paths = []
    for i, f in enumerate(fonts):
        p = tmp / f"in-{weight}-{i}.ttf"
        f.save(p)
        paths.append(str(p))
    merged = Merger().merge(paths)
    buf = io.BytesIO()
    merged.save(buf)
    buf.seek(0)
    return TTFont(buf, recalcTimestamp=False)


def fix_names(font: TTFont, weight: int) -> None:
    style = WEIGHTS[weight]
    name = font["name"]
    version = name.getDebugName(5) or ""
    old_unique = name.getDebugName(3) or ""
    # e.g. "2.004-H2;ADBO;NotoSansKRThin-Regular" -> "...;NotoSansKR-Regular"
    prefix = old_unique.rsplit(";", 1)[0] + ";" if ";" in old_unique else ""
    ps_name = f"{PS_FAMILY}-{style}"
    new = {
        1: FAMILY,
        2: style,
        3: f"{prefix}{ps_name}",
        4: f"{FAMILY} {style}",
        6: ps_name,
        16: FAMILY,
        17: style,
    }
    if not version:
        raise SystemExit("source font has no version string (nameID 5)")
    # Drop every existing record for these IDs (all platforms/languages),
    # then write Windows Unicode English ones (upstream has only platform 3).
    name.names = [r for r in name.names if r.nameID not in new]
    for name_id, value in new.items():
        name.setName(value, name_id, 3, 1, 0x409)
    name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))

    os2 = font["OS/2"]
    os2.usWeightClass = weight
    fs = os2.fsSelection & ~(FS_ITALIC | FS_BOLD | FS_REGULAR)
    fs |= FS_BOLD if weight >= 700 else FS_REGULAR
    os2.fsSelection = fs
    head = font["head"]
    mac = head.macStyle & ~(MAC_BOLD | MAC_ITALIC)
    if weight >= 700:
        mac |= MAC_BOLD
    head.macStyle = mac


def set_timestamps(font: TTFont, epoch: int) -> None:
    ts = timestampSinceEpoch(epoch)
    font["head"].created = ts
    font["head"].modified = ts


def check_coverage(font: TTFont, label: str) -> None:
    cmap = font.getBestCmap()
    for what, rng in REQUIRED_RANGES.items():
        missing = [c for c in rng if c not in cmap]
        if missing:
            sys.exit(
                f"{label}: {len(missing)} code points of {what} missing, "
                f"e.g. {[hex(c) for c in missing[:10]]}"
            )


def build_weight(
    members: dict[str, bytes], weight: int, merge: str, epoch: int, tmp: Path
) -> tuple[bytes, str]:
    korean = woff2_to_ttf(members[member_path("korean", weight)])
    latin = woff2_to_ttf(members[member_path("latin", weight)])
    extra = extra_codepoints(korean, latin)
    n_latin = len(latin.getBestCmap())
    do_merge = merge == "always" or (merge == "auto" and extra)
    if do_merge:
        log(
            f"{weight}: merging korean + latin "
            f"({len(extra)} of {n_latin} latin code points are new)"
        )
        font = merge_fonts([korean, latin], tmp, weight)
        how = "korean + latin subsets merged with fontTools.merge.Merger"
    else:
        log(
            f"{weight}: korean subset already maps all {n_latin} latin-subset "
            f"code points; not merging"
        )
        font = korean
        how = (
            "korean subset only (it already maps every code point of the "
            "latin subset, so merging adds nothing)"
        )
    fix_names(font, weight)
    set_timestamps(font, epoch)
    check_coverage(font, f"{FAMILY} {WEIGHTS[weight]}")
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue(), how


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
def out_filename(weight: int) -> str:
    return f"{PS_FAMILY}-{WEIGHTS[weight]}.ttf"


def readme_text(results: dict[int, tuple[bytes, str]], epoch: int, merge: str) -> str:
    lines = [
        "# Bundled fonts",
        "",
        "Generated by `scripts/build_fonts.py` — do not edit by hand.",
        "",
        "| file | weight | sha256 | bytes |",
        "| --- | --- | --- | --- |",
    ]
    for w, (data, _) in results.items():
        lines.append(
            f"| `{out_filename(w)}` | {w} ({WEIGHTS[w]}) | "
            f"`{hashlib.sha256(data).hexdigest()}` | {len(data)} |"
        )
    lines += [
        "",
        "## Source",
        "",
        f"- npm package `{NPM_PACKAGE}` version **{FONTSOURCE_VERSION}**",
        f"  (tarball integrity `{FONTSOURCE_INTEGRITY}`),",
        "  which packages Google Fonts' Noto Sans KR (Adobe/Google, v2.004).",
        "- Files used from the tarball:",
    ]
    for w in WEIGHTS:
        for s in SUBSETS:
            lines.append(f"  - `{member_path(s, w)}`")
    lines.append("  - `package/LICENSE` → `OFL.txt`")
    lines += ["", "## What the build does", ""]
    for w, (_, how) in results.items():
        lines.append(f"- {WEIGHTS[w]} ({w}): {how}.")
    lines += [
        "- WOFF2 → TrueType (`flavor=None`) with fontTools + brotli.",
        f"- name table: family (IDs 1, 16) `{FAMILY}`, subfamily (IDs 2, 17)",
        f"  `Regular` / `Bold`, full name (4) `{FAMILY} Regular` / `{FAMILY} Bold`,",
        f"  PostScript name (6) `{PS_FAMILY}-Regular` / `{PS_FAMILY}-Bold`",
        "  (upstream files call themselves `Noto Sans KR Thin`).",
        "- OS/2 `usWeightClass` 400 / 700, fsSelection REGULAR / BOLD bit,",
        "  head.macStyle bold bit.",
        f"- head.created / head.modified fixed to Unix time {epoch}, so the",
        "  build is byte-for-byte reproducible (`--check` verifies this).",
        "- Coverage checked: printable ASCII, Latin-1 (U+00A0–U+00FF), all",
        "  11,172 Hangul syllables (U+AC00–U+D7A3).",
        "",
        "## Using them",
        "",
        f"- Family name: `{FAMILY}` (weights 400 and 700).",
        "- WeasyPrint: declare `@font-face { font-family: \"Noto Sans KR\";",
        "  src: url(fonts/NotoSansKR-Regular.ttf); font-weight: 400; }` (and 700)",
        "  and use `font-family: \"Noto Sans KR\"`.",
        "- vl-convert: `vl_convert.register_font_directory(\"templates/fonts\")`",
        "  once per process, then `\"config\": {\"font\": \"Noto Sans KR\"}` in the spec.",
        "",
        "## Rebuild",
        "",
        "Needs `npm` and the Python packages `fonttools` and `brotli`:",
        "",
        "```sh",
        "pip install fonttools brotli",
        "python scripts/build_fonts.py          # rewrites templates/fonts/",
        "python scripts/build_fonts.py --check  # verify committed files are reproducible",
        "```",
        "",
        "To move to a newer package version, update `FONTSOURCE_VERSION` and",
        "`FONTSOURCE_INTEGRITY` (`npm view @fontsource/noto-sans-kr@X dist.integrity`)",
        "in the script and rerun it.",
        "",
        "## Licence",
        "",
        "SIL Open Font License 1.1, see `OFL.txt` (copied verbatim from the npm",
        "package's `LICENSE`).",
    ]
    if merge != "auto":
        lines += ["", f"(built with `--merge {merge}`)"]
    return "\n".join(lines) + "\n"


def build(tarball: Path | None, merge: str, epoch: int) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="build_fonts-") as tmpname:
        tmp = Path(tmpname)
        tgz = tarball if tarball is not None else fetch_tarball(tmp)
        members = read_members(tgz)
        results = {w: build_weight(members, w, merge, epoch, tmp) for w in WEIGHTS}
    files = {out_filename(w): data for w, (data, _) in results.items()}
    files["OFL.txt"] = members["package/LICENSE"]
    files["README.md"] = readme_text(results, epoch, merge).encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    ap.add_argument(
        "--tarball",
        type=Path,
        help=f"use this {NPM_PACKAGE}-{FONTSOURCE_VERSION} .tgz instead of npm pack",
    )
    ap.add_argument(
        "--merge",
        choices=("auto", "always", "never"),
        default="auto",
        help="merge the latin subset into the korean one (default: auto = only "
        "if it adds code points)",
    )
    ap.add_argument(
        "--source-date-epoch",
        type=int,
        default=DEFAULT_SOURCE_DATE_EPOCH,
        help="head.created/modified as Unix time (default: %(default)s); the "
        "SOURCE_DATE_EPOCH env var is ignored on purpose",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="build in memory and compare with the files in --out-dir; exit 1 on drift",
    )
    args = ap.parse_args(argv)

    files = build(args.tarball, args.merge, args.source_date_epoch)

    if args.check:
        bad = [
            n for n, data in files.items()
            if not (args.out_dir / n).is_file() or (args.out_dir / n).read_bytes() != data
        ]
        for n in bad:
            log(f"DIFFERS: {args.out_dir / n}")
        if bad:
            return 1
        log(f"OK: {len(files)} files in {args.out_dir} match a fresh build")
        return 0

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for n, data in files.items():
        (args.out_dir / n).write_bytes(data)
        extra = ""
        if n.endswith(".ttf"):
            extra = f"  sha256 {hashlib.sha256(data).hexdigest()}"
        log(f"wrote {args.out_dir / n} ({len(data)} bytes){extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
