"""The build's worker processes: PDF layouts and chart renders run there while the build goes on.

WeasyPrint is pure Python and holds the GIL, and vl-convert renders one chart
at a time per process however many threads call it, so neither can use a
second core from inside the build's process. A pool of worker processes, one
per core, takes both kinds of job: a job is a module-level function and its
arguments (pickled by name: a spec, an HTML string, paths, never the samples),
and its value comes back the same way. `WorkerPool` is a
`concurrent.futures.Executor`, as is `InProcess`, which runs each job where it
is submitted (`--jobs 0`, a single core, or a build without PDFs). Jobs given
with `first()` go ahead of those given with `submit()`: the build gives the
chart renders first (short jobs that the next stage waits on: the report's
charts before its handout, a deck's charts before its PDF) and the PDFs
after (long jobs that nothing waits on until the end).

Workers are fresh interpreters running `serve()` (not forks, and not
multiprocessing's spawn, which re-runs the caller's main script), so it does
not matter what threads this process has started (vl-convert's runtime, an
HTTP server) or how it was started: the pool is safe in `reportgen serve`, in
tests and in a script as much as in a fresh `reportgen build`. They start when
the build starts and load WeasyPrint and vl-convert while it reads datasets.
"""

from __future__ import annotations

import itertools
import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, TypeVar

T = TypeVar("T")


def _send(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: BinaryIO) -> object:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the worker's pipe closed")
    return pickle.loads(stream.read(int.from_bytes(head, "big")))


def serve() -> None:
    """A worker's main loop: (function, args, kwargs) in on stdin, ("ok", value) or ("error", exception) out,
    until EOF."""
    from reportgen.writers import pdf

    pdf._weasyprint()  # load pango and WeasyPrint (and below, vl-convert) while the parent reads datasets
    import vl_convert  # noqa: F401

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the pipe
    while True:
        try:
            fn, args, kwargs = _receive(stdin)  # type: ignore[misc]
        except EOFError:
            return
        try:
            _send(stdout, ("ok", fn(*args, **kwargs)))
        except Exception as exc:  # noqa: BLE001 (sent back and raised in the build)
            _send(stdout, ("error", _portable(exc)))


class WorkerError(RuntimeError):
    """A job failed in a worker process with an exception that cannot be pickled; its type and text."""


def _portable(exc: Exception) -> Exception:
    """`exc` itself when it survives pickling (RenderError, MissingDependency, OSError...: the build raises
    the same exception as without workers), else a WorkerError with its type and text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return WorkerError(f"{type(exc).__name__}: {exc}")
    return exc


class Jobs(Executor):
    """An Executor whose `first()` puts a job ahead of every job still waiting: one the build is waiting on."""

    def first(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self.submit(fn, *args, **kwargs)


class WorkerPool(Jobs):
    """`n` worker processes, each fed one job at a time by a thread of its own from one queue: jobs given
    with `first()` before those given with `submit()`, each kind in the order given."""

    def __init__(self, n: int) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        argv = [sys.executable, "-c", "from reportgen.commands.workers import serve; serve()"]
        self.procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) for _ in range(n)]
        self.waiting: queue.PriorityQueue[tuple[int, int, _Job | None]] = queue.PriorityQueue()
        self.order = itertools.count()
        self.lock = threading.Lock()
        self.closed = False
        self.feeders = [threading.Thread(target=self._feed, args=(proc,), name=f"build-worker-{i}", daemon=True)
                        for i, proc in enumerate(self.procs)]
        for feeder in self.feeders:
            feeder.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._queue(SOON, fn, args, kwargs)

    def first(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._queue(FIRST, fn, args, kwargs)

    def _queue(self, rank: int, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Future[T]:
        future: Future[T] = Future()
        with self.lock:
            if self.closed:
                raise RuntimeError("the build's workers are shut down")
            self.waiting.put((rank, next(self.order), _Job(future, fn, args, kwargs)))
        return future

    def _feed(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        while True:
            job = self.waiting.get()[2]
            if job is None:  # shut down: nothing is left for this worker, whose pipe closes so that it exits
                proc.stdin.close()
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                _send(proc.stdin, (job.fn, job.args, job.kwargs))
                status, value = _receive(proc.stdout)  # type: ignore[misc]
            except BaseException as exc:  # noqa: BLE001 (a broken pipe: the job's failure)
                job.future.set_exception(exc)
                continue
            if status == "ok":
                job.future.set_result(value)
            else:
                job.future.set_exception(value)  # type: ignore[arg-type]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No more jobs: the workers finish those queued (all cancelled with `cancel_futures`) and exit; with
        `wait`, wait for them to. Shutting down again only waits."""
        with self.lock:
            if not self.closed:
                self.closed = True
                if cancel_futures:
                    self._cancel_waiting()
                for _ in self.feeders:
                    self.waiting.put((LAST, next(self.order), None))
        if not wait:
            return
        for feeder in self.feeders:
            feeder.join()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _cancel_waiting(self) -> None:
        while True:
            try:
                job = self.waiting.get_nowait()[2]
            except queue.Empty:
                return
            if job is not None:
                job.future.cancel()


FIRST, SOON, LAST = 0, 1, 2
"""Ranks in the workers' queue: `first()` jobs, `submit()` jobs, the end."""


@dataclass(frozen=True)
class _Job:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class InProcess(Jobs):
    """Runs each job in this process as it is submitted: the pool of a build with no workers."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """`fn(*args, **kwargs)` now; its value in a done Future (an exception is raised here, at once)."""
        future: Future[T] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def default_workers() -> int:
    """One worker per core; none (jobs run in this process) on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


def pool(workers: int | None = None) -> Jobs:
    """A WorkerPool of `workers` processes (None: default_workers()), or InProcess when that is 0."""
    n = default_workers() if workers is None else workers
    return WorkerPool(n) if n > 0 else InProcess()
