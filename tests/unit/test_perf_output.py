"""The perf driver's output, parsed from outputs saved on this project's machine (tests/unit/fixtures/perf/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.dataset import find_metric
from collector.workloads import perf_output as P

FIX = Path(__file__).with_name("fixtures") / "perf"


def one(name: str) -> P.Block:
    found, _, _ = P.blocks((FIX / f"{name}.txt").read_text().splitlines())
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("bench", P.BENCHMARKS)
def test_every_benchmark_yields_its_expected_catalogued_metrics(bench: str) -> None:
    results = P.parse_block(one(bench))
    assert {r.metric for r in results} == set(P.EXPECTED[bench])
    for r in results:
        assert r.value > 0 and find_metric("performance", r.metric) is not None


def test_every_catalogued_performance_metric_comes_from_some_benchmark() -> None:
    from collector.dataset import metrics_of

    produced = {m for ms in P.EXPECTED.values() for m in ms} | {"run_time"}
    assert produced == {m.name for m in metrics_of("performance")}


def test_values_from_the_fixtures() -> None:
    def get(bench: str, metric: str) -> float:
        return next(r.value for r in P.parse_block(one(bench)) if r.metric == metric)

    assert get("cpu_single", "cpu_single_events_per_s") == pytest.approx(
        P._num(r"events per second:\s+([0-9.]+)", one("cpu_single").text, "x"))
    assert get("redis", "redis_get_p99") > get("redis", "redis_get_p50")
    assert 1 < get("net_tcp", "net_tcp_bandwidth") < 1000  # Gbit/s
    fio = P.parse_block(one("disk_randread"))[0]
    assert fio.detail["direct"] == 1 and fio.detail["options"]["rw"] == "randread"


@pytest.mark.parametrize("variant", ["full-process", "full-container", "full-vm"])
def test_a_whole_run(variant: str) -> None:
    found, info, done = P.blocks((FIX / f"{variant}.txt").read_text().splitlines())
    assert done is not None and done["failed"] == "0" and info["nproc"]
    assert [b.bench for b in found] == list(P.BENCHMARKS)
    for b in found:
        assert P.parse_block(b)


def test_failures_and_cut_offs_are_parse_errors() -> None:
    b = one("net_tcp")
    b.rc = 1
    with pytest.raises(P.ParseError, match="exited 1"):
        P.parse_block(b)
    found, _, done = P.blocks(["VMCB-BEGIN bench=cpu_single tool=sysbench", "sysbench 1.0.20"])
    assert done is None
    with pytest.raises(P.ParseError, match="cut off"):
        P.parse_block(found[0])
    garbage = P.Block("redis", "redis-benchmark", {}, ["ERROR: connection refused"], 0, 10)
    with pytest.raises(P.ParseError, match="CSV"):
        P.parse_block(garbage)


def test_fio_fallback_to_buffered_is_flagged() -> None:
    lines = (FIX / "disk_seqwrite.txt").read_text().splitlines()
    assert lines[1] == "VMCB-TRY direct=1"
    lines[1:2] = ["VMCB-TRY direct=1", "fio: looks like your file system does not support direct=1/buffered=0",
                  "fio: destination does not support O_DIRECT", "VMCB-TRY direct=0"]
    found, _, _ = P.blocks(lines)
    r = P.parse_block(found[0])[0]
    assert r.detail["direct"] == 0 and "buffered" in r.detail["note"]


def test_console_noise_and_ansi_colours_are_ignored() -> None:
    lines = (FIX / "net_pingpong.txt").read_text().splitlines()
    lines.insert(3, "[   12.345678] random: crng init done")
    found, _, _ = P.blocks(lines)
    assert P.parse_block(found[0])[0].value > 0
