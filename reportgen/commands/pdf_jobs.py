"""The build's PDFs (handouts and slide decks), laid out by the worker processes while the rest goes on.

A job is only its HTML, the folder its relative URLs resolve against, the
target file and the dataset's date: a few hundred kB to send over a pipe,
never the samples. The workers (workers.py) take chart renders too; a PDF
waits its turn behind the renders handed out before it.

Each PDF is looked up in the build cache first, under a digest of its HTML,
of every theme file that HTML and its CSS refer to (stylesheets, fonts), of
the date and of the code and library versions: a page whose bytes did not
change is not laid out again.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from reportgen.commands.build_cache import Cache, digest, files_digest, referenced_files
from reportgen.commands.workers import Jobs
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


class PdfRenderer:
    """Submit PDF jobs to `workers`; `wait()` returns the seconds spent per kind."""

    def __init__(self, cache: Cache, code_key: str, workers: Jobs,
                 on_done: Callable[[str], None] | None = None) -> None:
        self.cache = cache
        self.code_key = code_key
        self.workers = workers
        self.on_done = on_done or (lambda kind: None)
        self.pending: list[tuple[PdfJob, str, Future[float]]] = []
        self.seconds: dict[str, float] = {}

    def key(self, job: PdfJob) -> str:
        theme_files = referenced_files(job.html, job.base_url)
        return digest("pdf", self.code_key, job.created.isoformat(), job.html, files_digest(theme_files, job.base_url))

    def submit(self, job: PdfJob) -> None:
        key = self.key(job)
        cached = self.cache.get("pdf", key)
        if cached is not None:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            job.target.write_bytes(cached)
            self.seconds.setdefault(job.kind, 0.0)
            self.on_done(job.kind)
            return
        future = self.workers.submit(lay_out, job)  # behind the renders, which the build waits on
        future.add_done_callback(lambda _f, kind=job.kind: self.on_done(kind))
        self.pending.append((job, key, future))

    def wait(self) -> dict[str, float]:
        """Wait for every PDF submitted, store each in the cache; the seconds spent per kind."""
        for job, key, future in self.pending:
            try:
                seconds = future.result()
            except Exception as exc:
                exc.add_note(f"while laying out {job.target}")
                raise
            self.seconds[job.kind] = self.seconds.get(job.kind, 0.0) + seconds
            self.cache.put("pdf", key, job.target.read_bytes())
        self.pending.clear()
        return self.seconds
