"""Page contexts built from the datasets' manifests: cover, methods, provenance.

Each function takes loaded datasets and a Translator and returns the typed
context its template section renders (see pages.py). Charts and the matrix
build their own contexts (charts/, matrix.py).
"""

from __future__ import annotations

from importlib import metadata
from typing import Any, Sequence

import pyarrow.compute as pc

from collector.dataset import Dataset

from reportgen import __version__
from reportgen.i18n.catalogs import Translator
from reportgen.load.datasets import Loaded, manifest_get, parse_created
from reportgen.pages.contexts import Cover, DatasetCard, Fact, FileDigest, Methods, Provenance, ProvenanceEntry, Title
from reportgen.i18n.vocab import accelerator_label, platform_label

DECK_TITLE_KO = "가상화 기술과 컨테이너 기술의 차이점"
DECK_TITLE_EN = "Differences between virtualization and container technology"
DECK_SUBTITLE = "Container vs. Virtualization"
"""The deck's title in its two languages: both are shown on every cover, untranslated."""

TOOLS: tuple[tuple[str, str], ...] = (
    ("altair", "altair"),
    ("vl-convert", "vl-convert-python"),
    ("WeasyPrint", "weasyprint"),
    ("Jinja2", "jinja2"),
    ("Babel", "babel"),
    ("pyarrow", "pyarrow"),
)
"""Libraries whose versions shape the output: (shown name, distribution name)."""


def created_label(created_at: str | None, tr: Translator) -> str:
    if not created_at:
        return tr("unknown")
    return tr.units.datetime(parse_created(created_at))


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "—"
    return str(value)


def host_facts(dataset: Dataset, tr: Translator) -> tuple[Fact, ...]:
    m = dataset.manifest
    memory = manifest_get(m, "host", "memory_bytes")
    cores = manifest_get(m, "host", "cores")
    accel = manifest_get(m, "host", "accelerator")
    return (
        Fact(tr("CPU"), _text(manifest_get(m, "host", "cpu_model"))),
        Fact(tr("Cores"), tr.integer(cores) if isinstance(cores, int) else _text(cores)),
        Fact(tr("Memory"), tr.bytes_iec(memory) if isinstance(memory, (int, float)) else _text(memory)),
        Fact(tr("Operating system"), _text(manifest_get(m, "host", "os"))),
        Fact(tr("Kernel"), _text(manifest_get(m, "host", "kernel"))),
        Fact(tr("VM accelerator"), accelerator_label(accel, tr) if isinstance(accel, str) else _text(accel)),
        Fact(tr("Docker Engine"), _text(manifest_get(m, "host", "docker_version"))),
        Fact(tr("QEMU"), _text(manifest_get(m, "host", "qemu_version"))),
        Fact(tr("cgroup version"), _text(manifest_get(m, "host", "cgroup_version"))),
        Fact(tr("Python (collector)"), _text(manifest_get(m, "host", "python"))),
    )


def _per_suite(default: Any, by_suite: Any, tr: Translator) -> str:
    """`20 (suites with their own: isolation 3, recovery 5)`: the run's count and the suites that set their own."""
    text = _text(default)
    if isinstance(by_suite, dict) and by_suite:
        own = ", ".join(f"{_text(suite)} {_text(count)}" for suite, count in sorted(by_suite.items(), key=lambda kv: str(kv[0])))
        text = tr("{count} (suites with their own: {suites})").format(count=text, suites=own)
    return text


def run_facts(dataset: Dataset, tr: Translator) -> tuple[Fact, ...]:
    m = dataset.manifest
    repeat = manifest_get(m, "run", "repeat", default=manifest_get(m, "run", "repetitions"))
    platforms = manifest_get(m, "run", "platforms", default=())
    return (
        Fact(tr("Suites"), _text(manifest_get(m, "run", "suites"))),
        Fact(
            tr("Platforms"),
            ", ".join(platform_label(p, "", tr) for p in platforms) if isinstance(platforms, list) else _text(platforms),
        ),
        Fact(tr("Measured runs per platform"), _per_suite(repeat, manifest_get(m, "run", "suite_repeats"), tr)),
        Fact(tr("Warm-up runs per platform"), _per_suite(manifest_get(m, "run", "warmup"),
                                                         manifest_get(m, "run", "suite_warmups"), tr)),
        Fact(tr("Timeout per run (s)"), _text(manifest_get(m, "run", "timeout"))),
        Fact(tr("Accelerator requested"), _text(manifest_get(m, "run", "accel"))),
    )


def dataset_card(dataset: Dataset, tr: Translator) -> DatasetCard:
    m = dataset.manifest
    warning = None
    if m.get("interrupted"):
        warning = tr("Collection was interrupted: this dataset holds only the runs finished before it stopped.")
    elif not m.get("complete", True):
        warning = tr("This dataset is marked incomplete.")
    count = m.get("sample_count", dataset.samples.num_rows)
    return DatasetCard(
        label=dataset.label,
        name=dataset.name,
        version=dataset.version,
        created_at=created_label(m.get("created_at"), tr),
        sample_count=tr.integer(count) if isinstance(count, int) else _text(count),
        warning=warning,
        host=host_facts(dataset, tr),
        run=run_facts(dataset, tr),
        notes=tuple(Fact(key, _text(value)) for key, value in flatten(m.get("notes"))),
    )


