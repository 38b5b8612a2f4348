"""300 hosts' datasets in the store: one listing finds them, reportgen's loader reads them; timings printed (-s)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from collector.dataset import expand_datasets, write_version
from collector.dataset import s3
from reportgen.load.datasets import load
from tests.unit.dataset_factory import make_samples

HOSTS = 300


def test_list_and_read_300_hosts(s3_root: str) -> None:
    table = make_samples(30)
    t = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: write_version(f"{s3_root}/fleet/host-{i:03d}", table, {}), range(HOSTS)))
    write_s = time.monotonic() - t
    root = s3.S3Location.of(f"{s3_root}/fleet")

    t = time.monotonic()
    refs = expand_datasets(f"{s3_root}/fleet/")  # one paginated listing, filtered here
    list_s = time.monotonic() - t
    assert refs == [f"{s3_root}/fleet/host-{i:03d}/v1" for i in range(HOSTS)]

    t = time.monotonic()
    loaded = load([f"{s3_root}/fleet/"])  # list + read 300 (8 at a time), sha256 checked, validated, one table
    load_s = time.monotonic() - t
    assert len(loaded.datasets) == HOSTS and loaded.samples.num_rows == 30 * HOSTS
    assert len(s3.scan(root)) == HOSTS
    print(f"\n{HOSTS} hosts ({3 * HOSTS} objects): write (8 threads) {write_s:.1f} s; "
          f"list {list_s * 1000:.0f} ms; list+read+validate {load_s:.1f} s")


def test_listing_thousands_of_objects_takes_seconds(s3_root: str) -> None:
    root = s3.S3Location.of(f"{s3_root}/many")
    keys = [root.child(f"host-{h:03d}/v{n}/{f}").key for h in range(100) for n in range(1, 11)
            for f in (".claim", "samples.parquet", "manifest.json") if not (f == "manifest.json" and n == 10)]
    c = s3.client()
    with ThreadPoolExecutor(8) as pool:  # 2900 objects: 100 datasets x 10 versions, each v10 unfinished
        list(pool.map(lambda k: c.put_object(Bucket=root.bucket, Key=k, Body=b"x"), keys))
    t = time.monotonic()
    refs = expand_datasets(f"{s3_root}/many/")
    list_s = time.monotonic() - t
    assert refs == [f"{s3_root}/many/host-{h:03d}/v9" for h in range(100)]
    print(f"\n{len(keys)} objects: one paginated listing, filtered here: {list_s * 1000:.0f} ms")
    assert list_s < 30, "a listing of thousands of objects must take seconds, not minutes"
