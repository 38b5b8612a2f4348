"""The words the report uses for dataset values: platforms and their families, accelerators, phases.

Values in a dataset (`process`, `vm`, `kernel_started`, ...) are identifiers;
readers see these labels, translated through the catalogs. Unknown values
(a newer collector's phase, say) are shown as they are rather than refused.
"""

from __future__ import annotations

from collector.dataset import DECK_PLATFORMS, VARIANTS, family_of
from reportgen.i18n.catalogs import N_, Translator

PLATFORM_ORDER: tuple[str, ...] = DECK_PLATFORMS
"""The deck's three platforms, one per family, lightest first: what every chart expects to show (gap notes)."""

VARIANT_ORDER: tuple[str, ...] = tuple(v.name for v in VARIANTS)
"""Every platform in the order charts and tables list them: the deck's families as the main grouping
(physical, container, VM), and inside each family its variants by isolation strength, weakest first
(collector/dataset/families.py says why each sits where it does)."""

PLATFORM_LABELS: dict[str, str] = {
    "process": N_("Physical (bare process)"),
    "container": N_("Container"),
    "crun": N_("Container · crun"),
    "podman": N_("Container · Podman"),
    "gvisor": N_("Container · gVisor sandbox"),
    "vm": N_("Virtual machine"),
    "microvm": N_("Virtual machine · microvm"),
}
"""A variant's label starts with its family's, so the family stays the grouping a reader sees."""

PLATFORM_SHORT: dict[str, str] = {
    "process": N_("Process"),
    "container": N_("Container"),
    "crun": N_("crun"),
    "podman": N_("Podman"),
    "gvisor": N_("gVisor"),
    "vm": N_("VM"),
    "microvm": N_("microVM"),
}

FAMILY_LABELS: dict[str, str] = {
    "physical": N_("Physical server"),
    "container": N_("Container"),
    "vm": N_("Virtual machine"),
}

ACCELERATOR_LABELS: dict[str, str] = {
    "kvm": N_("KVM (hardware virtualisation)"),
    "tcg": N_("TCG (software emulation)"),
    "none": N_("none"),
}

PHASE_LABELS: dict[str, str] = {
    "spawned": N_("spawn process"),
    "created": N_("create container"),
    "started": N_("start container (runtime setup)"),
    "qemu_up": N_("start QEMU"),
    "kernel_started": N_("firmware and kernel load"),
    "init_started": N_("kernel boot until init"),
    "ready": N_("workload until ready"),
}
"""Label of the phase that *ends* with each event (phase k spans end k-1 to end k)."""

PHASE_ORDER: tuple[str, ...] = tuple(PHASE_LABELS)
"""Phase names in legend order: process, container and VM chains, then `ready`."""


def platform_label(platform: str, accelerator: str, tr: Translator, *, short: bool = False) -> str:
    """`Container`, `Virtual machine (KVM)`: a VM label always says how it was accelerated."""
    labels = PLATFORM_SHORT if short else PLATFORM_LABELS
    label = tr(labels[platform]) if platform in labels else platform
    if family_of(platform) == "vm" and accelerator in ("kvm", "tcg"):  # 가상서버(VM, TCG), not 가상서버(VM) (TCG)
        label = f"{label[:-1]}, {accelerator.upper()})" if label.endswith(")") else f"{label} ({accelerator.upper()})"
    return label


def accelerator_label(accelerator: str, tr: Translator) -> str:
    return tr(ACCELERATOR_LABELS[accelerator]) if accelerator in ACCELERATOR_LABELS else accelerator


def phase_label(phase: str, tr: Translator) -> str:
    return tr(PHASE_LABELS[phase]) if phase in PHASE_LABELS else phase


def family_label(family: str, tr: Translator) -> str:
    return tr(FAMILY_LABELS[family]) if family in FAMILY_LABELS else family


def platform_rank(platform: str) -> int:
    """Sort key placing known platforms in VARIANT_ORDER (family, then isolation strength) and unknown ones after."""
    return VARIANT_ORDER.index(platform) if platform in VARIANT_ORDER else len(VARIANT_ORDER)
