"""The build's PDFs (handouts and slide decks), laid out in worker processes while the rest goes on.

WeasyPrint is pure Python and holds the GIL, so each PDF is one job for a pool
of worker processes, one per core. A job is only its HTML, the folder its
relative URLs resolve against, the target file and the dataset's date: a few
hundred kB to send, never the samples. Workers are spawned (fresh
interpreters, not forks), so it does not matter what threads this process
has started (vl-convert's runtime, an HTTP server): the pool is safe in
`reportgen serve` and in tests as much as in a fresh `reportgen build`. They
start when the build starts and import WeasyPrint while the charts render.

Each PDF is looked up in the build cache first, under a digest of its HTML,
of every theme file that HTML and its CSS refer to (stylesheets, fonts), of
the date and of the code and library versions: a page whose bytes did not
change is not laid out again.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from reportgen.commands.build_cache import Cache, digest, files_digest, referenced_files
from reportgen.writers import pdf


@dataclass(frozen=True)
class PdfJob:
    kind: str
    """The build stage it counts towards: "pdf" (handouts) or "slides"."""
    html: str
    base_url: Path
    target: Path
    created: datetime


def lay_out(job: PdfJob) -> float:
    """Write one PDF; the seconds it took (run in a worker, or here without workers)."""
    start = time.perf_counter()
    job.target.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_pdf(job.html, base_url=job.base_url, target=job.target, created=job.created)
    return time.perf_counter() - start


def _warm() -> None:
    pdf._weasyprint()  # load pango and WeasyPrint while the parent renders charts


def default_workers() -> int:
    """One worker per core; none (lay out in this process) on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


class PdfRenderer:
    """Submit PDF jobs; `wait()` returns the seconds spent per kind. A context manager (closes the pool)."""

    def __init__(self, cache: Cache, code_key: str, workers: int | None = None,
                 on_done: Callable[[str], None] | None = None) -> None:
        self.cache = cache
        self.code_key = code_key
        self.workers = default_workers() if workers is None else workers
        self.on_done = on_done or (lambda kind: None)
        self.pool: ProcessPoolExecutor | None = None
        if self.workers > 0:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_warm)
            for _ in range(self.workers):  # start every worker now, not on the first job
                self.pool.submit(_warm)
        self.pending: list[tuple[PdfJob, str, Future[float]]] = []
        self.seconds: dict[str, float] = {}

    def key(self, job: PdfJob) -> str:
        theme_files = referenced_files(job.html, job.base_url)
        return digest("pdf", self.code_key, job.created.isoformat(), job.html, files_digest(theme_files))

    def submit(self, job: PdfJob) -> None:
        key = self.key(job)
        cached = self.cache.get("pdf", key)
        if cached is not None:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            job.target.write_bytes(cached)
            self.seconds.setdefault(job.kind, 0.0)
            self.on_done(job.kind)
            return
        if self.pool is None:
            future: Future[float] = Future()
            future.set_result(lay_out(job))
        else:
            future = self.pool.submit(lay_out, job)
        future.add_done_callback(lambda _f, kind=job.kind: self.on_done(kind))
        self.pending.append((job, key, future))

    def wait(self) -> dict[str, float]:
        for job, key, future in self.pending:
            self.seconds[job.kind] = self.seconds.get(job.kind, 0.0) + future.result()
            self.cache.put("pdf", key, job.target.read_bytes())
        self.pending.clear()
        return self.seconds

    def __enter__(self) -> "PdfRenderer":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
