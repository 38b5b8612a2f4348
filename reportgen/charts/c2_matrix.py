"""C2: the deck's comparison matrix, 3 platforms x 7 criteria, with measured figures where they exist.

Verdicts come from the deck's bullet lists (slides 3-5) and the slides that
argue one point each (7-12); msgids are English and the Korean catalog holds
the deck's own wording. A criterion the deck names without saying anything
about a platform is shown as "no verdict", not filled in. Evidence links are
added for cells a registered chart measures; later charts (C1, C4, C6-C11)
add entries to EVIDENCE (their functions live in suite_evidence.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from reportgen.charts import c2_evidence as suite_evidence
from reportgen.charts import ChartInput
from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import EvidenceLink, Matrix, MatrixCell, MatrixRow

CRITERIA: tuple[tuple[str, str], ...] = (
    ("efficiency", N_("Resource efficiency")),
    ("isolation", N_("Resource isolation")),
    ("compatibility", N_("Compatibility")),
    ("autoscaling", N_("Auto scaling")),
    ("devops", N_("DevOps")),
    ("msa", N_("MSA (microservices)")),
    ("manageability", N_("Ease of management")),
)
"""The deck's seven criteria (slides 3-5), in its order."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("process", N_("Physical server")),
    ("vm", N_("Virtual server (VM)")),
    ("container", N_("Container")),
)
"""The deck's three platforms, in its order; `process` is how a physical server is measured."""

VERDICT_LABELS = {
    "strength": N_("strength"),
    "weakness": N_("weakness"),
    "none": N_("no verdict"),
}


@dataclass(frozen=True)
class Verdict:
    kind: str
    texts: tuple[str, ...]
    slides: str


NO_VERDICT = Verdict("none", (N_("The deck names this criterion but says nothing about this platform."),), "3–5")

VERDICTS: dict[tuple[str, str], Verdict] = {
    ("efficiency", "vm"): Verdict("weakness", (N_("Overhead of the hypervisor and the guest OS"),), "3–5, 8"),
    ("efficiency", "container"): Verdict(
        "strength", (N_("Shares the OS kernel and starts as a process"),), "3–5, 11"
    ),
    ("isolation", "process"): Verdict("weakness", (N_("No CPU/memory isolation"),), "3–5"),
    ("isolation", "vm"): Verdict("strength", (N_("CPU/memory isolation"),), "3–5"),
    ("isolation", "container"): Verdict("strength", (N_("CPU/memory isolation"),), "3–5"),
    ("compatibility", "process"): Verdict("weakness", (N_("Compatibility problems between OSes"),), "3–5"),
    ("compatibility", "vm"): Verdict(
        "weakness", (N_("Compatibility problems between different VM technologies"),), "3–5"
    ),
    ("compatibility", "container"): Verdict(
        "strength",
        (N_("Compatibility through standard container technology"), N_("Hybrid-cloud environments")),
        "3–5",
    ),
    ("autoscaling", "process"): Verdict("weakness", (N_("No automatic scaling of applications"),), "3–5"),
    ("autoscaling", "vm"): Verdict("weakness", (N_("No automatic scaling of applications"),), "3–5"),
    ("autoscaling", "container"): Verdict("strength", (N_("Automatic scaling and self-healing"),), "3–5"),
    ("devops", "vm"): Verdict(
        "weakness",
        (N_("Each VM is changed on its own after creation, so configurations and environments drift apart"),),
        "9",
    ),
    ("devops", "container"): Verdict(
        "strength",
        (N_("Libraries and dependencies ship inside the image, so environment problems are rare"),),
        "12",
    ),
    ("manageability", "vm"): Verdict(
        "weakness", (N_("VMs are managed as templates, but their size makes reuse hard"),), "7"
    ),
    ("manageability", "container"): Verdict(
        "strength",
        (N_("Images are managed in layers: files are added or removed per layer, and layer size is optimised"),),
        "10",
    ),
}
"""(criterion, platform) -> what the deck says; cells not listed have NO_VERDICT."""

Evidence = Callable[[Mapping[str, ChartInput], str, Translator], list[EvidenceLink]]


