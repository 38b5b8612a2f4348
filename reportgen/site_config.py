"""The static site's own configuration: `site/site.toml`, read into a typed, validated SiteConfig.

    title = { ko = "…", en = "…" }        # every option is documented on SiteConfig below
    languages = ["ko", "en"]
    publish = ["golden"]
    [notes]
    ko = "notes.ko.md"
    en = "notes.en.md"

Every problem is one SiteConfigError whose text is a single line naming the
file and the option: an unknown key, a value of the wrong type, a language
without a message catalog, a text or notes page missing for one of the
site's languages, a notes file that does not exist.
"""

from __future__ import annotations

import tomllib
import typing
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from reportgen.bundled import bundled
from reportgen.i18n.catalogs import LANGS

SITE_DIR = bundled("site")
"""The bundled site folder (`site/` beside `reportgen/` in a clone, `reportgen/_bundled/site` when installed)."""

CONFIG_FILE = "site.toml"

Translated = Mapping[str, str]
"""A text given once per language: {"ko": "…", "en": "…"}."""


class SiteConfigError(ValueError):
    """The site configuration is unusable; the message is one line naming the file and the option."""


@dataclass(frozen=True)
class SiteConfig:
    """What the static site is: its title, languages, published datasets and extra pages.

    Each attribute is one key of `site.toml`; the docstring under it is the
    option's documentation. Keys not listed here are refused.
    """

    title: Translated
    """The site's name in each of its languages (page titles and the home page heading). Required."""

    languages: tuple[str, ...] = LANGS
    """Languages the site is published in, each with a message catalog; the first is the default, the one `index.html` opens in."""

    tagline: Translated = field(default_factory=lambda: MappingProxyType({}))
    """One sentence under the title on the home page, per language. Optional; when given, every language needs it."""

    publish: tuple[str, ...] = ("golden",)
    """Datasets whose versions the datasets section publishes (manifest, tables, Parquet and CSV downloads, sha256 sums).

    Each entry is resolved under the datasets root ($VMCBENCH_DATASETS, default
    ./datasets) unless it is an absolute path: a folder of datasets (every
    dataset in it), a dataset folder (every committed version), a version
    folder, or name@version. The datasets a build reports on are always
    published as well, so every figure's raw samples can be downloaded. With no datasets root at all
    ($VMCBENCH_DATASETS unset and no ./datasets: an installed reportgen run outside a clone), relative
    entries are left out and only those datasets are published.
    """

    notes: Translated = field(default_factory=lambda: MappingProxyType({}))
    """The course-notes page: one Markdown file per language, relative to the site folder. Required for every language."""

    folder: Path = field(default=SITE_DIR, metadata={"internal": True})
    """The folder the configuration was read from (not a key: set by the loader)."""

    def text(self, option: str, lang: str) -> str:
        """`title`, `tagline` or `notes` in `lang` ("" for an optional text not given)."""
        return dict(getattr(self, option)).get(lang, "")

    def notes_path(self, lang: str) -> Path:
        return self.folder / self.text("notes", lang)


def option_names() -> tuple[str, ...]:
    """The keys site.toml may hold, in declaration order."""
    return tuple(f.name for f in fields(SiteConfig) if not f.metadata.get("internal"))


def load_site_config(path: Path | None = None) -> SiteConfig:
    """Read and validate `path` (default `site/site.toml`); SiteConfigError (one line) on any problem."""
    path = Path(path) if path is not None else SITE_DIR / CONFIG_FILE
    where = _shown(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SiteConfigError(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteConfigError(f"{where}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{where}: invalid TOML ({exc})") from None
    return parse_site_config(raw, folder=path.parent, where=where)


def parse_site_config(raw: Mapping[str, Any], *, folder: Path, where: str = CONFIG_FILE) -> SiteConfig:
    """Check `raw` (parsed TOML) against SiteConfig's options and build it."""
    known = option_names()
    for key in raw:
        if key not in known:
            raise SiteConfigError(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(known))})")
    hints = typing.get_type_hints(SiteConfig)
    values: dict[str, Any] = {"folder": folder}
    for f in fields(SiteConfig):
        if f.metadata.get("internal"):
            continue
        if f.name not in raw:
            if f.default is MISSING and f.default_factory is MISSING:
                raise SiteConfigError(f"{where}: missing required key {f.name!r}")
            continue
        values[f.name] = _convert(raw[f.name], hints[f.name], f"{where}: {f.name}")
    config = SiteConfig(**values)
    _check(config, where)
    return config


def _convert(value: Any, hint: Any, where: str) -> Any:
    if hint == Translated:
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise SiteConfigError(f"{where}: expected a table of language = \"text\" (for example {{ ko = \"…\", en = \"…\" }})")
        empty = sorted(k for k, v in value.items() if not v.strip())
        if empty:
            raise SiteConfigError(f"{where}.{empty[0]}: empty text")
        return MappingProxyType(dict(sorted(value.items())))
    if hint == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SiteConfigError(f"{where}: expected a list of non-empty strings")
        if len(set(value)) != len(value):
            raise SiteConfigError(f"{where}: an entry is given twice")
        return tuple(value)
    raise SiteConfigError(f"{where}: unsupported option type {hint!r}")  # a new option without a converter


def _check(config: SiteConfig, where: str) -> None:
    if not config.languages:
        raise SiteConfigError(f"{where}: languages: at least one language is needed")
    for lang in config.languages:
        if lang not in LANGS:
            raise SiteConfigError(f"{where}: languages: {lang!r} has no message catalog (have: {', '.join(LANGS)})")
    for option in ("title", "tagline", "notes"):
        given = dict(getattr(config, option))
        if option == "tagline" and not given:
            continue
        for lang in config.languages:
            if lang not in given:
                raise SiteConfigError(
                    f"{where}: {option}: no {lang!r} translation (every language in `languages` needs one)"
                )
        extra = sorted(set(given) - set(config.languages))
        if extra:
            raise SiteConfigError(f"{where}: {option}.{extra[0]}: {extra[0]!r} is not one of the site's languages")
    for lang in config.languages:
        notes = config.notes_path(lang)
        if Path(config.text("notes", lang)).is_absolute() or ".." in Path(config.text("notes", lang)).parts:
            raise SiteConfigError(f"{where}: notes.{lang}: give a file inside the site folder")
        if not notes.is_file():
            raise SiteConfigError(f"{where}: notes.{lang}: {_shown(notes)} does not exist")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
