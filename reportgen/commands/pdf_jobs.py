"""The build's PDFs (handouts and slide decks), laid out in worker processes while the rest goes on.

WeasyPrint is pure Python and holds the GIL, so each PDF is one job for a pool
of worker processes, one per core. A job is only its HTML, the folder its
relative URLs resolve against, the target file and the dataset's date: a few
hundred kB to send over a pipe, never the samples. Workers are fresh
interpreters running `serve_jobs()` (not forks, and not multiprocessing's
spawn, which re-runs the caller's main script), so it does not matter what
threads this process has started (vl-convert's runtime, an HTTP server) or
how it was started: the pool is safe in `reportgen serve`, in tests and in a
script as much as in a fresh `reportgen build`. They start when the build
starts and import WeasyPrint while the charts render.

Each PDF is looked up in the build cache first, under a digest of its HTML,
of every theme file that HTML and its CSS refer to (stylesheets, fonts), of
the date and of the code and library versions: a page whose bytes did not
change is not laid out again.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Callable

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


def _send(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: BinaryIO) -> object:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the PDF worker's pipe closed")
    return pickle.loads(stream.read(int.from_bytes(head, "big")))


def serve_jobs() -> None:
    """A worker's main loop: PdfJob in on stdin, ("ok", seconds) or ("error", text) out on stdout, until EOF."""
    pdf._weasyprint()  # load pango and WeasyPrint while the parent renders charts
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the pipe
    while True:
        try:
            job = _receive(stdin)
        except EOFError:
            return
        try:
            _send(stdout, ("ok", lay_out(job)))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 (sent back and raised in the build)
            _send(stdout, ("error", f"{type(exc).__name__}: {exc}"))


class _Workers:
    """`n` worker processes and the threads that hand them jobs (one job per worker at a time)."""

    def __init__(self, n: int) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        argv = [sys.executable, "-c", "from reportgen.commands.pdf_jobs import serve_jobs; serve_jobs()"]
        self.idle: queue.Queue[subprocess.Popen[bytes]] = queue.Queue()
        self.procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) for _ in range(n)]
        for proc in self.procs:
            self.idle.put(proc)
        self.threads = ThreadPoolExecutor(n, thread_name_prefix="pdf-worker")

    def submit(self, job: PdfJob) -> Future[float]:
        return self.threads.submit(self._run, job)

    def _run(self, job: PdfJob) -> float:
        proc = self.idle.get()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            _send(proc.stdin, job)
            status, value = _receive(proc.stdout)  # type: ignore[misc]
        finally:
            self.idle.put(proc)
        if status != "ok":
            raise RuntimeError(f"{job.target.name}: {value}")
        return float(value)

    def close(self) -> None:
        self.threads.shutdown(wait=True, cancel_futures=True)
        for proc in self.procs:
            if proc.stdin is not None:
                proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
        self.pool = _Workers(self.workers) if self.workers > 0 else None
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
        if self.pool is None:
            future: Future[float] = Future()
            future.set_result(lay_out(job))
        else:
            future = self.pool.submit(job)
        future.add_done_callback(lambda _f, kind=job.kind: self.on_done(kind))
        self.pending.append((job, key, future))

    def wait(self) -> dict[str, float]:
        for job, key, future in self.pending:
            self.seconds[job.kind] = self.seconds.get(job.kind, 0.0) + future.result()
            self.cache.put("pdf", key, job.target.read_bytes())
        self.pending.clear()
        if self.pool is not None:  # a build waits once, after its last PDF: the workers' memory goes back now
            self.pool.close()
            self.pool = None
        return self.seconds

    def __enter__(self) -> "PdfRenderer":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()
