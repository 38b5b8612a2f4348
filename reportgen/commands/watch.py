"""What `reportgen serve` watches, and the rebuild it runs when something changed.

A poll of modification times and sizes (a few hundred files, four times a
second: cheap, and the same everywhere, unlike inotify) over the theme
(templates, CSS, fonts), the message catalogs, the site folder (site.toml,
notes) and the datasets. A change triggers a rebuild in this process: first
without PDFs, so the HTML shows within about a second, then, when PDFs are
wanted, the full build, whose unchanged PDFs come from the build cache. Each
finished build bumps the counter the served pages poll, so they reload.
A failed build (a template error, a bad dataset) prints one line and keeps
serving the last good build.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from reportgen.commands.build import BuildOptions, build
from reportgen.commands.serve import BuildCounter
from reportgen.i18n import catalogs

POLL_SECONDS = 0.25


def watched_paths(options: BuildOptions) -> list[Path]:
    """Folders and files whose change changes the build."""
    paths = [options.theme, Path(catalogs.LOCALE_DIR), options.site_config.parent]
    paths += [Path(ref) for ref in options.datasets if Path(ref).exists()]
    if not options.datasets:
        from reportgen.load.datasets import default_dataset

        paths.append(Path(default_dataset()))
    if options.compare and Path(options.compare).exists():
        paths.append(Path(options.compare))
    return paths


def snapshot(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """(mtime in ns, size) of every file under `paths`."""
    seen: dict[str, tuple[int, int]] = {}
    for root in paths:
        files = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue
            seen[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return seen


class Watcher:
    """Polls `watched_paths(options)` in a thread; rebuilds and bumps `counter` after a change."""

    def __init__(self, options: BuildOptions, echo: Callable[[str], None] = print) -> None:
        self.options = options
        self.echo = echo
        self.counter = BuildCounter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="reportgen-watch", daemon=True)
        self.before = snapshot(watched_paths(options))

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)

    def _loop(self) -> None:
        while not self.stopping.wait(POLL_SECONDS):
            now = snapshot(watched_paths(self.options))
            if now == self.before:
                continue
            changed = sorted(set(now.items()) ^ set(self.before.items()))
            self.before = now
            self.echo(f"changed: {changed[0][0]}" + (f" (+{len(changed) - 1})" if len(changed) > 1 else ""))
            self.rebuild()

    def rebuild(self) -> None:
        """The HTML first (no PDFs), then everything; the counter moves after each."""
        catalogs.catalog.cache_clear()  # a catalog is read once per process: read it again
        catalogs.translations.cache_clear()
        passes = [replace(self.options, pdf=False), self.options] if self.options.pdf else [self.options]
        for options in passes:
            start = time.perf_counter()
            try:
                build(options)
            except Exception as exc:  # noqa: BLE001 (any failure: report it, keep serving the last build)
                self.echo(f"rebuild failed: {type(exc).__name__}: {' '.join(str(exc).split())}")
                return
            self.echo(f"rebuilt {'HTML' if not options.pdf else 'everything'} in {time.perf_counter() - start:.1f} s")
            self.counter.bump()
            if self.stopping.is_set():
                return