def _start_time(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C3")
    if data is None:
        return []
    rows = data.measured[data.measured["platform"] == platform] if not data.measured.empty else data.measured
    links = []
    for r in rows.to_dict("records"):
        text = tr("median start {value}").format(value=tr.seconds(r["median"]))
        if r["platform"] == "vm":
            text += f" ({str(r['accelerator']).upper()})"
        if data.multi:
            text += f" · {r['dataset']}"
        links.append(EvidenceLink("C3", "#chart-C3", text))
    if not links:
        links.append(EvidenceLink("C3", "", tr("start time not measured")))
    return links


def _boot_chain(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C5")
    if data is None:
        return []
    rows = data.measured[data.measured["platform"] == platform] if not data.measured.empty else data.measured
    links = []
    for (dataset, accelerator), chain in rows.groupby(["dataset", "accelerator"], sort=False):
        text = tr("boot chain of {phases} phases").format(phases=tr.integer(len(chain)))
        if data.multi:
            text += f" · {dataset}"
        links.append(EvidenceLink("C5", "#chart-C5", text))
    return links


EVIDENCE: dict[tuple[str, str], tuple[Evidence, ...]] = {
    ("efficiency", "process"): (_start_time, _boot_chain, suite_evidence.overhead, suite_evidence.density,
                               suite_evidence.performance),
    ("efficiency", "vm"): (_start_time, _boot_chain, suite_evidence.overhead, suite_evidence.density,
                               suite_evidence.performance),
    ("efficiency", "container"): (_start_time, _boot_chain, suite_evidence.overhead, suite_evidence.density,
                               suite_evidence.performance),
    ("isolation", "process"): (suite_evidence.isolation,),
    ("isolation", "vm"): (suite_evidence.isolation,),
    ("isolation", "container"): (suite_evidence.isolation,),
    ("compatibility", "process"): (suite_evidence.portability,),
    ("compatibility", "vm"): (suite_evidence.portability,),
    ("compatibility", "container"): (suite_evidence.portability,),
    ("autoscaling", "process"): (suite_evidence.scaling,),
    ("autoscaling", "vm"): (suite_evidence.scaling,),
    ("autoscaling", "container"): (suite_evidence.scaling,),
    ("devops", "process"): (suite_evidence.drift,),
    ("devops", "vm"): (suite_evidence.drift,),
    ("devops", "container"): (suite_evidence.drift, suite_evidence.portability),
    ("manageability", "process"): (suite_evidence.image_size,),
    ("manageability", "vm"): (suite_evidence.image_size,),
    ("manageability", "container"): (suite_evidence.image_size, suite_evidence.layer_reuse),
}
"""(criterion, platform) -> functions giving the measured figures that back the cell.

Resource efficiency: start time (C3, C5), overhead (C1), density (C9), cost under load (C12); isolation: noisy neighbour (C10);
compatibility: the same digest on several hosts (C8); auto scaling: scale-out and recovery (C11); DevOps:
environment drift (C6) and, for containers, the image carrying its dependencies (C8); management: image
size (C4) and layer reuse (C7). MSA has no measurement."""


def build_matrix(inputs: Mapping[str, ChartInput], tr: Translator,
                 evidence_of: Mapping[tuple[str, str], tuple[Evidence, ...]] = EVIDENCE) -> Matrix:
    """The C2 context in `tr`'s language (`evidence_of`: a many-host build links the fleet view instead)."""
    rows = []
    for key, criterion in CRITERIA:
        cells = []
        for platform, _ in COLUMNS:
            verdict = VERDICTS.get((key, platform), NO_VERDICT)
            evidence = tuple(link for fn in evidence_of.get((key, platform), ()) for link in fn(inputs, platform, tr))
            cells.append(
                MatrixCell(
                    verdict=verdict.kind,
                    verdict_label=tr(VERDICT_LABELS[verdict.kind]),
                    text=" · ".join(tr(t) for t in verdict.texts),
                    source=tr("deck, slides {slides}").format(slides=verdict.slides),
                    evidence=evidence,
                )
            )
        rows.append(MatrixRow(criterion=tr(criterion), criterion_key=key, cells=tuple(cells)))
    return Matrix(
        chart_id="C2",
        anchor="chart-C2",
        title=tr("Physical server vs virtual server vs container"),
        caption=tr(
            "The source deck's verdicts (slides 3–12) on seven criteria. Where this report measures "
            "something behind a verdict, the measured figure follows it and links to its chart."
        ),
        platforms=tuple(tr(label) for _, label in COLUMNS),
        rows=tuple(rows),
    )

