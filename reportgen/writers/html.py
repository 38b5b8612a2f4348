"""The jinja2 environment: the theme folder's templates with gettext from one language's catalog."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from reportgen.rendering.render_svg import xml_text

from reportgen.i18n.catalogs import Translator, translations
from reportgen.pages.contexts import ReportPage


_ENVIRONMENTS: dict[tuple[str, str], tuple[object, jinja2.Environment]] = {}


def environment(theme: Path, tr: Translator) -> jinja2.Environment:
    """An environment loading `theme`'s templates, autoescaping, with `tr`'s language installed.

    One per theme and language catalog, kept: each template is compiled once per process, not once per
    page. The loader checks each template file's modification time, so an edited template is read again.
    """
    gettext = translations(tr.lang)
    key = (str(theme), tr.lang)
    kept = _ENVIRONMENTS.get(key)
    if kept is None or kept[0] is not gettext:  # a catalog read again (reportgen serve) gets a new environment
        kept = _ENVIRONMENTS[key] = (gettext, _environment(theme, gettext))
    return kept[1]


def _environment(theme: Path, gettext: object) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme)),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(gettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def _printable(value: object) -> object:
    """Every `{{ value }}` without the characters HTML and XML cannot hold (ESC, NUL, ...); escaping is autoescape's."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return xml_text(value)
    return value


def render_page(env: jinja2.Environment, template: str, page: ReportPage) -> str:
    """Render one page template (`report.html`, `handout.html`) with its typed context."""
    return env.get_template(template).render(page=page)
