"""Synthetic fleets built from the golden dataset: N hosts, each a copy with its own host record and figures.

Each host's samples are the golden samples with values scaled by a per-host
factor (so hosts differ and the spread is not zero), its own host id, and
one of a few CPU models and accelerators (so hosts fall into groups).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset import read_dataset, write_version

CPUS = ("AMD EPYC 7B13", "Intel Xeon Platinum 8375C", "Ampere Altra Q80-30")
ACCELS = ("kvm", "tcg")
SCALED_UNITS = ("s",)
"""Only durations are scaled: sizes and counts stay exact copies (images are the same images on every host)."""


def fleet(root: Path | str, hosts: int, golden: str = "datasets/golden/reference") -> list[str]:
    """Write `hosts` datasets `<root>/host-NNN/v1`; returns their locations."""
    base = read_dataset(golden)
    written = []
    for i in range(hosts):
        factor = 0.8 + 0.4 * ((i * 37) % 101) / 100.0
        samples = base.samples
        scaled = pc.if_else(pc.is_in(samples["unit"], pa.array(SCALED_UNITS)),
                            pc.multiply(samples["value"], factor), samples["value"])
        host_id = f"{i:012x}"
        samples = samples.set_column(samples.schema.get_field_index("value"), "value", scaled)
        samples = samples.set_column(samples.schema.get_field_index("host_id"), "host_id",
                                     pa.array([host_id] * samples.num_rows, pa.string()))
        manifest = {k: v for k, v in base.manifest.items()
                    if k not in ("dataset", "version", "parent_version", "files", "sample_count", "schema_version")}
        manifest["host"] = {**base.manifest["host"], "host_id": host_id, "label": f"host-{i:03d}",
                            "cpu_model": CPUS[i % len(CPUS)], "accelerator": ACCELS[(i // 3) % len(ACCELS)]}
        written.append(str(write_version(f"{root}/host-{i:03d}", samples, manifest).location))
    return written
