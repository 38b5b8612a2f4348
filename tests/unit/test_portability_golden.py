"""C8 from the two committed datasets: the golden run and a second Docker daemon on the same machine.

The second daemon got the golden run's busybox image by `docker save | docker load`
(its manifest's notes say so), so the same image id ran on both set-ups.
"""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from reportgen.commands.build import BuildOptions, build

ROOT = Path(__file__).resolve().parents[2] / "datasets" / "golden"


def test_same_image_ran_on_both_setups(tmp_path: Path) -> None:
    second = sorted((ROOT / "second-daemon").glob("v*"))[-1]
    reference = ROOT / "reference" / "v2"  # the version the second daemon was collected beside (same image id)
    manifest = json.loads((second / "manifest.json").read_text())
    assert "docker load" in manifest["notes"]["operator"]
    assert manifest["host"]["docker_host"] == "unix:///var/run/docker2.sock"
    image = manifest["artifacts"]["container"]["image_id"]

    out = tmp_path / "site"
    build(BuildOptions(datasets=(str(reference), str(second)), out=out, langs=("en",), pdf=False, slides=False, site=False))  # what is read
    soup = BeautifulSoup((out / "en" / "report.html").read_text(encoding="utf-8"), "html.parser")
    c8 = soup.select_one("section[data-chart='C8']")
    assert c8.select_one("svg") is not None and c8.select_one(".missing") is None
    rows = c8.select(f"table.numbers tbody tr[data-platform='container'][data-artifact='{image}']")
    assert {r["data-dataset"] for r in rows} == {f"reference@{reference.name}", f"second-daemon@{second.name}"}
    assert all(r.select_one("td[data-key='verdict']").get_text(strip=True) == "ran" for r in rows)
    assert "2 of 2 hosts" in c8.get_text(" ", strip=True)
