"""Portability (chart C8): one image digest on every container platform, the same busybox booted in the VMs.

Every platform runs the probe (collector/workloads/portability_probe.py):
the run's own busybox image, unchanged, on Docker with runc, crun and
gVisor's runsc and on Podman; the same busybox binary as the VM's root
filesystem; the binary itself on the host. Each check is a row (1: the
platform offered it, 0: it did not, with the output), so what differs
between platforms is data: a /proc file gVisor's kernel does not provide is
a finding, not a failure. Each row's detail names the digest that ran and
the busybox binary's sha256, which is the same on every platform.
"""

from __future__ import annotations

from typing import Any

from collector.dataset import charts_of
from collector.platforms import Platform
from collector.suites.base import Session, Suite, kind
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.suites.records import utc_now
from collector.suites.roles import close_each, open_each
from collector.workloads.portability_probe import CHECKS, PortabilityProbe, parse_probe

DIGEST_KEYS = {"process": "binary_sha256", "container": "image_id", "vm": "initramfs_sha256"}
"""The fact naming what ran, per family's deck platform."""


class PortabilitySuite(Suite):
    name = "portability"
    charts = charts_of("portability")

    def steps(self, session: Session) -> int:
        return (session.warmup + session.repeat) * len(session.platforms)

    def run(self, session: Session) -> None:
        probe = PortabilityProbe()
        opened, problems = open_each(session, probe, "probe")
        try:
            for rep in range(session.warmup + session.repeat):
                warm = rep < session.warmup
                for name in session.order(rep):
                    self._once(session, probe, name, opened.get(name), problems.get(name), rep, warm)
                    session.advance(f"portability: {name} #{rep + 1}{' (warm-up)' if warm else ''}")
        finally:
            close_each(opened)

    def _once(self, session: Session, probe: PortabilityProbe, name: str, role: tuple[Platform, dict[str, Any]] | None,
              problem: str | None, rep: int, warm: bool) -> None:
        common = dict(suite=self.name, platform=name, workload=probe.name, repetition=rep, warmup=warm,
                      accelerator=session.platforms[name].accelerator, started_at=utc_now())
        if role is None:
            session.log.add(metric="probe_start_time", value=None, error=problem or "not prepared", **common)
            return
        platform, facts = role
        digest = facts.get(DIGEST_KEYS[kind(name)])
        about = {"digest": digest, "busybox_sha256": facts.get("binary_sha256"), **(
            {"image": facts.get("image")} if kind(name) == "container" else {})}
        try:
            inst = platform.start(probe, 0)
        except MEASUREMENT_ERRORS as exc:
            session.log.add(metric="probe_start_time", value=None, error=one_line(exc), detail=about, **common)
            return
        try:
            lines = [line for _, line in inst.handle["watch"].lines()]
        finally:
            platform.stop(inst)
        session.log.add(metric="probe_start_time", value=inst.start_time, detail=about, **common)
        found = parse_probe(lines)
        for check in CHECKS:
            status, output = found.get(check, (None, "no answer"))
            session.log.add(metric="check_ok", value=1 if status == 0 else 0, phase=check,
                            detail={**about, "status": status, "output": output[:200]}, **common)
