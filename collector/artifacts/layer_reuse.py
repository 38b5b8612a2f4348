"""K images that share a base layer, and the same K as standalone images, built locally for chart C7.

Shared image i = `FROM <base>` + one small app file (its own layer).
Standalone image i = the very same files in ONE layer, imported from a tar:
the base's flattened root filesystem plus app file i. App files differ per
image and per run (bytes derived from the run id), so no two standalone
layers have the same content digest: the engine cannot deduplicate them,
and no other run's images can share our layers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

APP_DIR = "vmcbench-app"
SHARED_REPO = "vmcbench/reuse-shared"
STANDALONE_REPO = "vmcbench/reuse-standalone"
DF_RETRY_S = 60.0


@dataclass(frozen=True)
class Built:
    set: str
    """`shared` or `standalone`."""
    index: int
    tag: str
    image_id: str


def app_bytes(run_id: str, index: int, size: int) -> bytes:
    """Distinct, incompressible content for app file `index` of this run (same for both sets)."""
    return hashlib.shake_256(f"vmcbench-reuse {run_id} {index}".encode()).digest(size)


def _app_member(index: int, data: bytes) -> tuple[tarfile.TarInfo, tarfile.TarInfo]:
    folder = tarfile.TarInfo(APP_DIR)
    folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o755, 0
    info = tarfile.TarInfo(f"{APP_DIR}/app-{index}")
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    return folder, info


def build_shared(client: Any, base: str, index: int, data: bytes, tag: str, labels: dict[str, str]) -> str:
    """`FROM base` + `COPY app-i`, through the engine's (classic) builder; returns the image id."""
    dockerfile = f"FROM {base}\nCOPY {APP_DIR}/ /{APP_DIR}/\n"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size, info.mtime = len(dockerfile), 0
        tar.addfile(info, io.BytesIO(dockerfile.encode()))
        folder, app = _app_member(index, data)
        tar.addfile(folder)
        tar.addfile(app, io.BytesIO(data))
    buf.seek(0)
    image, _ = client.images.build(fileobj=buf, custom_context=True, tag=tag, rm=True, forcerm=True,
                                   network_mode="none", labels=labels, pull=False)
    return str(image.id)


def _norm(name: str) -> str:
    """A member name without leading `./` or `/` ('' for the root itself)."""
    return os.path.normpath("/" + name).lstrip("/")


def _under(path: str, folder: str) -> bool:
    return path.startswith(folder + "/") if folder else bool(path)


def _save(client: Any, ref: str, into: Path) -> list[Path]:
    """`docker save` of one image into a folder; its layer tars, oldest first."""
    archive = into / "image.tar"
    with open(archive, "wb") as out:
        for chunk in client.api.get_image(ref):
            out.write(chunk)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "x", filter="data")
    archive.unlink()
    manifest = json.loads((into / "x" / "manifest.json").read_text())
    return [into / "x" / layer for layer in manifest[0]["Layers"]]


def _final_members(layer_tars: list[Path]) -> dict[str, tuple[int, int]]:
    """Path → (layer, member offset) of what the merged filesystem shows, whiteouts applied."""
    final: dict[str, tuple[int, int]] = {}
    kinds: dict[str, bool] = {}
    for li, path in enumerate(layer_tars):
        with tarfile.open(path) as tar:
            for m in tar:
                name = _norm(m.name)
                base, parent = os.path.basename(name), os.path.dirname(name)
                if base == ".wh..wh..opq":
                    doomed = [p for p in final if _under(p, parent)]
                elif base.startswith(".wh."):
                    target = os.path.join(parent, base[4:])
                    doomed = [p for p in final if p == target or _under(p, target)]
                elif name in final and kinds[name] and not m.isdir():
                    doomed = [p for p in final if _under(p, name)]
                else:
                    doomed = []
                for p in doomed:
                    final.pop(p, None)
                    kinds.pop(p, None)
                if base.startswith(".wh.") or not name:
                    continue
                final[name] = (li, m.offset)
                kinds[name] = m.isdir()
    return final


def flatten(client: Any, ref: str, out: Path, work: Path) -> int:
    """Write image `ref`'s merged root filesystem as one tar at `out`; returns the member count."""
    layer_tars = _save(client, ref, work)
    final = _final_members(layer_tars)
    wanted = {v for v in final.values()}
    count = 0
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as dst:
        for li, path in enumerate(layer_tars):
            with tarfile.open(path) as src:
                for m in src:
                    if (li, m.offset) not in wanted:
                        continue
                    m.name = _norm(m.name)
                    if m.islnk():
                        m.linkname = _norm(m.linkname)
                    dst.addfile(m, src.extractfile(m) if m.isreg() else None)
                    count += 1
    shutil.rmtree(work / "x", ignore_errors=True)
    return count


def import_standalone(client: Any, flat: Path, index: int, data: bytes, tag: str, labels: dict[str, str], work: Path) -> str:
    """One image, one layer: the flattened base plus app file i, through `docker import`; returns the image id."""
    tar_path = work / f"standalone-{index}.tar"
    shutil.copyfile(flat, tar_path)
    with tarfile.open(tar_path, "a", format=tarfile.PAX_FORMAT) as tar:
        folder, app = _app_member(index, data)
        tar.addfile(folder)
        tar.addfile(app, io.BytesIO(data))
    repo, _, version = tag.rpartition(":")
    changes = [f"LABEL {json.dumps(k)}={json.dumps(v)}" for k, v in sorted(labels.items())]
    try:
        client.api.import_image(src=str(tar_path), repository=repo, tag=version, changes=changes)
    finally:
        tar_path.unlink(missing_ok=True)
    return str(client.images.get(tag).id)


def disk_usage_images(client: Any) -> dict[str, dict[str, Any]]:
    """The engine's disk usage accounting (`GET /system/df`) of images, by image id.

    The engine runs one df at a time and refuses a second one meanwhile
    (other runs may be asking too), so this retries for a while.
    """
    from docker.errors import APIError

    deadline = time.monotonic() + DF_RETRY_S
    while True:
        try:
            return {img["Id"]: img for img in client.df().get("Images") or []}
        except APIError as exc:
            if "already running" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def remove(client: Any, built: list[Built]) -> list[str]:
    """Remove our images by their run-unique tags (never by label or id, so no other run's image goes); return failures."""
    from docker.errors import APIError, ImageNotFound

    failures = []
    for b in built:
        try:
            client.images.remove(b.tag, force=False, noprune=False)
        except ImageNotFound:
            pass
        except APIError as exc:
            failures.append(f"{b.tag}: {str(exc).splitlines()[0][:200]}")
    return failures


def iter_tags(run_id: str, k: int) -> Iterator[tuple[str, int, str]]:
    """(set, index, tag) of the 2K images of one run; tags carry the run id, so runs never collide."""
    safe = run_id.lower().replace("_", "-")
    for i in range(k):
        yield "shared", i, f"{SHARED_REPO}:{safe}-{i}"
        yield "standalone", i, f"{STANDALONE_REPO}:{safe}-{i}"
