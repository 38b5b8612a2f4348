"""C10's computed verdict: does a physical server fail to isolate, and do containers and VMs isolate?

The deck claims: a physical server has no CPU/memory isolation; VMs and
containers isolate CPU and memory. Each part of that claim is one check:
- CPU, bare processes in one scheduling group: the victim's median beside the
  hog is clearly above its median alone (95% CIs do not overlap) → agrees;
- CPU, container and VM under caps: not clearly slower → agrees;
- memory, bare processes in one budget: the victim was killed in some run → agrees;
- memory, container and VM: never killed → agrees.
All agree: confirmed; none: contradicted; some: depends. The fair-share case
is reported beside it (the kernel's own remedy), not counted in the verdict.
"""

from __future__ import annotations

from reportgen.charts.common import ratio_text
from reportgen.charts.verdicts import Verdict, ci_change, combine, sentence
from reportgen.i18n.catalogs import N_, Translator
from reportgen.i18n.vocab import platform_label, platform_rank

WHERE = {"process": N_("bare process"), "container": N_("container"), "vm": N_("VM")}
CLAIM = N_("a physical server does not isolate CPU and memory, while VMs and containers do")


def slowed(pair: dict) -> bool:
    a, b = pair["alone"], pair["beside"]
    return ci_change(a["low"], a["high"], b["low"], b["high"]) == "higher"


def _clearly(pair: dict, tr: Translator) -> str:
    return tr(" (clearly slower)") if slowed(pair) else tr(" (not clearly slower)")


def checks(cpu: dict[str, dict], memory: dict[str, dict]) -> list[bool | None]:
    """One entry per part of the claim that was measured: True where it agrees."""
    out: list[bool | None] = []
    for platform in ("process", "container", "vm"):
        if platform in cpu:
            out.append(slowed(cpu[platform]) == (platform == "process"))
        if platform in memory:
            out.append((memory[platform]["killed"] > 0) == (platform == "process"))
    return out


def passage_one(by_phase: dict[str, dict[str, dict]], memory: dict[str, dict], tr: Translator) -> str:
    """Figures per kind of sharing, then the verdict sentence with the test it rests on."""
    cpu = by_phase.get("beside_hog", {})
    present = [p for p in ("process", "container", "vm") if p in cpu]
    if not present and not memory:
        return ""
    parts = []
    if present:
        figures = [tr("{ratio} as a {where}{clear}").format(
            ratio=ratio_text(tr, cpu[p]["r50"]), where=tr(WHERE[p]),
            clear=_clearly(cpu[p], tr)) for p in present]
        parts.append(tr("Beside a CPU hog, the victim's median time per iteration, relative to its time alone, was "
                        "{figures}.").format(
            figures=", ".join(figures)))
    others = [p for p in cpu if p not in WHERE]  # the variants: not in the deck's claim, but not left out
    if others:
        parts.append(tr("On the other set-ups it was {figures}.").format(figures=", ".join(
            tr("{ratio} on {platform}{clear}").format(
                ratio=ratio_text(tr, cpu[p]["r50"]), platform=platform_label(p, "", tr),
                clear=_clearly(cpu[p], tr))
            for p in sorted(others, key=platform_rank))))
    fair = by_phase.get("beside_hog_fair", {}).get("process")
    if fair is not None:
        parts.append(tr("With the bare hog and victim in two groups of equal CPU weight (the kernel's fair share, as "
                        "autogroup or systemd give), it was {ratio}.").format(ratio=ratio_text(tr, fair["r50"])))
    if memory:
        parts.append(tr("Beside a memory hog growing until the shared budget ran out, the victim was killed by the "
                        "OOM killer in {figures}.").format(figures=", ".join(
                            tr("{killed} of {runs} runs as a {where}").format(
                                killed=tr.integer(int(memory[p]["killed"])), runs=tr.integer(int(memory[p]["runs"])),
                                where=tr(WHERE[p]))
                            for p in ("process", "container", "vm") if p in memory)))
    kind = combine(checks(cpu, memory))
    if not kind:
        return " ".join(parts)
    by = ", ".join(f"{tr(WHERE[p])} {ratio_text(tr, cpu[p]['r50'])}" for p in present) or "—"
    verdict = Verdict(kind, by, "ci")
    return sentence(tr, verdict, tr(CLAIM), " ".join(parts))
