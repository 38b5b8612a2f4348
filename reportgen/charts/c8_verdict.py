"""C8's computed verdict: does one image run unchanged wherever it is taken, as slide 12 says?

Exact counts: of the set-ups (hosts, or runtimes and engines on one host)
given the same image, how many ran it (at least one sample succeeded; a
failed measurement beside successful ones is shown in the grid, not taken
for the image failing to run). All: confirmed; some: depends; none: contradicted. On one host the
portability probe also says whether the image saw the same system: the deck's "runs the same" holds
only where it did, so a set-up whose answers differed (gVisor's own kernel, a namespaced pid_max)
makes an image that ran everywhere "it depends".
"""

from __future__ import annotations

from reportgen.charts.verdicts import Verdict, combine, sentence
from reportgen.i18n.catalogs import N_, Translator

CLAIM = N_("an image carries its libraries and dependencies, so it runs the same wherever it is taken")


def _sentence(ran: int, total: int, by: str, detail: str, tr: Translator) -> str:
    """Every set-up ran it: confirmed; some: depends; none: contradicted."""
    return sentence(tr, Verdict(combine([i < ran for i in range(total)]), by, "exact"), tr(CLAIM), detail)


def on_runtimes(ran: int, total: int, detail: str, tr: Translator, differed: int = 0) -> str:
    """One host: the same container image on several runtimes and engines (the VM's root filesystem is told, not
    counted); `differed` of them showed it a system that differs from the host's own view."""
    by = tr("ran on {ok} of {n} container runtimes and engines").format(ok=tr.integer(ran), n=tr.integer(total))
    if not differed:
        return _sentence(ran, total, by, detail, tr)
    by += "; " + tr("what it saw differed on {k} of them").format(k=tr.integer(differed))
    kind = combine([*(i < ran for i in range(total)), False])
    return sentence(tr, Verdict(kind, by, "exact"), tr(CLAIM), detail)


def on_hosts(ran: int, total: int, detail: str, tr: Translator) -> str:
    """Several hosts: the same image carried between them."""
    by = tr("ran on {ok} of {n} hosts").format(ok=tr.integer(ran), n=tr.integer(total))
    return _sentence(ran, total, by, detail, tr)
