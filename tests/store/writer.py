"""A stand-in collector for the store tests: write one small dataset version with write_version.

    python -m tests.store.writer s3://bucket/datasets NAME [--rows N] [--hang-after FILE] [--wait-go]

Prints {"version", "location", "write_s"} on success. --hang-after stops right
after FILE was uploaded and verified (the kill test SIGKILLs it there);
--wait-go prints READY once imported and waits for a line on stdin (lines writers up).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from collector.dataset import DatasetError, write_version  # noqa: E402
from collector.dataset import s3  # noqa: E402
from tests.unit.dataset_factory import make_samples  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("name")
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--hang-after")
    ap.add_argument("--wait-go", action="store_true")
    a = ap.parse_args()
    if a.hang_after:
        real_verify = s3.S3Location.verify

        def verify_then_hang(self: s3.S3Location, data: bytes) -> None:  # the store is real; only we stop here
            real_verify(self, data)
            if self.name == a.hang_after:
                print("HANGING", flush=True)
                time.sleep(3600)

        s3.S3Location.verify = verify_then_hang  # type: ignore[method-assign]
    if a.wait_go:
        print("READY", flush=True)
        sys.stdin.readline()
    host = socket.gethostname()
    t0 = time.monotonic()
    try:
        ds = write_version(f"{a.root}/{a.name}", make_samples(a.rows, host_id=host),
                           {"complete": True, "host": {"label": host}})
    except DatasetError as exc:
        print(f"collector: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"version": ds.version, "location": str(ds.location),
                      "write_s": round(time.monotonic() - t0, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
