"""A container image's filesystem layers, read from the engine: size, origin, role, folder on disk.

The engine's image history (`GET /images/{name}/history`) lists every build
step with the bytes it added; steps that only change metadata (LABEL, CMD,
ENV, …) add no layer. The image's `RootFS.Layers` lists the real layers by
content digest (diff id), oldest first, and its `GraphDriver` names the
overlay2 folders holding them. This module pairs the three.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

METADATA_STEPS = {
    "LABEL", "CMD", "ENV", "ENTRYPOINT", "EXPOSE", "WORKDIR", "USER", "VOLUME", "ARG",
    "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER",
}
CREATED_BY_MAX = 160


@dataclass(frozen=True)
class Layer:
    index: int
    """0 = the bottom (oldest) layer."""
    size: int
    """Bytes the engine accounts for this layer (its history entry's Size: apparent file sizes)."""
    created_by: str
    diff_id: str | None
    """Content digest of the layer (RootFS.Layers); None if history and RootFS could not be paired."""
    history_id: str
    role: str
    folder: Path | None
    """The overlay2 layer folder (holding `diff/`), when the engine uses overlay2."""

    def detail(self) -> dict[str, Any]:
        return {
            "layer_index": self.index,
            "layer_id": self.diff_id or self.history_id,
            "created_by": self.created_by[:CREATED_BY_MAX],
            "role": self.role,
        }


def _instruction(created_by: str) -> str:
    """The Dockerfile instruction of a history entry ('' for an import or an unknown step)."""
    text = created_by.split("#(nop)", 1)[1] if "#(nop)" in created_by else created_by
    text = text.strip()
    if "#(nop)" not in created_by and text.startswith("/bin/sh -c"):
        return "RUN"
    return text.split(" ", 1)[0].upper() if text else ""


def adds_layer(entry: dict[str, Any]) -> bool:
    """Whether a history entry made a filesystem layer (bytes, or a step that always makes one)."""
    return int(entry.get("Size") or 0) > 0 or _instruction(entry.get("CreatedBy") or "") not in METADATA_STEPS


def roles(entries: list[dict[str, Any]], declared: list[str] | None = None) -> list[str]:
    """A role per layer, oldest first: the workload's own list when it gives one, else guessed.

    Guess: one layer that was imported (`docker import` of a root filesystem)
    holds the whole OS + runtime + app → `rootfs`; one layer built otherwise
    (FROM scratch + a static binary) → `app`; several layers → the bottom is
    `base_os`, the top `app`, those between `runtime`.
    """
    n = len(entries)
    if declared and len(declared) == n:
        return list(declared)
    if n == 1:
        imported = not (entries[0].get("CreatedBy") or "").strip() or "import" in (entries[0].get("Comment") or "").lower()
        return ["rootfs" if imported else "app"]
    return ["base_os" if i == 0 else "app" if i == n - 1 else "runtime" for i in range(n)]


OVERLAY_DRIVERS = ("overlay2", "overlay")
"""Storage drivers whose layer folders `overlay_folders` reads: Docker's and Podman's."""


def overlay_folders(attrs: dict[str, Any]) -> list[Path] | None:
    """The image's overlay layer folders, oldest first; None for another storage driver.

    Docker's `overlay2` and Podman's `overlay` (containers/storage) report them alike: `UpperDir` is the
    newest layer's `diff`, `LowerDir` the others' newest first, each in a folder of its own."""
    driver = attrs.get("GraphDriver") or {}
    data = driver.get("Data") or {}
    if driver.get("Name") not in OVERLAY_DRIVERS or not data.get("UpperDir"):
        return None
    lower = [d for d in (data.get("LowerDir") or "").split(":") if d]
    return [Path(d).parent for d in [*reversed(lower), data["UpperDir"]]]


def chain_ids(diff_ids: list[str]) -> list[str]:
    """Chain ids (the engine's key for a layer *with its parents*), as the OCI image spec defines them."""
    out: list[str] = []
    for diff in diff_ids:
        out.append(diff if not out else "sha256:" + hashlib.sha256(f"{out[-1]} {diff}".encode()).hexdigest())
    return out


def image_layers(client: Any, ref: str, declared_roles: list[str] | None = None) -> list[Layer]:
    """The layers of image `ref`, oldest first, with sizes from the engine and roles."""
    history = list(reversed(client.api.history(ref)))
    attrs = client.api.inspect_image(ref)
    diff_ids = list((attrs.get("RootFS") or {}).get("Layers") or [])
    entries = [e for e in history if adds_layer(e)]
    if len(entries) != len(diff_ids):
        sized = [e for e in history if int(e.get("Size") or 0) > 0]
        entries = sized if len(sized) == len(diff_ids) else entries
    paired = len(entries) == len(diff_ids)
    folders = overlay_folders(attrs)
    if folders is not None and len(folders) != len(entries):
        folders = None
    layer_roles = roles(entries, declared_roles)
    return [
        Layer(
            index=i, size=int(e.get("Size") or 0), created_by=(e.get("CreatedBy") or e.get("Comment") or "").strip(),
            diff_id=diff_ids[i] if paired else None, history_id=str(e.get("Id") or ""), role=layer_roles[i],
            folder=folders[i] if folders else None,
        )
        for i, e in enumerate(entries)
    ]
