"""Consistency (chart C6): after N instances do the same work, how many distinct environments are there?

- vm: each VM boots from its own copy of one base disk (as cloned VMs do);
  fingerprint = sha256 of that VM's disk image after the work;
- container: fingerprint = the image's layer digests after the work (the
  writes land in each container's upper layer; its size is recorded apart);
- process: all instances share one host folder; fingerprint = that folder's
  content, before and after (so: one environment, but a mutated one).
See docs/suites/consistency.md for what this shows and what it does not.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from collector.workloads.drift_work import DriftWork, seed_tree
from collector.suites.measurement_errors import MEASUREMENT_ERRORS, one_line
from collector.probes.fingerprints import disk_fingerprint, layers_fingerprint, tree_fingerprint
from collector.platforms import Instance, Platform, StartFailed
from collector.suites.records import utc_now
from collector.suites.roles import Opened, close_each, open_each
from collector.dataset import charts_of
from collector.suites.base import TYPICAL_START_S, Session, Suite, kind


class ConsistencySuite(Suite):
    name = "consistency"
    charts = charts_of("consistency")

    def steps(self, session: Session) -> int:
        return session.repeat * len(session.platforms)

    def estimate_s(self, session: Session) -> float:
        n = self._n(session)
        return session.repeat * sum(n * (TYPICAL_START_S.get(kind(p), 1.0) + 0.3) for p in session.platforms)

    @staticmethod
    def _n(session: Session) -> int:
        return int(getattr(session.options, "instances", 3) or 3)

    def run(self, session: Session) -> None:
        n = self._n(session)
        tmp = Path(tempfile.mkdtemp(prefix="vmcbench-consistency-"))
        work = DriftWork(tmp / "process-root")
        opened: Opened = {}
        try:
            opened, problems = open_each(session, work, "consistency workload")
            for rep in range(session.repeat):
                for name in session.order(rep):
                    common = dict(suite=self.name, platform=name, workload=work.name, repetition=rep,
                                  accelerator=session.platforms[name].accelerator, started_at=utc_now())
                    if name in problems:
                        session.log.add(metric="distinct_fingerprints", value=None, error=problems[name],
                                        detail={"n": n}, **common)
                    else:
                        platform, facts = opened[name]
                        try:
                            getattr(self, f"_{kind(name)}")(session, platform, facts, work, n, tmp, common)
                        except MEASUREMENT_ERRORS as exc:  # a failed measurement is a row, not a lost run
                            session.log.add(metric="distinct_fingerprints", value=None,
                                            error=one_line(exc), detail={"n": n}, **common)
                    session.advance(f"consistency: {name} #{rep + 1}")
        finally:
            close_each(opened)
            shutil.rmtree(tmp, ignore_errors=True)

    @staticmethod
    def _start(session: Session, platform: Platform, work: DriftWork, i: int, common: dict[str, Any],
               **kwargs: Any) -> Instance | None:
        """Start instance i (ready = work done); on failure record an ok=false fingerprint row."""
        try:
            return platform.start(work, i, **kwargs)
        except StartFailed as exc:
            session.log.add(metric="fingerprint", value=None, error=str(exc), instance=i,
                            **common)
            return None

    @staticmethod
    def _distinct(session: Session, hashes: list[str], n: int, common: dict[str, Any], **detail: Any) -> None:
        failed = n - len(hashes)
        error = f"{failed} of {n} instances failed" if failed else None
        session.log.add(metric="distinct_fingerprints", value=len(set(hashes)) if hashes else None,
                        error=error if not hashes else None,
                        detail={"n": n, "measured": len(hashes), **detail}, **common)

    def _process(self, session: Session, platform: Platform, facts: dict[str, Any], work: DriftWork, n: int,
                 tmp: Path, common: dict[str, Any]) -> None:
        root = work.host_root
        shutil.rmtree(root, ignore_errors=True)
        seed_tree(root)
        pre, _ = tree_fingerprint(root)
        ran = 0
        for i in range(n):
            inst = self._start(session, platform, work, i, common)
            if inst is not None:
                platform.stop(inst)
                ran += 1
        post, size = tree_fingerprint(root)
        subject = {"subject": "host folder shared by all instances", "pre_sha256": pre}
        for i in range(ran):
            session.log.add(metric="fingerprint", value=size, instance=i,
                            detail={**subject, "sha256": post}, **common)
        self._distinct(session, [post] * ran, n, common, **subject, post_sha256=post, mutated=pre != post,
                       shared_by=ran)

    def _container(self, session: Session, platform: Platform, facts: dict[str, Any], work: DriftWork, n: int,
                   tmp: Path, common: dict[str, Any]) -> None:
        client = platform.client  # type: ignore[attr-defined]
        image_ref = platform.image_ref  # type: ignore[attr-defined]
        before = client.images.get(image_ref).attrs["RootFS"]["Layers"]
        hashes: list[str] = []
        for i in range(n):
            inst = self._start(session, platform, work, i, common)
            if inst is None:
                continue
            try:
                container = inst.handle["container"]
                listed = client.api.containers(all=True, size=True, filters={"id": container.id})
                size_rw = int(listed[0].get("SizeRw") or 0) if listed else 0
                changes = sorted(f"{'CAD'[c['Kind']]} {c['Path']}" for c in (container.diff() or []))
                image = client.images.get(image_ref)
                layers = image.attrs["RootFS"]["Layers"]
            finally:
                platform.stop(inst)
            digest = layers_fingerprint(layers)
            hashes.append(digest)
            session.log.add(metric="fingerprint", value=int(image.attrs.get("Size") or 0), instance=i,
                            detail={"subject": "image layers after the work", "sha256": digest, "layers": layers,
                                    "image_id": image.id, "layers_unchanged": layers == before}, **common)
            session.log.add(metric="upper_layer_bytes", value=size_rw, instance=i,
                            detail={"changes": changes, "measured_by": "SizeRw of GET /containers/json?size=1"},
                            **common)
        self._distinct(session, hashes, n, common, subject="image layers", layers_before=before)

    def _vm(self, session: Session, platform: Platform, facts: dict[str, Any], work: DriftWork, n: int,
            tmp: Path, common: dict[str, Any]) -> None:
        base = Path(facts["base_disk"])
        base_sha, _ = disk_fingerprint(base)
        hashes: list[str] = []
        for i in range(n):
            disk = tmp / f"vm-disk-{i}.img"
            shutil.copyfile(base, disk)
            try:
                inst = self._start(session, platform, work, i, common, disks=(disk,))
                if inst is None:
                    continue
                platform.stop(inst)
                digest, size = disk_fingerprint(disk)
            finally:
                disk.unlink(missing_ok=True)
            hashes.append(digest)
            session.log.add(metric="fingerprint", value=size, instance=i,
                            detail={"subject": "the VM's own copy of the base disk, after the work", "sha256": digest,
                                    "base_sha256": base_sha, "changed": digest != base_sha}, **common)
        self._distinct(session, hashes, n, common, subject="VM disk images", base_sha256=base_sha)
        session.log.add(metric="disk_changed", value=sum(h != base_sha for h in hashes),
                        detail={"n": n, "measured": len(hashes), "base_sha256": base_sha}, **common)
