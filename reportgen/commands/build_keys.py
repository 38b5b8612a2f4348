"""The build's cache keys: what the whole output, the summaries and each chart SVG depend on.

See build_cache.py for the store and why a hit can only be what a cold build
writes. Keys here name inputs by their bytes (dataset manifests, whose file
checksums `load` verified; theme, site and catalog files; Vega-Lite specs) and
by the code and library versions (`build_cache.code()`).
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from markupsafe import Markup

from reportgen.charts import ChartInput
from reportgen.rendering.render_svg import render
from reportgen.commands import build_cache
from reportgen.commands.build_cache import Cache, digest
from reportgen.commands.workers import Jobs
from reportgen.load.datasets import Loaded
from reportgen.writers.downloads import PublishedDataset

if TYPE_CHECKING:
    from reportgen.commands.build import BuildOptions


def dataset_fingerprint(loaded: Loaded | None) -> str:
    """The datasets' labels and manifests (load verified every file's sha256 against them)."""
    if loaded is None:
        return ""
    return digest(*(digest(d.label, json.dumps(d.manifest, sort_keys=True, default=str)) for d in loaded.datasets))


def build_key(options: "BuildOptions", loaded: Loaded, older: Loaded | None,
              published: tuple[PublishedDataset, ...], code_key: str) -> str:
    """Everything the whole output depends on: options, datasets, theme, site folder, catalogs, code."""
    site = ""
    if options.site:
        site = digest(options.site_config.read_bytes(), build_cache.tree_digest(options.site_config.parent),
                      *(digest(e.key, e.in_report, e.dataset.label, json.dumps(e.dataset.manifest, sort_keys=True,
                                                                               default=str)) for e in published))
    return digest("tree", code_key, build_cache.catalogs(), build_cache.tree_digest(options.theme),
                  dataset_fingerprint(loaded), dataset_fingerprint(older), site,
                  options.langs, options.pdf, options.slides, options.site, bool(options.compare))


def cached_summaries(loaded: Loaded, cache: Cache, code_key: str,
                     summarise: Callable[[Loaded], dict[str, ChartInput]]) -> dict[str, ChartInput]:
    """summarise(), kept in the cache under the datasets and the code (language-independent)."""
    key = digest("summaries", code_key, dataset_fingerprint(loaded))
    data = cache.get("summaries", key)
    if data is not None:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 (a damaged entry is a miss)
            pass
    inputs = summarise(loaded)
    cache.put("summaries", key, pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    return inputs


@dataclass(frozen=True)
class SvgCache:
    """Rendered chart SVGs under a digest of their Vega-Lite spec, words, locale, fonts and code."""

    cache: Cache
    code_key: str
    fonts_key: str
    workers: Jobs | None = None
    """Where a chart not in the cache is rendered (the build's workers, ahead of other jobs: the build waits for
    it); None: in this process."""

    def render(self, chart: object, *, chart_id: str, alt_text: str, vega_locale: str, font_dir: Path) -> Markup:
        """`render()` through the cache; `chart` is a spec (dict) or an Altair chart."""
        spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)  # type: ignore[attr-defined]
        key = digest("svg", self.code_key, self.fonts_key, chart_id, alt_text, vega_locale,
                     json.dumps(spec, sort_keys=True, ensure_ascii=False))
        data = self.cache.get("svg", key)
        if data is not None:
            return Markup(data.decode("utf-8"))
        options = dict(chart_id=chart_id, alt_text=alt_text, vega_locale=vega_locale, font_dir=font_dir)
        svg = self.workers.first(render, spec, **options).result() if self.workers else render(spec, **options)
        self.cache.put("svg", key, str(svg).encode("utf-8"))
        return svg


def cached_blocks(inputs_key: str, lang: str, cache: Cache, svgs: SvgCache,
                  make: Callable[[], tuple]) -> tuple:
    """One language's chart blocks (SVGs, tables, notes), kept under the datasets, catalogs, fonts and code.

    A changed template or stylesheet leaves them as they are: `reportgen serve` shows such a change without
    drawing a chart. A changed catalog string makes them again (each SVG still found under its spec).
    """
    key = digest("blocks", svgs.code_key, svgs.fonts_key, build_cache.catalogs(), inputs_key, lang)
    data = cache.get("blocks", key)
    if data is not None:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 (a damaged entry is a miss)
            pass
    blocks = make()
    cache.put("blocks", key, pickle.dumps(blocks, protocol=pickle.HIGHEST_PROTOCOL))
    return blocks
