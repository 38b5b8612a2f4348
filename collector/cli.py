"""`collector`: measure processes, containers and VMs on this host into versioned datasets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from collector.dataset import MAX_TEXT_CHARS, DatasetError, Location, is_name, printable, read_dataset, shown
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


def _platforms(value: str) -> list[str]:
    """`--platform`: names from the registry, or `all` for every one of them (family order)."""
    items = _csv(value, PLATFORMS, "platform", extra=("all",))
    return list(PLATFORMS) if "all" in items else items


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
    platform: Annotated[str, typer.Option(help=f"Platforms, comma-separated, measured interleaved: {', '.join(PLATFORMS)}; or all.")] = "process,container,vm",
    repeat: Annotated[int, typer.Option(min=1, help="Measured repetitions per platform.")] = 10,
    warmup: Annotated[int, typer.Option(min=0, help="Warm-up repetitions per platform, kept in the dataset but marked warmup=true.")] = 1,
    out: Annotated[str, typer.Option(help="Dataset folder or s3://BUCKET/PREFIX/NAME (configured by the standard AWS variables); each run writes a new version (v1, v2, ...) inside it.")] = "datasets/local",
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
    name = out.rstrip("/").rsplit("/", 1)[-1] if "://" in out else Path(out).absolute().name
    if not is_name(name):  # the folder's name is the dataset's name: refuse it now, not after the run
        raise typer.BadParameter(f"{shown(name)} is not a valid dataset name (letters, digits, '.', '_', '-'; "
                                 "at most 64; see docs/dataset-format.md)", param_hint="--out")
    for option, text in (("--host-label", host_label), ("--note", note)):
        if len(text) > MAX_TEXT_CHARS:
            raise typer.BadParameter(f"at most {MAX_TEXT_CHARS:,} characters", param_hint=option)
    options = RunOptions(
        suites=_csv(suite, SUITES, "suite", extra=("all",)), platforms=_platforms(platform), repeat=repeat,
        warmup=warmup, workload=workload, accel=accel, timeout=timeout, kvm_probe_timeout=kvm_probe_timeout,
        vm_memory_mib=vm_memory, vm_cpus=vm_cpus, memory_budget_mib=memory_budget, max_instances=max_instances,
        instances=instances, params=_params(param or []), host_label=host_label, note=note,
        suite_workloads=_params(suite_workload or [], "--suite-workload"),
        suite_repeats=_counts(suite_repeat or [], "--suite-repeat", 1),
        suite_warmups=_counts(suite_warmup or [], "--suite-warmup", 0),
    )
    try:
        if out.startswith("s3://"):
            Location.of(out).exists()  # reach the store (bucket, credentials) before measuring for minutes
        ds = collect(options, out, console)
    except (ValueError, DatasetError) as exc:
        console.print(f"[red]error:[/] {escape(printable(str(exc)))}")
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
        print(printable(" ".join(str(exc).split())))
        raise typer.Exit(2) from None
    print(f"OK {ds.label} ({ds.samples.num_rows} samples{'' if ds.complete else ', incomplete'})")


@app.command()
def doctor() -> None:
    """Tell what this host can measure: Docker, QEMU, KVM, cgroups, CPU, memory, and each platform variant
    (crun, Podman, gVisor, microvm) by one real start. Always exits 0."""
    from collector.run.doctor import OK, MISSING, checks

    def probing() -> None:
        console.print("probing KVM with a real guest (10 s at most) …")

    def starting() -> None:
        console.print("starting one instance of each variant (crun, podman, gvisor, microvm) …")

    style = {OK: "{}", MISSING: "[red]{}[/]"}
    table = Table(title="collector doctor", show_header=True)
    for column in ("part", "status", "detail"):
        table.add_column(column)
    for row in checks(on_probe=probing, on_variants=starting):
        status = style.get(row.status, "[yellow]{}[/]").format(row.status)
        table.add_row(row.part, status, escape(printable(row.detail)))
    Console().print(table)


@app.command()
def cleanup(
    datasets: Annotated[Optional[str], typer.Option(help="Also remove unfinished version folders (no manifest) under this folder or s3://BUCKET/PREFIX.")] = "datasets",
    keep_images: Annotated[bool, typer.Option(help="Keep the cached workload images.")] = False,
) -> None:
    """Remove every container, image, VM and process a killed run left behind (by label, pid file, and QEMU by its vmcbench- name)."""
    from collector.run.cleanup import cleanup as do_cleanup, cleanup_datasets

    removed, warnings = do_cleanup(None, images=not keep_images)
    for w in warnings:
        console.print(f"[yellow]{w}[/]")
    for r in removed:
        print(f"removed {r}")
    found: list[str] = []
    if datasets:
        try:
            found = cleanup_datasets(datasets)
        except DatasetError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
        for r in found:
            print(f"removed {r}")
    print(f"cleanup: {len(removed) + len(found)} removed")


if __name__ == "__main__":  # pragma: no cover
    app()
