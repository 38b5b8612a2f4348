"""Recovery (chart C11): scale out from 1 to N ready instances, and kill → ready again, per platform.

- scale-out: with one instance ready, ask for N−1 more at once (one thread
  each) and time until the last is ready;
- kill → ready: SIGKILL the instance's main process from the host. A container
  runs under an engine restart policy, so the engine restarts it and the
  collector only watches its log; a process or VM has no supervisor but the
  collector, which waits for the exit and starts it again.
See docs/suites/recovery.md.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from collector.suites.crash import kill_main_process
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.platforms import Instance, Platform, PlatformUnavailable, StartFailed
from collector.suites.records import utc_now
from collector.suites.roles import open_role
from collector.dataset import charts_of
from collector.suites.base import TYPICAL_START_S, Session, Suite, kind


def _docker_time(stamp: str) -> float:
    """Epoch seconds of a Docker log timestamp (RFC 3339 with nanoseconds, UTC)."""
    day, _, frac = stamp.rstrip("Z").partition(".")
    whole = dt.datetime.strptime(day, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc).timestamp()
    return whole + (float(f"0.{frac}") if frac else 0.0)


ENGINE_STAMP = "engine log timestamp of the ready line"
COLLECTOR_CLOCK = ("the collector's clock when it read the ready line: the engine stamps log lines to the whole "
                   "second only (Podman 4.3), too coarse for a sub-second restart")
POLL_S = 0.02


def ready_stamps(container: Any, marker: str) -> list[str]:
    """The log timestamps of every line holding `marker`, oldest first (the log survives restarts)."""
    raw = container.logs(stdout=True, stderr=True, timestamps=True).decode("utf-8", "replace")
    return [stamp for stamp, _, text in (line.partition(" ") for line in raw.splitlines()) if marker in text]


def engine_ready_after(container: Any, marker: str, seen_before: int, since_wall: float,
                       deadline: float) -> tuple[float, str] | None:
    """(epoch time, how it was measured) of the first `marker` line after the `seen_before` already logged
    and not stamped before `since_wall` (the kill), or None by `deadline` (monotonic).

    The time is the engine's own stamp of that line, so the polling interval does not enter the
    measurement. An engine that stamps to the whole second only (Podman's compatible API) cannot time
    a sub-second restart that way: then the time is when the collector read the line (polled every
    20 ms), an upper bound, and the detail says so.
    """
    while time.monotonic() < deadline:
        for stamp in ready_stamps(container, marker)[seen_before:]:
            if "." not in stamp:
                return time.time(), COLLECTOR_CLOCK
            if _docker_time(stamp) >= since_wall:
                return _docker_time(stamp), ENGINE_STAMP
        time.sleep(POLL_S)
    return None


class RecoverySuite(Suite):
    name = "recovery"
    charts = charts_of("recovery")

    def steps(self, session: Session) -> int:
        return (session.warmup + session.repeat) * len(session.platforms) * 2

    def estimate_s(self, session: Session) -> float:
        n = self._n(session)
        per_rep = sum(TYPICAL_START_S.get(kind(p), 1.0) * (2 + n + (n if kind(p) == "vm" else 0)) for p in session.platforms)
        return (session.warmup + session.repeat) * per_rep

    @staticmethod
    def _n(session: Session) -> int:
        return int(getattr(session.options, "instances", 3) or 3)

    def run(self, session: Session) -> None:
        policy = session.param("restart_policy", "always")
        opened: dict[str, Platform] = {}
        problems: dict[str, str] = {}
        try:
            for name, platform in session.platforms.items():
                if kind(name) != "container":
                    opened[name] = platform
                    continue
                try:
                    opened[name], _ = open_role(session, name, session.workload,
                                                container_limits={**session.ctx.container_limits,
                                                                  "restart_policy": {"Name": policy}})
                except (PlatformUnavailable, *MEASUREMENT_ERRORS) as exc:
                    problems[name] = f"container with restart policy could not be prepared: {one_line(exc)}"
            for rep in range(session.warmup + session.repeat):
                warm = rep < session.warmup
                for name in session.order(rep):
                    common = dict(suite=self.name, platform=name, workload=session.workload.name,
                                  repetition=rep, warmup=warm, accelerator=session.platforms[name].accelerator)
                    if name in problems:
                        for metric in ("scale_out_s", "recover_s"):
                            session.log.add(metric=metric, value=None, error=problems[name],
                                            started_at=utc_now(), **common)
                            session.advance(f"recovery: {name} #{rep + 1}")
                        continue
                    self._scale_out(session, opened[name], common)
                    session.advance(f"recovery: {name} scale-out #{rep + 1}{' (warm-up)' if warm else ''}")
                    self._recover(session, opened[name], common, policy)
                    session.advance(f"recovery: {name} kill → ready #{rep + 1}{' (warm-up)' if warm else ''}")
        finally:
            for name, platform in opened.items():
                if platform is not session.platforms.get(name):
                    platform.close()

    def _scale_out(self, session: Session, platform: Platform, common: dict[str, Any]) -> None:
        n = self._n(session)
        started = utc_now()
        live: list[Instance] = []
        errors: list[str] = []
        detail: dict[str, Any] = {"n": n}
        try:
            if n < 2:
                raise StartFailed("scale-out needs --instances 2 or more")
            first = platform.start(session.workload, 0)
            live.append(first)
            detail["first_start_s"] = first.start_time
            t0 = time.monotonic()
            with ThreadPoolExecutor(max_workers=n - 1) as pool:
                futures = [pool.submit(platform.start, session.workload, i) for i in range(1, n)]
                ready_at: list[float] = []
                for f in futures:
                    try:
                        inst = f.result()
                        live.append(inst)
                        ready_at.append(inst.requested_at + inst.start_time - t0)
                    except MEASUREMENT_ERRORS as exc:  # every future is collected, so no started instance is left behind
                        errors.append(one_line(exc))
            detail["ready_s"] = ready_at
        except MEASUREMENT_ERRORS as exc:  # a failed measurement is a row, not a lost run
            errors.append(one_line(exc))
        finally:
            for inst in live:
                platform.stop(inst)
        if errors:
            session.log.add(metric="scale_out_s", value=None, error=f"{len(errors)} start(s) failed: {errors[0]}",
                            detail=detail, started_at=started, **common)
        else:
            session.log.add(metric="scale_out_s", value=max(detail["ready_s"]), detail=detail,
                            started_at=started, **common)

    def _recover(self, session: Session, platform: Platform, common: dict[str, Any], policy: str) -> None:
        started = utc_now()
        engine = kind(platform.name) == "container"
        detail: dict[str, Any] = {"restarted_by": "engine" if engine else "collector", "signal": "SIGKILL"}
        if engine:
            detail["restart_policy"] = policy
        inst: Instance | None = None
        value: float | None = None
        error: str | None = None
        try:
            inst = platform.start(session.workload, 0)
            if engine:
                value, error = self._engine_recovers(session, inst, detail)
            else:
                killed, _ = kill_main_process(inst)
                inst.handle["proc"].wait(timeout=session.ctx.timeout)
                detail["exit_seen_s"] = time.monotonic() - killed
                platform.stop(inst)
                inst = None
                inst = platform.start(session.workload, 0)
                detail["relaunch_start_s"] = inst.start_time
                value = inst.requested_at + inst.start_time - killed
        except MEASUREMENT_ERRORS as exc:  # a failed measurement is a row, not a lost run
            value, error = None, one_line(exc)
        finally:
            if inst is not None:
                platform.stop(inst)
        session.log.add(metric="recover_s", value=value, error=error, detail=detail, started_at=started, **common)

    @staticmethod
    def _engine_recovers(session: Session, inst: Instance, detail: dict[str, Any]) -> tuple[float | None, str | None]:
        """Kill the container's init from the host; the engine's restart policy must bring it back by itself."""
        container = inst.handle["container"]
        container.reload()
        count_before, pid_before = int(container.attrs.get("RestartCount", 0)), int(container.attrs["State"]["Pid"])
        marker = session.workload.ready_marker
        seen_before = len(ready_stamps(container, marker))
        _, killed_wall = kill_main_process(inst)
        ready = engine_ready_after(container, marker, seen_before, killed_wall, time.monotonic() + session.ctx.timeout)
        container.reload()
        detail.update(restart_count=int(container.attrs.get("RestartCount", 0)) - count_before,
                      pid_changed=int(container.attrs["State"]["Pid"]) != pid_before)
        if ready is None:
            detail["measured_by"] = ENGINE_STAMP
            return None, f"container not ready again within {session.ctx.timeout:g} s of the kill"
        at, detail["measured_by"] = ready
        return at - killed_wall, None
