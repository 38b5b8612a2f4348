"""One collection run, top to bottom: open platforms → prepare → measure → write a version.

Ctrl-C or SIGTERM stops the measuring, removes this run's instances, and
writes what was measured as a version marked `complete: false`. Nothing is
written before the end, so a SIGKILL leaves no version at all.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import signal
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from collector import __version__
from collector.platforms import pidfiles
from collector.context import RunContext
from collector.dataset import Dataset, write_version
from collector.probes.host import fingerprint, host_id
from collector.platforms import Platform, PlatformUnavailable, open_platform
from collector.platforms.container import ContainerPlatform, remove_labelled
from collector.platforms.podman import remove_podman_labelled
from collector.platforms.vm import qemu_version
from collector.suites.records import SampleLog, utc_now
from collector.suites import SUITES, Session
from collector.workloads import get_workload


@dataclass
class RunOptions:
    """The full run configuration; stored as-is in the manifest."""

    suites: list[str]
    platforms: list[str]
    repeat: int = 10
    warmup: int = 1
    workload: str = "busybox"
    accel: str = "auto"
    timeout: float = 60.0
    kvm_probe_timeout: float = 10.0
    vm_memory_mib: int = 256
    vm_cpus: int = 1
    memory_budget_mib: int = 4096
    """Density: memory the instances of one platform may use together."""
    max_instances: int = 400
    """Density: stop adding instances at this count even if the budget allows more."""
    instances: int = 3
    """Consistency and recovery: how many instances (N)."""
    params: dict[str, str] = field(default_factory=dict)
    """Suite-specific settings given as --param key=value."""
    suite_repeats: dict[str, int] = field(default_factory=dict)
    """Per-suite --repeat, e.g. {"density": 1}: long suites need fewer repetitions than startup."""
    suite_warmups: dict[str, int] = field(default_factory=dict)
    """Per-suite --warmup."""
    suite_workloads: dict[str, str] = field(default_factory=dict)
    """Suites that run another workload than --workload, e.g. {"density": "tomcat"}."""
    host_label: str = ""
    """A name for this host or set-up in reports (default: the hostname)."""
    note: str = ""
    """Free text stored in the manifest's notes, e.g. how this set-up differs from the usual one."""
    argv: list[str] = field(default_factory=lambda: list(sys.argv))


class Interrupted(Exception):
    """SIGTERM arrived; handled like Ctrl-C."""


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(signal.Signals(signum).name)


def new_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _open_platforms(names: list[str], ctx: RunContext, console: Console, workload, skipped: dict[str, str]):  # type: ignore[no-untyped-def]
    platforms: dict[str, Platform] = {}
    artifacts: dict[str, Any] = {}
    for name in names:
        try:
            with console.status(f"preparing {name} …"):
                plat = open_platform(name, ctx)
                artifacts[name] = plat.prepare(workload)
            platforms[name] = plat
            if plat.accelerator in ("kvm", "tcg"):
                ctx.accel = plat.accelerator  # decided once: later VM platforms and workloads skip the KVM probe
        except PlatformUnavailable as exc:
            console.print(f"[yellow]{name}: skipped: {exc}[/]")
            skipped[name] = str(exc)
    return platforms, artifacts


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def remove_run_instances(run_id: str) -> None:
    """Kill this run's processes and VMs and remove its containers, whatever state they are in."""
    pidfiles.kill_leftovers(run_id)
    for remove in (remove_labelled, remove_podman_labelled):
        try:
            remove(run_id, images=False)
        except PlatformUnavailable:
            pass


