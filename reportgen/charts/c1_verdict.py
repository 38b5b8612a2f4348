"""C1's computed verdict: does a VM carry overhead (hypervisor, guest OS) that a container does not, as slide 2 draws?

The claim is checked on the deck's own platforms (Docker + runc, QEMU's
default machine) with the memory each platform adds beside one running
instance (PSS), in two parts:
- per instance: the VM's overhead's 95% CI lies wholly above the container's
  runtime shim's;
- for one container, counting the engine daemons every container shares: the
  VM's CI lies wholly above the shim's plus the engine's (the sum of the two
  CIs' bounds, a conservative interval).
Both agree: confirmed; only the first: depends (the saving needs several
containers); neither: contradicted.
"""

from __future__ import annotations

from reportgen.charts.common import ratio_text
from reportgen.charts.verdicts import Verdict, ci_change, combine, sentence
from reportgen.i18n.catalogs import N_, Translator

CLAIM = N_("a VM's hypervisor and guest OS take more than a container's runtime")
ZERO = {"median": 0.0, "low": 0.0, "high": 0.0}


def checks(vm: dict, shim: dict, engine: dict) -> list[bool | None]:
    """The claim's two parts, True where the VM's overhead lies clearly above."""
    per_instance = ci_change(shim["low"], shim["high"], vm["low"], vm["high"]) == "higher"
    with_engine = ci_change(shim["low"] + engine["low"], shim["high"] + engine["high"], vm["low"], vm["high"]) == "higher"
    return [per_instance, with_engine]


def _detail(per_instance: bool | None, with_engine: bool | None, tr: Translator) -> str:
    if per_instance and with_engine:
        return tr("Even counting the engine daemons every container shares, the VM's overhead is larger: "
                  "the CIs do not overlap.")
    if per_instance:
        return tr("Per instance the VM's overhead is larger (the CIs do not overlap), but for a single "
                  "container the shared engine outweighs it, so the saving appears only with several containers.")
    return tr("The VM's overhead was not clearly larger than the container's: the CIs overlap or are reversed.")


def verdict_sentence(vm: dict, shim: dict, engine: dict | None, tr: Translator) -> str:
    """The verdict on memory overhead, with the ratio per instance (VM overhead ÷ container runtime)."""
    engine = engine or ZERO  # no engine measured: the shim alone
    per_instance, with_engine = checks(vm, shim, engine)
    detail = [_detail(per_instance, with_engine, tr)]
    if vm.get("accelerator") == "tcg":
        detail.append(tr("The VM ran under TCG (software emulation): QEMU's translated-code cache is part of its "
                         "overhead, which KVM does not need."))
    ratio = vm["median"] / shim["median"] if shim["median"] else float("inf")
    shared = shim["median"] + engine["median"]
    with_ratio = vm["median"] / shared if shared else float("inf")
    by = tr("{ratio} per instance (VM overhead ÷ container runtime), {shared} counting the shared engine").format(
        ratio=ratio_text(tr, ratio), shared=ratio_text(tr, with_ratio))
    return sentence(tr, Verdict(combine([per_instance, with_engine]), by, "ci"), tr(CLAIM), " ".join(detail))
