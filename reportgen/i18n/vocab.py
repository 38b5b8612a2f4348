"""The words the report uses for dataset values: platforms, accelerators, phases.

Values in a dataset (`process`, `vm`, `kernel_started`, ...) are identifiers;
readers see these labels, translated through the catalogs. Unknown values
(a newer collector's phase, say) are shown as they are rather than refused.
"""

from __future__ import annotations

from reportgen.i18n.catalogs import N_, Translator

PLATFORM_ORDER: tuple[str, ...] = ("process", "container", "vm")
"""Platforms in the order every chart and table lists them (lightest first)."""

PLATFORM_LABELS: dict[str, str] = {
    "process": N_("Physical (bare process)"),
    "container": N_("Container"),
    "vm": N_("Virtual machine"),
}

PLATFORM_SHORT: dict[str, str] = {
    "process": N_("Process"),
    "container": N_("Container"),
    "vm": N_("VM"),
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
    if platform == "vm" and accelerator in ("kvm", "tcg"):
        label = f"{label} ({accelerator.upper()})"
    return label


def accelerator_label(accelerator: str, tr: Translator) -> str:
    return tr(ACCELERATOR_LABELS[accelerator]) if accelerator in ACCELERATOR_LABELS else accelerator


def phase_label(phase: str, tr: Translator) -> str:
    return tr(PHASE_LABELS[phase]) if phase in PHASE_LABELS else phase


def platform_rank(platform: str) -> int:
    """Sort key placing known platforms in PLATFORM_ORDER and unknown ones after."""
    return PLATFORM_ORDER.index(platform) if platform in PLATFORM_ORDER else len(PLATFORM_ORDER)
