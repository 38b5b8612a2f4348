"""Image size per platform, stacked by layer (C4), and disk used by K images sharing a base vs standalone (C7).

Sizes are exact: measured once per run whatever --repeat says (a repeat
would only cost time and give the same bytes), all rows repetition 0.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from collector.artifacts import layer_reuse
from collector.probes.disk_usage import Usage, usage
from collector.probes.layers import image_layers, overlay_folders
from collector.suites.records import utc_now
from collector.dataset import NOT_APPLICABLE_REASONS, charts_of
from collector.suites.base import Session, Suite, engine_of, kind

DEFAULT_K = 4
DEFAULT_APP_KIB = 64


VIRTUAL_ROOTS = ("/proc", "/sys", "/dev", "/run", "/tmp")


def _host_path(token: str) -> Path | None:
    """An existing file or folder a command line names, or None (virtual filesystems and `/` excluded)."""
    if not token.startswith("/"):
        found = shutil.which(token)
        return Path(found).resolve() if found else None
    if token == "/" or any(token == v or token.startswith(v + "/") for v in VIRTUAL_ROOTS):
        return None
    path = Path(token)
    return path.resolve() if path.exists() else None


def process_files(argv: list[str], facts: dict[str, Any]) -> list[Path]:
    """The files the bare process runs: its executable and the absolute paths its command line names.

    Words of a `sh -c` script count too (so a chroot's tree is found); a path
    inside one already listed is skipped. A workload can name more as
    `facts()["files"]`.
    """
    tokens = [argv[0], *(w for a in argv[1:] for w in a.replace(";", " ").split() if w.startswith("/"))]
    found: list[Path] = []
    for token in [*tokens, *facts.get("files", [])]:
        path = _host_path(str(token))
        if path is None or path in found or any(parent in found for parent in path.parents):
            continue
        found = [f for f in found if path not in f.parents] + [path]
    return found


class ImageSuite(Suite):
    name = "image"
    charts = charts_of("image")

    def steps(self, session: Session) -> int:
        return len(session.platforms) + (1 if "container" in session.platforms else 0)

    def estimate_s(self, session: Session) -> float:
        """Builds cost ~2 s each; saving and importing the base costs ~0.05 s per MB per standalone image."""
        k = int(session.param("image_k", str(DEFAULT_K)))
        if "container" not in session.platforms:
            return 2.0 * len(session.platforms)
        try:
            plat = session.platforms["container"]
            base_mb = int(plat.client.images.get(plat.spec.image).attrs.get("Size") or 0) / 1e6  # type: ignore[attr-defined]
        except Exception:
            base_mb = 0.0
        return 2.0 * len(session.platforms) + 5.0 + 2.0 * k + 0.05 * base_mb * (k + 1)

    def run(self, session: Session) -> None:
        for name in session.platforms:
            measure = {"process": self._process, "container": self._container, "vm": self._vm}[kind(name)]
            try:
                measure(session, name)
            except Exception as exc:  # a failed measurement is a row, not a lost run
                self._row(session, name, "image_apparent_bytes", None, error=f"{type(exc).__name__}: {exc}"[:300])
            session.advance(f"image: {name} sizes")
        if "container" in session.platforms:
            self._reuse(session)
            session.advance("image: layer reuse")
        for name in session.platforms:
            if kind(name) == "container" and name != "container":
                why = NOT_APPLICABLE_REASONS["shared_store" if engine_of(name) == "docker" else "other_store"].format(
                    platform=name)
                for s in ("shared", "standalone"):
                    session.log.not_applicable(why, suite=self.name, platform=name, workload=session.workload.name,
                                               metric="disk_used_bytes", started_at=utc_now(), detail={"set": s})

    def _row(self, session: Session, platform: str, metric: str, value: float | None, **kw: Any) -> None:
        session.log.add(suite=self.name, platform=platform, workload=session.workload.name,
                        metric=metric, value=value, accelerator=session.platforms[platform].accelerator,
                        started_at=kw.pop("started_at", utc_now()), **kw)

    def _files(self, session: Session, platform: str, parts: list[tuple[str, Path, dict[str, Any]]]) -> None:
        """Apparent and allocated bytes of whole files (process binary, VM kernel, initramfs, disks)."""
        for i, (role, path, extra) in enumerate(parts):
            started = utc_now()
            u = usage([path])
            detail = {"role": role, "file": path.name, "path": str(path), **extra}
            for metric, value in (("image_apparent_bytes", u.apparent), ("image_allocated_bytes", u.allocated)):
                self._row(session, platform, metric, value, phase=role, instance=i, detail=detail, started_at=started)

    def _process(self, session: Session, name: str) -> None:
        plat = session.platforms[name]
        spec = getattr(plat, "spec", None) or session.workload.process()
        files = process_files(spec.argv, session.workload.facts())
        if not files:
            raise FileNotFoundError(f"no file of {spec.argv[0]!r} found on the host")
        self._files(session, name, [("app", f, {"source": "command line"}) for f in files])

    def _vm(self, session: Session, name: str) -> None:
        plat = session.platforms[name]
        kernel, spec = getattr(plat, "kernel", None), getattr(plat, "spec", None)
        if kernel is None or spec is None:
            raise RuntimeError("the vm platform was not prepared")
        parts = [("kernel", Path(kernel.vmlinuz), {}), ("initramfs", Path(spec.initrd), {})]
        parts += [("disk", Path(d), {"disk_index": j}) for j, d in enumerate(spec.disks)]
        self._files(session, name, parts)

    def _container(self, session: Session, name: str) -> None:
        plat = session.platforms[name]
        client, spec = plat.client, plat.spec  # type: ignore[attr-defined]
        image_id = client.images.get(spec.image).id
        layers = image_layers(client, spec.image, spec.facts.get("layer_roles"))
        total = sum(layer.size for layer in layers)
        for layer in layers:
            started = utc_now()
            detail = {**layer.detail(), "image": spec.image, "image_id": image_id, "image_bytes_total": total}
            common = dict(phase=layer.role, instance=layer.index, started_at=started)
            self._row(session, name, "image_bytes", layer.size, detail=detail, **common)
            if layer.folder is None:
                err = "layer folder unknown (storage driver is neither overlay2 nor overlay, or history and layers do not pair)"
                self._row(session, name, "image_allocated_bytes", None, error=err, detail=detail, **common)
                continue
            diff, whole = usage([layer.folder / "diff"]), usage([layer.folder])
            detail = {**detail, "folder": str(layer.folder)}
            self._row(session, name, "image_apparent_bytes", diff.apparent, detail=detail, **common)
            self._row(session, name, "image_allocated_bytes", whole.allocated, detail=detail, **common)

    def _reuse(self, session: Session) -> None:
        """C7: build K shared + K standalone images, read the engine's accounting, remove them."""
        plat = session.platforms["container"]
        client, base = plat.client, plat.spec.image  # type: ignore[attr-defined]
        k_max = max(1, int(session.param("image_k", str(DEFAULT_K))))
        app_size = max(1, int(session.param("image_app_kib", str(DEFAULT_APP_KIB)))) * 1024
        labels = {**session.ctx.labels, "vmcbench.suite": self.name}
        work = Path(tempfile.mkdtemp(prefix="vmcbench-image-"))
        built: list[layer_reuse.Built] = []
        started = utc_now()
        try:
            flat = work / "base.tar"
            layer_reuse.flatten(client, base, flat, work)
            for kind, i, tag in layer_reuse.iter_tags(session.ctx.run_id, k_max):
                data = layer_reuse.app_bytes(session.ctx.run_id, i, app_size)
                if kind == "shared":
                    image_id = layer_reuse.build_shared(client, base, i, data, tag, labels)
                else:
                    image_id = layer_reuse.import_standalone(client, flat, i, data, tag, labels, work)
                built.append(layer_reuse.Built(kind, i, tag, image_id))
            self._account(session, client, base, built, k_max, app_size, started)
        except Exception as exc:
            for kind in ("shared", "standalone"):
                self._row(session, "container", "disk_used_bytes", None, error=f"{type(exc).__name__}: {exc}"[:300],
                          detail={"set": kind, "k": k_max}, started_at=started)
        finally:
            failures = layer_reuse.remove(client, built)
            if failures:
                session.ctx.notes["image"] = "images not removed: " + "; ".join(failures)
            shutil.rmtree(work, ignore_errors=True)

    def _account(self, session: Session, client: Any, base: str, built: list[layer_reuse.Built], k_max: int,
                 app_size: int, started: Any) -> None:
        """Rows for the first k images of each set, k = 1…K: engine accounting, du cross-check, naive sum."""
        df = layer_reuse.disk_usage_images(client)
        base_id = client.images.get(base).id
        base_bytes = int(df[base_id]["Size"])
        folder_usage: dict[Path, Usage] = {}

        def allocated(images: list[layer_reuse.Built]) -> int | None:
            folders: set[Path] = set()
            for b in images:
                found = overlay_folders(client.api.inspect_image(b.image_id))
                if found is None:
                    return None
                folders.update(found)
            for f in folders - folder_usage.keys():
                folder_usage[f] = usage([f])
            return sum(folder_usage[f].allocated for f in folders)

        for kind in ("shared", "standalone"):
            images = sorted((b for b in built if b.set == kind), key=lambda b: b.index)
            for k in range(1, k_max + 1):
                first = images[:k]
                sizes = [int(df[b.image_id]["Size"]) for b in first]
                shared = [int(df[b.image_id]["SharedSize"]) for b in first]
                own = sum(s - sh for s, sh in zip(sizes, shared))
                used = own + (base_bytes if kind == "shared" else 0)
                detail = {
                    "set": kind, "k": k, "base_image": base, "base_bytes": base_bytes, "app_bytes": app_size,
                    "images": [b.image_id.split(":")[-1][:12] for b in first],
                    "shared_bytes": shared,
                }
                if kind == "standalone" and any(shared):
                    detail["unexpected_sharing"] = True
                common = dict(instance=k - 1, started_at=started)
                self._row(session, "container", "disk_used_bytes", used,
                          detail={**detail, "method": "engine_df"}, **common)
                self._row(session, "container", "image_size_sum_bytes", sum(sizes),
                          detail={**detail, "method": "sum_of_image_sizes"}, **common)
                on_disk = allocated(first)
                if on_disk is not None:
                    self._row(session, "container", "disk_allocated_bytes", on_disk,
                              detail={**detail, "method": "du_overlay2"}, **common)
