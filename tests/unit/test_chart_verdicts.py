"""Every chart's verdict is computed: synthetic summaries flip it, and the sentence flips with it (both languages)."""

from __future__ import annotations

import pandas as pd
import pytest

from reportgen.charts.base import ChartInput
from reportgen.charts.c1_overhead import passage as c1_passage
from reportgen.i18n.catalogs import translator

WORDS = {"Confirmed": "확인됨", "Partly confirmed": "일부만 확인됨", "Contradicted": "반박됨"}
MIB = 1 << 20


def _says(passage, data: ChartInput, word: str) -> str:
    en, ko = passage(data, translator("en")), passage(data, translator("ko"))
    assert f": {word}. Measured:" in en, en
    assert f": {WORDS[word]}. 측정:" in ko, ko
    return en


def _c1(vm_mib: float, shim_mib: float, engine_mib: float, spread: float = 0.05) -> ChartInput:
    rows = [{"dataset": "ds@v1", "platform": p, "accelerator": "tcg" if p == "vm" else "none", "resource": "memory",
             "part": part, "n": 10, "median": v * MIB, "low": v * MIB * (1 - spread), "high": v * MIB * (1 + spread),
             "failures": 0, "share": 0.01}
            for p, part, v in (("vm", "platform", vm_mib), ("container", "platform", shim_mib),
                               ("container", "engine", engine_mib))]
    return ChartInput(pd.DataFrame(rows), ("ds@v1",))


@pytest.mark.parametrize(("vm", "shim", "engine", "word"), [
    (120.0, 8.0, 60.0, "Confirmed"),      # larger even with the engine counted
    (120.0, 8.0, 150.0, "Partly confirmed"),    # larger per instance, smaller than the engine of one container
    (8.0, 8.2, 60.0, "Contradicted"),     # CIs overlap: not clearly larger
])
def test_c1_verdict_follows_the_overheads(vm: float, shim: float, engine: float, word: str) -> None:
    en = _says(c1_passage, _c1(vm, shim, engine), word)
    assert "per instance (VM overhead ÷ container runtime)" in en and "counting the shared engine" in en and "TCG" in en


def _rows(**common) -> callable:
    def make(*specs: dict) -> ChartInput:
        return ChartInput(pd.DataFrame([{"dataset": "ds@v1", "accelerator": "none", "n": 10, "failures": 0,
                                         **common, **s} for s in specs]), ("ds@v1",))
    return make


def _ci(median: float, spread: float = 0.05) -> dict:
    return {"median": median, "low": median * (1 - spread), "high": median * (1 + spread)}


@pytest.mark.parametrize(("vm_boot", "vm_ready", "ct_ready", "word"), [
    (2.9, 3.0, 0.28, "Confirmed"),     # golden v3: 98 % of the VM's start is boot, longer than a container's start
    (0.5, 3.0, 0.28, "Partly confirmed"),    # boot is a sixth of the start (the workload is slow), but outlasts the container
    (0.1, 3.0, 2.0, "Contradicted"),   # the workload dominates, and a container start outlasts the VM's boot
])
def test_c5_verdict_follows_the_boot_chain(vm_boot: float, vm_ready: float, ct_ready: float, word: str) -> None:
    from reportgen.charts.c5_verdict import passage

    data = _rows()({"platform": "vm", "phase": "qemu_up", **_ci(0.02)},
                   {"platform": "vm", "phase": "init_started", **_ci(vm_boot)},
                   {"platform": "vm", "phase": "ready", **_ci(vm_ready)},
                   {"platform": "container", "phase": "created", **_ci(ct_ready / 10)},
                   {"platform": "container", "phase": "ready", **_ci(ct_ready)})
    en = _says(passage, data, word)
    assert "of the VM's start spent before the application" in en


@pytest.mark.parametrize(("vm", "ct", "word"), [(3, 1, "Confirmed"), (3, 3, "Partly confirmed"), (1, 3, "Contradicted")])
def test_c6_verdict_follows_the_fingerprint_counts(vm: int, ct: int, word: str) -> None:
    from reportgen.charts.c6_consistency import passage

    data = _rows(instances=3, mutated=None)({"platform": "vm", "value": vm}, {"platform": "container", "value": ct})
    en = _says(passage, data, word)
    assert f"{vm} distinct disk fingerprint(s) among 3 VMs, {ct} image fingerprint(s) among 3 containers" in en


@pytest.mark.parametrize(("shared", "standalone", "word", "by"), [
    (10 * MIB, 40 * MIB, "Confirmed", "75% less disk"), (40 * MIB, 40 * MIB, "Contradicted", "0% more disk")])
