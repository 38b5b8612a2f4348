"""Message catalogs, translators and locale-aware number formatting.

Text lives in gettext catalogs, `reportgen/locale/<lang>/LC_MESSAGES/messages.po`,
with English msgids. They are read with Babel and compiled in memory at build
time (no .mo files to keep in step). Python code marks strings with `_()` (a
Translator's gettext, bound locally) or `N_()` (mark now, translate later);
templates use `{{ _("...") }}` and `{% trans %}` from jinja2's i18n extension.
`extract_messages()` finds every msgid the way `pybabel extract` would;
`missing_translations()` lists those a catalog lacks, which a test checks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from collector.dataset import Units, units

LANGS: tuple[str, ...] = ("ko", "en")
"""Languages with a catalog, in the order reports list them."""

LANG_NAMES: dict[str, str] = {"ko": "한국어", "en": "English"}
"""Each language's name in itself (not translated: a reader looks for their own)."""

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "messages"

KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2), "tr": None}
"""Function names whose string arguments are msgids (Python and templates alike).

`tr` is the conventional name of a Translator in reportgen's code: `tr("...")`.
"""

VEGA_LOCALES = {"ko": "ko-KR", "en": "en-US"}
"""d3-format locale names vl-convert uses for axis numbers."""


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (it is translated where shown)."""
    return message


@lru_cache(maxsize=None)
def catalog(lang: str) -> Catalog:
    """The parsed .po catalog of `lang`; raises ValueError for a language without one."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        raise ValueError(f"no message catalog for language {lang!r} (have: {', '.join(LANGS)})")
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    """`lang`'s catalog compiled to gettext translations in memory."""
    buf = io.BytesIO()
    write_mo(buf, catalog(lang), use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Everything language-dependent a chart or page needs: text and number formats."""

    lang: str
    _translations: Translations = field(repr=False, compare=False)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    @property
    def vega_locale(self) -> str:
        return VEGA_LOCALES[self.lang]

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    # numbers: the one formatting rule per language, collector.dataset.units ---------------
    @property
    def units(self) -> Units:
        return units(self.lang)

    def number(self, value: float, significant: int = 3, *, trim: bool = False) -> str:
        return self.units.number(value, significant, trim=trim)

    def integer(self, value: int) -> str:
        return self.units.integer(value)

    def seconds(self, value: float, *, trim: bool = False, unit: str | None = None) -> str:
        return self.units.seconds(value, trim=trim, unit=unit)

    def bytes_iec(self, value: float, *, unit: str | None = None, trim: bool = False) -> str:
        return self.units.bytes_iec(value, unit=unit, trim=trim)


@lru_cache(maxsize=None)
def translator(lang: str) -> Translator:
    """The Translator of `lang` (one per process, catalogs compiled once)."""
    return Translator(lang, translations(lang))


def parse_langs(text: str) -> tuple[str, ...]:
    """`"ko,en"` into `("ko", "en")`, refusing unknown or repeated languages."""
    langs = tuple(part.strip() for part in text.split(",") if part.strip())
    if not langs:
        raise ValueError("no language given")
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown:
        raise ValueError(f"unknown language(s) {', '.join(unknown)}; available: {', '.join(LANGS)}")
    if len(set(langs)) != len(langs):
        raise ValueError("a language is given twice")
    return langs


# extraction and completeness -------------------------------------------------


def extract_messages(templates_dir: Path) -> dict[str, list[str]]:
    """Every msgid in reportgen's Python code and in `templates_dir`, with where it occurs."""
    found: dict[str, list[str]] = {}
    sources = (
        (PACKAGE_DIR, [("**.py", "python")], {}),
        (
            templates_dir,
            [("**.html", "jinja2.ext:babel_extract")],
            {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        ),
    )
    for root, method_map, options in sources:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map=options, keywords=KEYWORDS
        ):
            msgids = message if isinstance(message, tuple) else (message,)
            for msgid in msgids:
                if msgid:
                    found.setdefault(msgid, []).append(f"{root.name}/{filename}:{lineno}")
    return found


def missing_translations(lang: str, msgids: Iterable[str]) -> list[str]:
    """The msgids `lang`'s catalog lacks, leaves empty, or marks fuzzy."""
    cat = catalog(lang)
    missing = []
    for msgid in sorted(set(msgids)):
        message = cat.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(msgid)
    return missing


def update_catalogs(templates_dir: Path) -> dict[str, list[str]]:
    """Add new msgids (empty translations) to every catalog and drop unused ones; return what was added.

    English msgids are filled with themselves in the English catalog, so
    only Korean needs a translator.
    """
    found = extract_messages(templates_dir)
    added: dict[str, list[str]] = {}
    for lang in LANGS:
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        old = catalog(lang) if path.is_file() else Catalog(locale=lang, domain=DOMAIN)
        new = Catalog(
            locale=lang,
            domain=DOMAIN,
            project="vmcbench reportgen",
            version=None,
            fuzzy=False,
            header_comment=f"# {LANG_NAMES[lang]} messages of vmcbench reportgen.\n"
            "# Update with `reportgen messages --update`; check with `reportgen messages`.",
        )
        new.revision_date = old.revision_date
        new.creation_date = old.creation_date
        added[lang] = []
        for msgid in sorted(found):
            message = old.get(msgid)
            string = message.string if message is not None else ""
            if not string and lang == "en":
                string = msgid
            if message is None:
                added[lang].append(msgid)
            new.add(msgid, string, locations=[(loc.rsplit(":", 1)[0], int(loc.rsplit(":", 1)[1])) for loc in found[msgid]])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, new, width=100, sort_output=True, include_lineno=False)
        catalog.cache_clear()
        translations.cache_clear()
        translator.cache_clear()
    return added
