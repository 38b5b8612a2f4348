"""A synthetic fleet dataset: the golden dataset's every suite and chart, its shape replicated over many hosts.

    make_fleet_dataset(root, samples=10_000_000)   # about 3,100 copies of golden's 3,220 rows over 300 hosts

Each copy is the golden run again on one more host (host ids `fleet-0001`,
...; hosts beyond the first few hundred repeat, with later repetition
numbers), its measured times and rates jittered by a few percent
(log-normal, seeded) and its exact metrics (bytes, counts) kept, so every
chart, table and verdict of the golden build has data, only more of it.
Written with collector.dataset.write_version, as a real collection would be.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset import METRICS, plain, read_dataset, resolve, write_version

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "datasets" / "golden" / "reference"
HOSTS = 300


def make_fleet_dataset(root: str | Path, samples: int, seed: int = 0) -> Path:
    golden = read_dataset(resolve(GOLDEN).path)
    base = plain(golden.samples)  # as written: read_dataset holds text as dictionaries
    copies = max(1, -(-samples // base.num_rows))
    rng = np.random.default_rng(seed)
    exact = {(m.chart_id, m.name) for m in METRICS if m.exact}
    keep = np.array([(c, m) in exact for c, m in zip(base["chart_id"].to_pylist(), base["metric"].to_pylist())])
    values = base["value"].to_numpy(zero_copy_only=False)
    reps = int(pc.max(base["repetition"]).as_py()) + 1
    index = np.tile(np.arange(base.num_rows), copies)[:samples]
    copy = np.repeat(np.arange(copies), base.num_rows)[:samples]
    # taken a million rows at a time: one take of ten million rows overflows a string column's 2 GiB offsets
    step = 1_000_000
    table = pa.concat_tables([base.take(pa.array(index[i:i + step])) for i in range(0, samples, step)])
    jitter = np.where(np.tile(keep, copies)[:samples], 1.0, rng.lognormal(0.0, 0.03, samples))
    columns = {
        "sample_id": pa.array(np.arange(samples, dtype=np.int64)),
        "value": pa.array(values[index] * jitter, mask=np.isnan(values[index])),
        "host_id": pa.array(np.char.add("fleet-", np.char.zfill((copy % HOSTS + 1).astype(str), 4)).astype(object)),
        "repetition": pa.array((table["repetition"].to_numpy() + (copy // HOSTS) * reps).astype(np.int32)),
    }
    for name, column in columns.items():
        table = table.set_column(table.schema.get_field_index(name), table.schema.field(name), column.cast(table.schema.field(name).type))
    manifest = {k: v for k, v in golden.manifest.items()
                if k not in ("dataset", "version", "parent_version", "schema_version", "files", "sample_count")}
    manifest["sample_count"] = samples
    return Path(write_version(root, table, manifest).location.path)