def collect(options: RunOptions, out: str, console: Console) -> Dataset | None:
    """Run the suites and write a new version under `out`; None if interrupted before any sample."""
    if "all" in options.suites:
        options.suites = list(SUITES)
    for s in options.suites:
        if s not in SUITES:
            raise ValueError(f"unknown suite {s!r}; known: {', '.join(SUITES)}")
    ctx = RunContext(new_run_id(), accel=options.accel, timeout=options.timeout,
                     kvm_probe_timeout=options.kvm_probe_timeout, vm_memory_mib=options.vm_memory_mib,
                     vm_cpus=options.vm_cpus)
    workload = get_workload(options.workload)
    skipped: dict[str, str] = {}
    log = SampleLog(ctx.run_id, host_id())
    started = utc_now()
    interrupted = None
    old_term = signal.signal(signal.SIGTERM, _raise_interrupted)
    platforms: dict[str, Platform] = {}
    artifacts: dict[str, Any] = {}
    extra: dict[str, tuple[dict[str, Platform], dict[str, Any]]] = {}
    """Platforms prepared for the workloads of --suite-workload, by workload name."""
    suites: list[Any] = []
    sessions: list[Session] = []
    try:
        platforms, artifacts = _open_platforms(options.platforms, ctx, console, workload, skipped)
        log.identities.update({name: plat.identity() for name, plat in platforms.items()})
        for note in ctx.notes.values():
            console.print(f"[dim]{note}[/]")
        for name in options.suites:
            repeat = options.suite_repeats.get(name, options.repeat)
            warmup = options.suite_warmups.get(name, options.warmup)
            other = options.suite_workloads.get(name)
            if other and other != workload.name:
                if other not in extra:
                    extra[other] = _open_platforms(list(platforms), ctx, console, get_workload(other), {})
                sessions.append(Session(ctx, extra[other][0], get_workload(other), log, repeat, warmup, options=options))
            else:
                sessions.append(Session(ctx, platforms, workload, log, repeat, warmup, options=options))
        suites[:] = [SUITES[s]() for s in options.suites]
        estimate = sum(suite.estimate_s(sess) for suite, sess in zip(suites, sessions))
        console.print(f"estimated time: about {_duration(estimate)} for {', '.join(s.name for s in suites)} "
                      f"on {', '.join(platforms) or 'no platform'}")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            for suite, session in zip(suites, sessions):
                task = progress.add_task(f"{suite.name} ({session.workload.name})", total=suite.steps(session))
                session.advance = lambda d, task=task: progress.update(task, advance=1, description=d)
                suite.run(session)
                progress.update(task, description=f"{suite.name} ({session.workload.name}): done")
    except (KeyboardInterrupt, Interrupted) as exc:
        interrupted = type(exc).__name__ if isinstance(exc, KeyboardInterrupt) else str(exc)
        console.print(f"[yellow]interrupted ({interrupted}); removing this run's instances[/]")
    finally:
        remove_run_instances(ctx.run_id)
        for plat in [*platforms.values(), *(p for plats, _ in extra.values() for p in plats.values())]:
            plat.close()
        signal.signal(signal.SIGTERM, old_term)
    if not len(log):
        console.print("[yellow]no sample was measured; no version written[/]")
        return None
    vm = next((p for p in platforms.values() if p.family == "vm"), None)
    container = platforms.get("container")
    manifest = {
        "created_at": utc_now().isoformat(timespec="seconds"),
        "started_at": started.isoformat(timespec="seconds"),
        "complete": interrupted is None,
        "interrupted": interrupted is not None,
        "collector": {"name": "vmcbench-collector", "version": __version__},
        "run": {**asdict(options), "run_id": ctx.run_id},
        "host": fingerprint(
            docker_version=container.engine_version() if isinstance(container, ContainerPlatform) else "unavailable",
            qemu_version=qemu_version(),
            accelerator=vm.accelerator if vm else "none",
        ) | {"label": options.host_label or socket.gethostname(), "docker_host": os.environ.get("DOCKER_HOST", "")},
        "artifacts": artifacts,
        "platforms": {name: {**log.identity(name), "accelerator": plat.accelerator} for name, plat in platforms.items()},
        "workload_artifacts": {name: arts for name, (_, arts) in sorted(extra.items())},
        "suite_facts": {suite.name: session.facts for suite, session in zip(suites, sessions) if session.facts},
        "notes": dict(sorted({**ctx.notes, **({"operator": options.note} if options.note else {})}.items())),
        "skipped_platforms": skipped,
    }
    return write_version(out, log.table(), manifest)
