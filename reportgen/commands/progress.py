"""What a running build shows: a bar per stage on a terminal, one line per stage in a log.

Nothing appears for a build that is done within a second (a cached rebuild
stays quiet). After that second, a terminal gets rich's live bars (one per
stage, with its count of items where it has some: charts, PDFs), and
anything else (a CI log) gets one line per finished stage, so the log shows
where the time went without escape codes or carriage returns.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import IO


class Silent:
    """No output: what `build()` uses when called as a library."""

    def start(self, stage: str, total: int | None = None) -> None: ...

    def advance(self, stage: str, n: int = 1) -> None: ...

    def done(self, stage: str) -> None: ...

    def close(self) -> None: ...


class Progress(Silent):
    """Bars on a terminal (`stream.isatty()`), else one line per stage; both only after `delay` seconds."""

    def __init__(self, stream: IO[str] | None = None, delay: float = 1.0, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.began = time.perf_counter()
        self.lock = threading.Lock()
        self.started: dict[str, float] = {}
        self.totals: dict[str, int | None] = {}
        self.counts: dict[str, int] = {}
        self.held: list[str] = []  # lines of stages finished within the first `delay` seconds
        self.finished: list[str] = []
        self.shown = False
        self.bars = None
        self.tasks: dict[str, int] = {}
        self.timer = threading.Timer(delay, self._show)
        self.timer.daemon = True
        self.timer.start()

    def _show(self) -> None:
        with self.lock:
            if self.shown:
                return
            self.shown = True
            if self.tty:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
                from rich.progress import Progress as Bars

                self.bars = Bars(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(file=self.stream), transient=False)
                for stage in self.finished:
                    self._add_task(stage, finished=True)
                for stage in self.started:
                    self._add_task(stage)
                self.bars.start()
            else:
                for line in self.held:
                    print(line, file=self.stream, flush=True)
            self.held.clear()

    def _add_task(self, stage: str, finished: bool = False) -> None:
        assert self.bars is not None
        total = self.totals.get(stage) or 1
        done = total if finished else min(self.counts.get(stage, 0), total)
        self.tasks[stage] = self.bars.add_task(stage, total=total, completed=done)

    def start(self, stage: str, total: int | None = None) -> None:
        with self.lock:
            self.started[stage] = time.perf_counter()
            self.totals[stage] = total
            self.counts[stage] = 0
            if self.bars is not None:
                self._add_task(stage)

    def advance(self, stage: str, n: int = 1) -> None:
        with self.lock:
            self.counts[stage] = self.counts.get(stage, 0) + n
            if self.bars is not None and stage in self.tasks:
                self.bars.advance(self.tasks[stage], n)

    def done(self, stage: str) -> None:
        with self.lock:
            seconds = time.perf_counter() - self.started.pop(stage, time.perf_counter())
            count = self.counts.get(stage, 0)
            total = self.totals.get(stage)
            self.finished.append(stage)
            if self.bars is not None and stage in self.tasks:
                task = self.tasks[stage]
                self.bars.update(task, completed=self.bars.tasks[task].total)
                return
            line = f"reportgen: {stage:<8} {seconds:6.2f} s" + (f"  ({count}/{total})" if total else "")
            if self.shown:
                print(line, file=self.stream, flush=True)
            else:
                self.held.append(line)

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            if self.bars is not None:
                self.bars.stop()
            self.held.clear()
