"""The build's worker processes (reportgen/commands/workers.py): jobs run in other processes, values and
exceptions come back as they would in this one, and a chart rendered there is the chart rendered here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reportgen.rendering.render_svg import RenderError, render
from reportgen.commands.workers import InProcess, WorkerError, WorkerPool, pool

FONTS = Path(__file__).resolve().parents[2] / "templates" / "fonts"
SPEC = {"data": {"values": [{"k": "가", "v": 1}, {"k": "b", "v": 2}]}, "mark": "bar",
        "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}}}


def fail_with_render_error(text: str) -> None:
    raise RenderError(text)


class Unpicklable(Exception):
    def __reduce__(self):  # noqa: ANN204
        raise TypeError("not this one")


def heavy_modules() -> list[str]:
    return [name for name in ("pandas", "altair", "scipy", "pyarrow") if name in sys.modules]


def fail_unpicklably() -> None:
    raise Unpicklable("held a lock")


@pytest.fixture(scope="module")
def workers() -> WorkerPool:
    with WorkerPool(1) as running:
        yield running


def test_jobs_run_in_other_processes_and_their_values_come_back(workers: WorkerPool) -> None:
    pids = {workers.submit(os.getpid).result() for _ in range(6)}
    assert os.getpid() not in pids and len(pids) == 1
    assert workers.submit(divmod, 17, 5).result() == (3, 2)


def test_an_exception_comes_back_as_itself_or_as_its_text(workers: WorkerPool) -> None:
    with pytest.raises(RenderError, match="C9: no text"):  # the CLI's one-line error, as without workers
        workers.submit(fail_with_render_error, "C9: no text").result()
    with pytest.raises(WorkerError, match="Unpicklable: held a lock"):
        workers.submit(fail_unpicklably).result()
    assert workers.submit(divmod, 1, 1).result() == (1, 0)  # the worker lives on after a failed job


def test_a_chart_rendered_in_a_worker_is_the_chart_rendered_here(workers: WorkerPool) -> None:
    options = dict(chart_id="C99", alt_text="막대 두 개", vega_locale="ko-KR", font_dir=FONTS)
    there = workers.submit(render, SPEC, **options).result()
    assert type(there) is type(render(SPEC, **options)) and str(there) == str(render(SPEC, **options))
    assert "<text" in there
    assert workers.submit(heavy_modules).result() == []  # a worker renders specs without the charts' libraries


def test_no_workers_runs_each_job_here_at_once() -> None:
    assert isinstance(pool(0), InProcess)
    assert pool(0).submit(os.getpid).result() == os.getpid()
    with pytest.raises(RenderError):
        InProcess().submit(fail_with_render_error, "x")


def test_shut_down_twice_is_harmless() -> None:
    running = WorkerPool(1)
    assert running.submit(divmod, 4, 2).result() == (2, 0)
    running.shutdown()
    running.shutdown(cancel_futures=True)
    assert all(proc.poll() is not None for proc in running.procs)


def test_a_job_given_first_goes_ahead_of_those_waiting_and_shutdown_can_cancel_the_rest() -> None:
    import time

    running = WorkerPool(1)
    busy = running.submit(time.sleep, 0.5)  # the worker is busy while the next three wait
    later = running.submit(time.monotonic)
    sooner = running.first(time.monotonic)  # CLOCK_MONOTONIC is the same clock in every process
    assert sooner.result() < later.result()
    assert busy.result() is None
    busy = running.submit(time.sleep, 0.5)
    waiting = [running.submit(time.monotonic) for _ in range(3)]
    time.sleep(0.1)  # the sleep has been handed out; the rest wait
    running.shutdown(cancel_futures=True)
    assert busy.result() is None and all(f.cancelled() for f in waiting)
    with pytest.raises(RuntimeError, match="shut down"):
        running.submit(time.monotonic)
