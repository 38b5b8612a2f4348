"""`collector`: measure processes, containers and VMs on this host into versioned datasets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from collector.dataset import DatasetError, read_dataset
from collector.platforms import PLATFORMS
from collector.suites import SUITES

app = typer.Typer(
    help="Measure how bare processes, containers and VMs differ on this host; write raw samples as versioned Parquet datasets.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, width=None if os.isatty(2) else 110)


def _csv(value: str, known: dict, what: str, extra: tuple[str, ...] = ()) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in known and v not in extra]
    if bad or not items:
        raise typer.BadParameter(f"unknown {what} {', '.join(bad) or '(none)'}; choose from {', '.join(known)}")
    return list(dict.fromkeys(items))


def _params(items: list[str], option: str = "--param") -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{option} {item!r}: expected key=value")
        out[key.strip()] = value.strip()
    return out


def _counts(items: list[str], option: str, minimum: int) -> dict[str, int]:
    out = {}
    for key, value in _params(items, option).items():
        if key not in SUITES:
            raise typer.BadParameter(f"{option} {key}={value}: unknown suite; known: {', '.join(SUITES)}")
        if not value.isdigit() or int(value) < minimum:
            raise typer.BadParameter(f"{option} {key}={value}: expected a whole number >= {minimum}")
        out[key] = int(value)
    return out


@app.command()
def run(
    suite: Annotated[str, typer.Option(help=f"Suites to run, comma-separated: {', '.join(SUITES)}; or all.")] = "startup",
    platform: Annotated[str, typer.Option(help="Platforms, comma-separated, measured interleaved: process, container, vm.")] = "process,container,vm",
    repeat: Annotated[int, typer.Option(min=1, help="Measured repetitions per platform.")] = 10,
    warmup: Annotated[int, typer.Option(min=0, help="Warm-up repetitions per platform, kept in the dataset but marked warmup=true.")] = 1,
    out: Annotated[Path, typer.Option(help="Dataset folder; each run writes a new version (v1, v2, ...) inside it.")] = Path("datasets/local"),
    workload: Annotated[str, typer.Option(help="Workload started on every platform (busybox: the host's static busybox).")] = "busybox",
    accel: Annotated[str, typer.Option(help="VM accelerator: auto tries KVM with a short timeout and falls back to TCG; kvm or tcg force one.")] = "auto",
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds an instance may take to become ready; then it is killed and recorded as a failed sample.")] = 60.0,
    kvm_probe_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds the KVM probe of --accel auto waits for a guest before falling back to TCG.")] = 10.0,
    vm_memory: Annotated[int, typer.Option(min=64, help="VM memory in MiB.")] = 256,
    vm_cpus: Annotated[int, typer.Option(min=1, help="VM virtual CPUs.")] = 1,
    memory_budget: Annotated[int, typer.Option(min=16, help="Density suite: MiB the instances of one platform may use together.")] = 4096,
    max_instances: Annotated[int, typer.Option(min=1, help="Density suite: a safety net, stop at this many instances even if the budget allows more (high enough not to bind on a normal host).")] = 400,
    instances: Annotated[int, typer.Option(min=1, help="Consistency and recovery suites: number of instances N.")] = 3,
    param: Annotated[Optional[list[str]], typer.Option(help="Suite setting key=value (repeatable); see docs/suites/.")] = None,
    suite_repeat: Annotated[Optional[list[str]], typer.Option(help="Per-suite repetitions, suite=N (repeatable), e.g. density=1; others use --repeat.")] = None,
    suite_warmup: Annotated[Optional[list[str]], typer.Option(help="Per-suite warm-ups, suite=N (repeatable); others use --warmup.")] = None,
    suite_workload: Annotated[Optional[list[str]], typer.Option(help="Run one suite with another workload, suite=workload (repeatable), e.g. density=tomcat.")] = None,
    host_label: Annotated[str, typer.Option(help="Name of this host or set-up in reports (default: the hostname).")] = "",
    note: Annotated[str, typer.Option(help="Free text kept in the manifest's notes (e.g. how this set-up differs).")] = "",
) -> None:
    """Run suites on the chosen platforms and write a new dataset version; prints its path."""
    from collector.run.runner import RunOptions, collect
    from collector.run.summary_table import summary_table

    if accel not in ("auto", "kvm", "tcg"):
        raise typer.BadParameter("--accel must be auto, kvm or tcg")
    options = RunOptions(
        suites=_csv(suite, SUITES, "suite", extra=("all",)), platforms=_csv(platform, PLATFORMS, "platform"), repeat=repeat,
        warmup=warmup, workload=workload, accel=accel, timeout=timeout, kvm_probe_timeout=kvm_probe_timeout,
        vm_memory_mib=vm_memory, vm_cpus=vm_cpus, memory_budget_mib=memory_budget, max_instances=max_instances,
        instances=instances, params=_params(param or []), host_label=host_label, note=note,
        suite_workloads=_params(suite_workload or [], "--suite-workload"),
        suite_repeats=_counts(suite_repeat or [], "--suite-repeat", 1),
        suite_warmups=_counts(suite_warmup or [], "--suite-warmup", 0),
    )
    try:
        ds = collect(options, str(out), console)
    except (ValueError, DatasetError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if ds is None:
        raise typer.Exit(130)
    console.print(summary_table(ds))
    if not ds.complete:
        console.print("[yellow]run was interrupted: version marked complete=false[/]")
    print(ds.location)
    if not ds.complete:
        raise typer.Exit(130)


@app.command()
def validate(path: Annotated[str, typer.Argument(help="A dataset version folder, a dataset folder (newest version) or name@version.")]) -> None:
    """Check a dataset: manifest, checksums, schema version, columns and values. Prints OK or one line why not."""
    try:
        ds = read_dataset(path)
    except DatasetError as exc:
        print(exc)
        raise typer.Exit(2) from None
    print(f"OK {ds.label} ({ds.samples.num_rows} samples{'' if ds.complete else ', incomplete'})")


@app.command()
def doctor() -> None:
    """Tell what this host can measure: Docker, QEMU, KVM, cgroups, CPU and memory. Always exits 0."""
    from collector.context import RunContext
    from collector.probes.host import cgroup_version, cpu_model, os_name
    from collector.platforms import PlatformUnavailable
    from collector.platforms.container import docker_client
    from collector.platforms.vm import VmPlatform, kvm_device_problem, qemu_version
    from collector.workloads import busybox

    import psutil

    table = Table(title="collector doctor", show_header=True)
    table.add_column("part")
    table.add_column("status")
    table.add_column("detail")
    table.add_row("cpu", "ok", f"{cpu_model()}, {os.cpu_count()} cores")
    table.add_row("memory", "ok", f"{psutil.virtual_memory().total / 2**30:.1f} GiB")
    table.add_row("os", "ok", f"{os_name()}, kernel {os.uname().release}, cgroup v{cgroup_version()}")
    try:
        client = docker_client(timeout=5)
        v = client.version()
        table.add_row("docker", "ok", f"Engine {v.get('Version')} (API {v.get('ApiVersion')}) at {os.environ.get('DOCKER_HOST', 'unix:///var/run/docker.sock')}")
        client.close()
    except PlatformUnavailable as exc:
        table.add_row("docker", "[red]missing[/]", str(exc))
    q = qemu_version()
    table.add_row("qemu", "ok" if q != "not installed" else "[red]missing[/]", q if q != "not installed" else "apt-get install qemu-system-x86")
    problem = kvm_device_problem()
    if problem is None and q != "not installed":
        with console.status("probing KVM with a real guest (10 s at most) …"):
            try:
                vm = VmPlatform(RunContext("doctor", accel="auto", kvm_probe_timeout=10))
                vm.prepare(busybox())
                vm.close()
                note = vm.ctx.notes.get("kvm", "")
                table.add_row("kvm", "ok" if vm.accelerator == "kvm" else "[yellow]unusable[/]", note)
            except (PlatformUnavailable, FileNotFoundError) as exc:
                table.add_row("kvm", "[yellow]unknown[/]", f"could not probe: {exc}")
    else:
        table.add_row("kvm", "[yellow]unusable[/]", problem or "QEMU missing")
    table.add_row("busybox", *(("ok", "/bin/busybox") if Path("/bin/busybox").exists() else ("[red]missing[/]", "apt-get install busybox-static")))
    Console().print(table)


@app.command()
def cleanup(
    datasets: Annotated[Optional[Path], typer.Option(help="Also remove unfinished version folders (no manifest) under this folder.")] = Path("datasets"),
    keep_images: Annotated[bool, typer.Option(help="Keep the cached workload images.")] = False,
) -> None:
    """Remove every container, image, VM and process a killed run left behind (by label, pid file, and QEMU by its vmcbench- name)."""
    from collector.run.cleanup import cleanup as do_cleanup

    removed, warnings = do_cleanup(datasets, images=not keep_images)
    for w in warnings:
        console.print(f"[yellow]{w}[/]")
    for r in removed:
        print(f"removed {r}")
    print(f"cleanup: {len(removed)} removed")


if __name__ == "__main__":  # pragma: no cover
    app()
