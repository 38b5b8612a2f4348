"""The build's worker processes: PDF layouts and chart renders run there while the build goes on.

WeasyPrint is pure Python and holds the GIL, and vl-convert renders one chart
at a time per process however many threads call it, so neither can use a
second core from inside the build's process. A pool of worker processes, one
per core, takes both kinds of job: a job is a module-level function and its
arguments (pickled by name: a spec, an HTML string, paths, never the samples),
and its value comes back the same way. `WorkerPool` is a
`concurrent.futures.Executor`, as is `InProcess`, which runs each job where it
is submitted (`--jobs 0`, a single core, or a build without PDFs).

Workers are fresh interpreters running `serve()` (not forks, and not
multiprocessing's spawn, which re-runs the caller's main script), so it does
not matter what threads this process has started (vl-convert's runtime, an
HTTP server) or how it was started: the pool is safe in `reportgen serve`, in
tests and in a script as much as in a fresh `reportgen build`. They start when
the build starts and load WeasyPrint and vl-convert while it reads datasets.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
from concurrent.futures import Executor, Future, ThreadPoolExecutor
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


class WorkerPool(Executor):
    """`n` worker processes and the threads that hand them jobs (one job per worker at a time, first come first
    served)."""

    def __init__(self, n: int) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        argv = [sys.executable, "-c", "from reportgen.commands.workers import serve; serve()"]
        self.idle: queue.Queue[subprocess.Popen[bytes]] = queue.Queue()
        self.procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) for _ in range(n)]
        for proc in self.procs:
            self.idle.put(proc)
        self.threads = ThreadPoolExecutor(n, thread_name_prefix="build-worker")

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self.threads.submit(self._run, fn, args, kwargs)

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        proc = self.idle.get()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            _send(proc.stdin, (fn, args, kwargs))
            status, value = _receive(proc.stdout)  # type: ignore[misc]
        finally:
            self.idle.put(proc)
        if status != "ok":
            raise value  # type: ignore[misc]
        return value  # type: ignore[no-any-return]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Finish the jobs handed out, close the workers' pipes and wait for them to exit."""
        self.threads.shutdown(wait=True, cancel_futures=cancel_futures)
        for proc in self.procs:
            if proc.stdin is not None and not proc.stdin.closed:
                proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class InProcess(Executor):
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


def pool(workers: int | None = None) -> Executor:
    """A WorkerPool of `workers` processes (None: default_workers()), or InProcess when that is 0."""
    n = default_workers() if workers is None else workers
    return WorkerPool(n) if n > 0 else InProcess()
