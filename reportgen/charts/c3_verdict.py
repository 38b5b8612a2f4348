"""C3's computed verdict: do containers start in seconds and VMs in minutes, as the deck's slide 6 says?

The claim has three parts, each checked on the deck's own platforms
(Docker + runc, QEMU's default machine):
- containers start faster than VMs: the VM's 95% CI of the median lies
  wholly above the container's;
- a container starts in seconds: its CI lies below 1 min (sooner is more than the deck claims, not less);
- a VM starts in minutes: its CI lies within [1 min, 1 h).
A CI wholly outside its range disagrees, one that straddles a bound is no
evidence either way. All measured parts agree: confirmed; none: contradicted;
some: depends.
"""

from __future__ import annotations

from reportgen.charts.base import ChartInput, by_platform, per_dataset
from reportgen.charts.common import ratio_text
from reportgen.charts.verdicts import Verdict, ci_change, combine, sentence
from reportgen.i18n.catalogs import N_, Translator

CLAIM = N_("VMs boot in minutes, containers start in seconds")
BANDS: dict[str, tuple[float, float]] = {"container": (1.0, 60.0), "vm": (60.0, 3600.0)}
"""The seconds the deck's words name, drawn as the chart's bands: "seconds" is [1 s, 1 min), "minutes" [1 min, 1 h)."""
RANGES: dict[str, tuple[float, float]] = {"container": (0.0, BANDS["container"][1]), "vm": BANDS["vm"]}
"""The seconds the deck's words stand for: "seconds" is under a minute (the deck sets containers' speed
against VMs' minutes, so a start in milliseconds bears the claim out), "minutes" is [1 min, 1 h)."""


def in_range(row: dict, platform: str) -> bool | None:
    """True when the CI lies within the deck's range for `platform`, False when wholly outside, else None."""
    low, high = RANGES[platform]
    if low <= row["low"] and row["high"] < high:
        return True
    if row["high"] < low or row["low"] >= high:
        return False
    return None


def checks(ct: dict, vm: dict) -> list[bool | None]:
    """The claim's three parts, True where the measurement agrees."""
    faster = ci_change(ct["low"], ct["high"], vm["low"], vm["high"]) == "higher"
    return [faster, in_range(ct, "container"), in_range(vm, "vm")]


SENTENCES: dict[str, dict[str, str]] = {
    "container": {
        "within": N_("A container started in {value}: within the deck's “seconds”."),
        "sooner": N_("A container started in {value}: sooner than the deck's “seconds”, which bears the claim out."),
        "straddles": N_("A container started in {value}: its CI straddles the bounds of “seconds”."),
        "slower": N_("A container started in {value}: slower than the deck's “seconds”."),
    },
    "vm": {
        "within": N_("A VM booted in {value}: within the deck's “minutes”."),
        "straddles": N_("A VM booted in {value}: its CI straddles the bounds of “minutes”."),
        "faster": N_("A VM booted in {value}: in seconds, not the deck's “minutes”: this part does not hold here."),
        "slower": N_("A VM booted in {value}: slower than the deck's “minutes”."),
    },
}
"""Per platform, the sentence for each outcome of `in_range`."""


def _outcome(row: dict, platform: str, agrees: bool | None) -> str:
    if agrees and row["high"] < BANDS[platform][0]:  # sooner than the chart's band: more than the deck claims
        return "sooner"
    if agrees:
        return "within"
    if agrees is None:
        return "straddles"
    return "faster" if row["median"] < RANGES[platform][0] else "slower"


def _range_sentence(row: dict, platform: str, agrees: bool | None, tr: Translator) -> str:
    msgid = SENTENCES[platform][_outcome(row, platform, agrees)]
    return tr(msgid).format(value=tr.seconds(row["median"]))


def verdict_sentence(ct: dict, vm: dict, tr: Translator) -> str:
    faster, ct_ok, vm_ok = checks(ct, vm)
    ratio = vm["median"] / ct["median"] if ct["median"] else float("inf")
    # the claim's two halves first (a slide keeps the first sentences its budget holds), then the comparison
    detail = [_range_sentence(ct, "container", ct_ok, tr), _range_sentence(vm, "vm", vm_ok, tr),
              tr("Containers started faster than VMs (the CIs do not overlap).") if faster else
              tr("Containers did not start clearly faster than VMs (the CIs overlap or are reversed).")]
    if vm.get("accelerator") == "tcg":
        detail.append(tr("The VM ran under TCG (software emulation); with KVM it would boot faster still."))
    by = tr("{ratio} (VM start ÷ container start)").format(ratio=ratio_text(tr, ratio))
    return sentence(tr, Verdict(combine([faster, ct_ok, vm_ok]), by, "ci"), tr(CLAIM), " ".join(detail))


def passage(data: ChartInput, tr: Translator) -> str:
    """Per dataset, the verdict on the deck's platforms (the variants are on the chart, not in the claim)."""

    def one(dataset: str) -> str:
        mine = by_platform(data, dataset)
        if "container" not in mine or "vm" not in mine:
            return ""
        return verdict_sentence(mine["container"], mine["vm"], tr)

    return per_dataset(data, one, tr("No verdict: the container and the VM were not both measured."))
