"""What each platform is, in the deck's terms: its family, and the engine, runtime and machine that make it a variant.

The deck compares three families (physical server, container, virtual
machine); every platform the collector knows belongs to one of them and
differs from its siblings by engine (Docker, Podman, QEMU), OCI runtime
(runc, crun, runsc) or machine model (QEMU `pc`, `microvm`). This is the one
home of that table: the schema allows these platform names, the v1 → v2
migration derives a v1 dataset's identity columns from it, and reportgen
groups and orders charts by it.
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES: tuple[str, ...] = ("physical", "container", "vm")
"""The deck's three columns, lightest first: physical server (a bare process), container, virtual machine."""

NONE = "none"
UNKNOWN = "unknown"
"""Identity value for a part a platform does not have (a bare process has no engine or runtime)."""


@dataclass(frozen=True)
class Variant:
    """One platform: its family and the parts that distinguish it inside the family."""

    name: str
    family: str
    engine: str
    runtime: str
    machine: str
    isolation: str
    """Why it sits where it does in its family (weakest isolation first), in a few words (English; for docs)."""


VARIANTS: tuple[Variant, ...] = (
    Variant("process", "physical", "host", NONE, NONE, "no boundary: a process on the host kernel"),
    Variant("container", "container", "docker", "runc", NONE, "namespaces and cgroups on the host kernel (runc)"),
    Variant("crun", "container", "docker", "crun", NONE, "the same kernel features as runc, set up by crun"),
    Variant("podman", "container", "podman", "crun", NONE, "the same kernel features, no daemon (conmon per container)"),
    Variant("gvisor", "container", "docker", "runsc", NONE,
            "a user-space kernel (gVisor's Sentry) between the workload and the host kernel"),
    Variant("vm", "vm", "qemu", NONE, "pc", "a guest kernel on QEMU's default machine (PCI, firmware, legacy devices)"),
    Variant("microvm", "vm", "qemu", NONE, "microvm",
            "a guest kernel on QEMU's microvm machine: fewer emulated devices, a smaller attack surface"),
)
"""Every platform, grouped by family and, inside a family, ordered by isolation strength (weakest first)."""

BY_NAME: dict[str, Variant] = {v.name: v for v in VARIANTS}
PLATFORM_NAMES: tuple[str, ...] = tuple(v.name for v in VARIANTS)
DECK_PLATFORMS: tuple[str, ...] = ("process", "container", "vm")
"""The platform that stands for each family in the deck's comparison (and in every v1 dataset)."""


def family_of(platform: str) -> str:
    """The family of a platform name; an unknown name is its own family (shown as it is, never refused here)."""
    variant = BY_NAME.get(platform)
    return variant.family if variant else platform


def deck_platform_of(platform: str) -> str:
    """The deck platform standing for `platform`'s family (`process`, `container`, `vm`); an unknown name itself.

    Collector code treats every variant like its family's deck platform: container variants are driven
    through a Docker-compatible API, VM variants through QEMU.
    """
    variant = BY_NAME.get(platform)
    return DECK_PLATFORMS[FAMILIES.index(variant.family)] if variant else platform


def engine_of(platform: str) -> str:
    """The engine behind a platform (`host`, `docker`, `podman`, `qemu`): whose daemons its instances share."""
    variant = BY_NAME.get(platform)
    return variant.engine if variant else UNKNOWN


def variant_rank(platform: str) -> tuple[int, int]:
    """Sort key: family in the deck's order, then isolation strength inside it; unknown names last."""
    variant = BY_NAME.get(platform)
    if variant is None:
        return (len(FAMILIES), 0)
    return (FAMILIES.index(variant.family), PLATFORM_NAMES.index(platform))


IDENTITY_COLUMNS: tuple[str, ...] = ("family", "engine", "engine_version", "runtime", "runtime_version", "machine")
"""The sample columns (schema v2) that say what a platform is; the manifest's `platforms` holds the same per platform."""


def v1_identity(platform: str, host: dict) -> dict[str, str]:
    """What a schema-v1 dataset's platform was, derived from its name and the manifest's host record.

    v1 knew three platforms only: `process` (the host), `container` (Docker + runc) and `vm`
    (QEMU's default machine). Their engine versions are the host record's; runc's version was
    never recorded, so it is `unknown`.
    """
    variant = BY_NAME.get(platform) or Variant(platform, platform, UNKNOWN, UNKNOWN, UNKNOWN, "")
    engine_version = {
        "host": host.get("kernel"), "docker": host.get("docker_version"), "qemu": host.get("qemu_version"),
    }.get(variant.engine)
    return {
        "family": variant.family,
        "engine": variant.engine,
        "engine_version": str(engine_version) if engine_version else UNKNOWN,
        "runtime": variant.runtime,
        "runtime_version": NONE if variant.runtime == NONE else UNKNOWN,
        "machine": variant.machine,
    }