def flatten(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested manifest dicts as sorted (`a · b`, value) pairs, for display."""
    if not isinstance(node, dict):
        return [(prefix, node)] if prefix else []
    pairs: list[tuple[str, Any]] = []
    for key in sorted(node, key=str):
        pairs.extend(flatten(node[key], f"{prefix} · {key}" if prefix else str(key)))
    return pairs


def cover(loaded: Loaded, tr: Translator) -> Cover:
    # the Korean deck's own title, with its English subtitle; another language's title first, the original after
    titles = (Title("ko", DECK_TITLE_KO),) if tr.lang == "ko" else (Title("en", DECK_TITLE_EN), Title("ko", DECK_TITLE_KO))
    return Cover(
        titles=titles,
        subtitle=DECK_SUBTITLE,
        lead=tr(
            "The course deck's comparison of physical servers, virtual machines and containers, redone "
            "with measurements: every figure in this report comes from the dataset below and can be "
            "traced to its raw samples."
        ),
        datasets=tuple(dataset_card(d, tr) for d in loaded.datasets),
        caveat=tr("Every VM here ran under QEMU's software emulation (TCG), not hardware virtualization (KVM): "
                  "VM speeds are far below what a server with KVM gives, and each chart with VMs says so.")
        if any("tcg" in _vm_accelerators(d) for d in loaded.datasets) else "",
    )


def _vm_accelerators(dataset: Dataset) -> list[str]:
    table = dataset.samples
    vm = pc.filter(table["accelerator"], pc.equal(table["platform"], "vm"))
    return sorted(set(pc.unique(vm).to_pylist()) - {"none"})


def methods(loaded: Loaded, tr: Translator) -> Methods:
    workloads = sorted(
        {w for d in loaded.datasets for w in pc.unique(d.samples["workload"]).to_pylist()}
    )
    paragraphs = [
        tr(
            "Each platform starts the same workload ({workloads}) and reports when it is ready: a bare "
            "process on the host (the physical server), the same binary in a container (Docker Engine), "
            "and the same binary in a virtual machine (QEMU). Start time runs from the start request to "
            "the ready signal; the boot chain records when each phase of the start ended."
        ).format(workloads=", ".join(workloads) or "—"),
        tr(
            "Platforms run interleaved rather than in blocks. Warm-up runs are kept in the dataset but left "
            "out of every statistic; failed runs are left out of the medians and counted as failures. Each "
            "dataset's repetitions are given with its run configuration."
        ),
        tr(
            "Every figure is a median with a distribution-free 95% confidence interval (order statistics of "
            "the binomial distribution), computed by the same function the collector prints its summary with; "
            "with fewer than 6 samples the interval is the samples' full range, whose confidence is lower (94% "
            "for 5 samples, 75% for 3), as the chart's notes say."
        ),
    ]
    for dataset in loaded.datasets:
        for accel in _vm_accelerators(dataset):
            if accel == "tcg":
                paragraphs.append(
                    tr(
                        "VMs in {dataset} ran under TCG, QEMU's software emulation, because hardware "
                        "virtualisation (KVM) was not available: their times are far longer than a KVM "
                        "guest's and do not represent VMs on virtualisation hardware."
                    ).format(dataset=dataset.label)
                )
            elif accel == "kvm":
                paragraphs.append(
                    tr("VMs in {dataset} ran with KVM hardware virtualisation.").format(dataset=dataset.label)
                )
    paragraphs.append(
        tr(
            "Figures the source deck states without measurement (VMs boot in minutes, containers start in "
            "seconds) appear as grey labelled bands beside the data, never as data."
        )
    )
    return Methods(
        paragraphs=tuple(paragraphs),
        datasets=tuple(dataset_card(d, tr) for d in loaded.datasets),
        tools=tool_facts(loaded.datasets, tr),
    )


def tool_facts(datasets: Sequence[Dataset], tr: Translator) -> tuple[Fact, ...]:
    facts = []
    for dataset in datasets:
        name = manifest_get(dataset.manifest, "collector", "name", default="collector")
        version = manifest_get(dataset.manifest, "collector", "version")
        facts.append(Fact(tr("Collector ({dataset})").format(dataset=dataset.label), f"{name} {_text(version)}"))
    facts.append(Fact("reportgen", __version__))
    for shown, dist in TOOLS:
        try:
            facts.append(Fact(shown, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            facts.append(Fact(shown, tr("unknown")))
    return tuple(facts)


def provenance(loaded: Loaded, tr: Translator) -> Provenance:
    entries = []
    for dataset in loaded.datasets:
        m = dataset.manifest
        collector = f"{manifest_get(m, 'collector', 'name', default='—')} {manifest_get(m, 'collector', 'version', default='—')}"
        state = tr("complete") if m.get("complete", True) and not m.get("interrupted") else tr("incomplete")
        facts = (
            Fact(tr("Dataset"), dataset.name),
            Fact(tr("Version"), dataset.version),
            Fact(tr("Parent version"), _text(m.get("parent_version"))),
            Fact(tr("Schema version"), _text(m.get("schema_version"))),
            Fact(tr("Created"), _text(m.get("created_at"))),
            Fact(tr("Samples"), tr.integer(m["sample_count"]) if isinstance(m.get("sample_count"), int) else "—"),
            Fact(tr("State"), state),
            Fact(tr("Collector"), collector),
            Fact(tr("Host id"), _text(manifest_get(m, "host", "host_id"))),
        )
        files = tuple(
            FileDigest(name, str(meta.get("sha256", "—")), tr.integer(meta["bytes"]) if isinstance(meta.get("bytes"), int) else "—")
            for name, meta in sorted(m.get("files", {}).items())
        )
        artifacts = tuple(Fact(key, _text(value)) for key, value in flatten(m.get("artifacts")))
        entries.append(ProvenanceEntry(dataset.label, facts, files, artifacts))
    return Provenance(tuple(entries))
