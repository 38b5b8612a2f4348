"""C5's computed verdict: is a VM's start slow because it boots hypervisor, OS and middleware first (slide 8)?

Checked on the deck's platforms (QEMU's default machine, Docker + runc) from
the median phase ends and their 95% CIs, in two parts:
- the VM spends most of its start before the workload: the end of its last
  phase before `ready` is over half of its ready time, by the CIs (the
  lowest boot end over the highest ready time above one half agrees; the
  highest boot end over the lowest ready time below one half disagrees;
  anything between is no evidence);
- the VM's boot alone outlasts a container's whole start: the CIs do not overlap.
Both agree: confirmed; one: depends; neither: contradicted.
"""

from __future__ import annotations

from reportgen.charts.base import ChartInput, per_dataset
from reportgen.charts.verdicts import Verdict, ci_change, combine, sentence
from reportgen.i18n.catalogs import N_, Translator
from reportgen.i18n.vocab import phase_label

CLAIM = N_("a VM starts slowly because it boots the hypervisor, the OS and the middleware before the application")
READY = "ready"


def _chain(data: ChartInput, dataset: str, platform: str) -> dict[str, dict]:
    frame = data.measured
    mine = frame[(frame["dataset"] == dataset) & (frame["platform"] == platform)]
    return {str(r["phase"]): r for r in mine.sort_values("median").to_dict("records")}


def boot_share(boot: dict, ready: dict) -> bool | None:
    """True when the boot (phases before the workload) is surely over half the start, False when surely under."""
    if ready["high"] > 0 and boot["low"] / ready["high"] > 0.5:
        return True
    if ready["low"] > 0 and boot["high"] / ready["low"] < 0.5:
        return False
    return None


def verdict_sentence(vm: dict[str, dict], ct: dict[str, dict], tr: Translator) -> str:
    ready = vm[READY]
    boot_phase = [p for p in vm if p != READY][-1]
    boot = vm[boot_phase]
    mostly = boot_share(boot, ready)
    outlasts = ci_change(ct[READY]["low"], ct[READY]["high"], boot["low"], boot["high"]) == "higher"
    share = boot["median"] / ready["median"] if ready["median"] else 0.0
    detail = [tr("Of the VM's {total} start, {boot} passed before the application began (up to the end of “{phase}”); "
                 "a container was ready after {container}.").format(
        phase=phase_label(boot_phase, tr), boot=tr.seconds(boot["median"]), total=tr.seconds(ready["median"]),
        container=tr.seconds(ct[READY]["median"])),
        tr("The VM's boot alone took longer than a container's whole start: the 95% CIs do not overlap.") if outlasts
        else tr("The VM's boot alone did not clearly take longer than a container's whole start.")]
    if ready.get("accelerator") == "tcg":
        detail.append(tr("The VM ran under TCG (software emulation); with KVM its boot would be shorter."))
    by = tr("{percent} of the VM's start spent before the application").format(percent=tr.units.percent(share * 100))
    return sentence(tr, Verdict(combine([mostly, outlasts]), by, "ci"), tr(CLAIM), " ".join(detail))


def passage(data: ChartInput, tr: Translator) -> str:
    def one(dataset: str) -> str:
        vm, ct = _chain(data, dataset, "vm"), _chain(data, dataset, "container")
        if READY not in vm or READY not in ct or len(vm) < 2:
            return ""
        return verdict_sentence(vm, ct, tr)

    return per_dataset(data, one, tr("No verdict: the container's and the VM's boot chains were not both measured."))