def test_c7_verdict_follows_the_bytes(shared: float, standalone: float, word: str, by: str) -> None:
    from reportgen.charts.c7_layer_reuse import passage

    data = _rows(platform="container", k=4)({"set": "shared", "value": shared}, {"set": "standalone", "value": standalone})
    assert by in _says(passage, data, word)


@pytest.mark.parametrize(("gvisor_ok", "same_view", "word"), [
    (True, True, "Confirmed"),       # ran on both runtimes and saw the host's system
    (True, False, "Partly confirmed"),     # ran on both, but gVisor showed it its own kernel: not "runs the same"
    (False, False, "Partly confirmed"),    # did not run on gVisor
])
def test_c8_verdict_counts_the_runtimes_that_ran_the_image(tmp_path, gvisor_ok: bool, same_view: bool, word: str) -> None:
    import json

    import pyarrow as pa

    from reportgen.charts.c8_portability import passage
    from tests.unit.test_platform_variants import _build, _probe_rows

    table = _probe_rows("sha256:" + "ab" * 32)
    if same_view:  # gVisor's answers as the host's
        host = {"kernel_release": "6.1.0-host", "smaps_rollup": "Rss: 1 kB"}
        rows = table.to_pylist()
        for r in rows:
            if r["platform"] == "gvisor":
                r["value"] = 1.0
                r["detail"] = json.dumps({**json.loads(r["detail"]), "output": host[r["phase"]]})
        table = pa.Table.from_pylist(rows, schema=table.schema)
    if not gvisor_ok:
        ok = [p != "gvisor" for p in table.column("platform").to_pylist()]
        table = table.set_column(table.schema.get_field_index("ok"), "ok", pa.array(ok))
        errors = [None if good else "probe failed" for good in ok]
        table = table.set_column(table.schema.get_field_index("error"), "error", pa.array(errors, pa.string()))
    en = _says(passage, _build(tmp_path, table)["C8"], word)
    assert ("ran on 2 of 2 container runtimes and engines" if gvisor_ok else "ran on 1 of 2 container runtimes and engines") in en
    assert ("what it saw differed on 1 of them" in en) == (gvisor_ok and not same_view)


@pytest.mark.parametrize(("ct_scale", "ct_recover", "restarted_by", "word"), [
    (1.0, 1.0, "engine restart policy", "Confirmed"),
    (1.0, 9.0, "engine restart policy", "Partly confirmed"),   # scaled out sooner, came back later than the VM
    (20.0, 9.0, "collector", "Contradicted"),
])
def test_c11_verdict_follows_scale_out_recovery_and_who_restarted(ct_scale, ct_recover, restarted_by, word) -> None:
    from reportgen.charts.c11_recovery import passage

    data = _rows(instances=4)(
        {"platform": "container", "metric": "scale_out_s", "restarted_by": "", **_ci(ct_scale)},
        {"platform": "vm", "metric": "scale_out_s", "restarted_by": "", **_ci(6.0)},
        {"platform": "container", "metric": "recover_s", "restarted_by": restarted_by, **_ci(ct_recover)},
        {"platform": "vm", "metric": "recover_s", "restarted_by": "collector", **_ci(3.0)})
    assert "(VM scale-out ÷ container scale-out)" in _says(passage, data, word)


@pytest.mark.parametrize(("vm_ratios", "word"), [((0.2, 0.1), "Confirmed"), ((0.2, 0.99), "Partly confirmed"),
                                                 ((0.99, 1.0), "Contradicted")])
def test_c12_verdict_counts_the_benchmarks_where_the_vm_is_clearly_slower(vm_ratios, word: str) -> None:
    from reportgen.charts.c12_performance import passage

    rows = []
    for metric, vm in zip(("cpu_single_events_per_s", "syscalls_per_s"), vm_ratios):
        for platform, perf in (("process", 1.0), ("container", 0.98), ("vm", vm)):
            rows.append({"platform": platform, "metric": metric, "perf": perf, "perf_low": perf * 0.99,
                         "perf_high": perf * 1.01, "accelerator": "tcg" if platform == "vm" else "none",
                         "median": 100.0 * perf, "low": 99.0 * perf, "high": 101.0 * perf, "base_n": 10})
    en = _says(passage, _rows()(*rows), word)
    assert f"clearly slower than the container on {sum(v < 0.9 for v in vm_ratios)} of 2 benchmarks" in en
    assert "Mann–Whitney CIs" in en
