"""Startup: request → ready per platform, with each platform's boot phases (charts C3, C5)."""

from __future__ import annotations

from collector.platforms import StartFailed
from collector.suites.records import utc_now
from collector.dataset import charts_of
from collector.suites.base import Session, Suite


class StartupSuite(Suite):
    name = "startup"
    charts = charts_of("startup")

    def steps(self, session: Session) -> int:
        return (session.warmup + session.repeat) * len(session.platforms)

    def run(self, session: Session) -> None:
        for rep in range(session.warmup + session.repeat):
            warm = rep < session.warmup
            for name in session.order(rep):
                self._once(session, name, rep, warm)
                session.advance(f"startup: {name} #{rep + 1}{' (warm-up)' if warm else ''}")

    def _once(self, session: Session, name: str, rep: int, warm: bool) -> None:
        platform = session.platforms[name]
        common = dict(
            suite=self.name, platform=name, workload=session.workload.name, repetition=rep, warmup=warm, accelerator=platform.accelerator, started_at=utc_now(),
        )
        try:
            inst = platform.start(session.workload, 0)
        except StartFailed as exc:
            session.log.add(metric="start_time", value=None, error=str(exc),
                            detail={"phases_reached": exc.phases} if exc.phases else None, **common)
            return
        session.live.append(inst)
        try:
            session.log.add(metric="start_time", value=inst.start_time, **common)
            for phase, end in inst.phases.items():
                session.log.add(metric="phase_end", value=end, phase=phase, **common)
        finally:
            platform.stop(inst)
            session.live.remove(inst)
