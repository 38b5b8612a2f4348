"""Extra platform objects for a suite's own workloads (a victim, a hog, a restartable service).

A platform holds one prepared workload and one set of resource caps, so a
suite that runs two workloads side by side, or the run's workload with other
caps (a restart policy), opens one more platform per role. Each shares the
run's id, so its containers carry the run's labels and its processes the
run's pid files: `collector cleanup` and the runner's interrupt handling find
them like any other.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from collector.platforms import Platform, PlatformUnavailable, open_platform
from collector.suites.base import Session
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.workloads import Workload


def open_role(session: Session, name: str, workload: Workload, **ctx_changes: Any) -> tuple[Platform, dict[str, Any]]:
    """Open platform `name` for `workload` with RunContext fields changed; returns it and its artifact facts.

    A VM role reuses the accelerator the run already chose, so `--accel auto`
    does not probe KVM again. Raises what open_platform/prepare raise.
    """
    changes = dict(ctx_changes)
    if name in session.platforms and session.platforms[name].accelerator in ("kvm", "tcg"):
        changes.setdefault("accel", session.platforms[name].accelerator)
    ctx = dataclasses.replace(session.ctx, **changes)
    ctx.notes = session.ctx.notes  # one notes dict for the manifest
    platform = open_platform(name, ctx)
    try:
        facts = platform.prepare(workload)
    except BaseException:
        platform.close()
        raise
    return platform, facts


Opened = dict[str, tuple[Platform, dict[str, Any]]]


def open_each(session: Session, workload: Workload, what: str) -> tuple[Opened, dict[str, str]]:
    """Open every platform of the run for `workload`: the opened ones (platform, artifact facts) and, for
    each platform that could not be prepared, a one-line problem (`<what> could not be prepared: …`) that
    the suite records as failed rows instead of losing the run. Closes what it opened if it is interrupted."""
    opened: Opened = {}
    problems: dict[str, str] = {}
    try:
        for name in session.platforms:
            try:
                opened[name] = open_role(session, name, workload)
            except (PlatformUnavailable, *MEASUREMENT_ERRORS) as exc:
                problems[name] = f"{what} could not be prepared: {one_line(exc)}"
    except BaseException:
        close_each(opened)
        raise
    return opened, problems


def close_each(opened: Opened) -> None:
    for platform, _ in opened.values():
        platform.close()
