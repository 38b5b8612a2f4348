"""The dataset format (docs/dataset-format.md): round trips, refusals, commit protocol, migrations."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy.stats import binom

from collector.dataset import (
    SAMPLE_SCHEMA,
    SCHEMA_VERSION,
    DatasetError,
    Location,
    SchemaTooNew,
    committed_versions,
    median_ci,
    read_dataset,
    resolve,
    uncommitted_versions,
    write_version,
)
from collector.dataset.schema import PARQUET_META_KEY, conform, plain
from tests.unit.dataset_factory import detail, make_manifest, make_samples

KOREAN = "가상 머신"


# --- helpers -------------------------------------------------------------------------------------


def one_line(exc: pytest.ExceptionInfo) -> str:
    """The error's message, checked to be a single line (what the user sees)."""
    message = str(exc.value)
    assert message, "empty error message"
    assert "\n" not in message and "\r" not in message, f"multi-line message: {message!r}"
    return message


def write(root: Path, table: pa.Table | None = None, **kwargs) -> "object":
    return write_version(root, make_samples(6) if table is None else table, make_manifest(), **kwargs)


def load_manifest(version_dir: Path) -> dict:
    return json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))


def save_manifest(version_dir: Path, manifest: dict) -> None:
    (version_dir / "manifest.json").write_text(json.dumps(manifest, sort_keys=True, indent=2), encoding="utf-8")


def replace_samples(version_dir: Path, data: bytes) -> None:
    """Swap samples.parquet for `data` and make the manifest's checksum agree, so the checksum passes."""
    (version_dir / "samples.parquet").write_bytes(data)
    manifest = load_manifest(version_dir)
    manifest["files"]["samples.parquet"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    save_manifest(version_dir, manifest)


def parquet_bytes(table: pa.Table, schema_version: bytes = str(SCHEMA_VERSION).encode()) -> bytes:
    """Parquet as a (possibly misbehaving) writer would produce it, bypassing write_version's checks."""
    meta = dict(table.schema.metadata or {})
    meta[PARQUET_META_KEY] = schema_version
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(meta), sink)
    return sink.getvalue().to_pybytes()


def loose_schema() -> pa.Schema:
    """SAMPLE_SCHEMA with every field nullable: lets a test store values the real schema forbids."""
    return pa.schema([f.with_nullable(True) for f in SAMPLE_SCHEMA])


# --- round trip ----------------------------------------------------------------------------------


def test_round_trip_keeps_every_value_including_korean_text(tmp_path):
    table = make_samples(  # names are identifiers (names.py); Korean lives in the free-text fields
        4,
        ok=[True, True, True, False],
        value=[0.012, 0.034, 1.25, None],
        error=[None, None, None, f"{KOREAN} 시작 시간 초과 (timeout 30 s)"],
        detail=[None, detail(image_digest="sha256:abc", 설명=KOREAN), None, detail(layer_id="l1")],
    )
    written = write_version(tmp_path / "mine", table, make_manifest(run={"설명": KOREAN, "repetitions": 20}))

    back = read_dataset(tmp_path / "mine")

    assert plain(back.samples).equals(conform(table))  # the same values; text held as dictionaries
    assert plain(back.samples).schema.equals(SAMPLE_SCHEMA)
    assert pa.types.is_dictionary(back.samples.schema.field("detail").type)
    assert json.loads(back.samples.column("detail")[1].as_py())["설명"] == KOREAN
    assert back.samples.column("error")[3].as_py().startswith(KOREAN)
    assert back.manifest == written.manifest
    assert back.manifest["run"]["설명"] == KOREAN
    assert back.label == "mine@v1"


def test_manifest_gets_name_version_parent_count_and_checksums(tmp_path):
    first = write(tmp_path / "mine")
    second = write(tmp_path / "mine", make_samples(9))
    version_dir = tmp_path / "mine" / "v2"
    manifest = load_manifest(version_dir)
    data = (version_dir / "samples.parquet").read_bytes()

    assert (first.version, second.version) == ("v1", "v2")
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["dataset"] == "mine"
    assert manifest["version"] == "v2"
    assert manifest["parent_version"] == "v1"
    assert first.manifest["parent_version"] is None
    assert manifest["sample_count"] == 9
    assert manifest["files"] == {"samples.parquet": {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}}
    assert manifest["host"]["accelerator"] == "kvm"  # the caller's part is kept as given
    assert pq.read_schema(version_dir / "samples.parquet").metadata[b"vmcbench.schema_version"] == str(SCHEMA_VERSION).encode()
    assert sorted(p.name for p in version_dir.iterdir()) == ["manifest.json", "samples.parquet"]  # no temp files


def test_interrupted_run_is_a_readable_incomplete_version(tmp_path):
    write_version(tmp_path / "mine", make_samples(2), make_manifest(complete=False, interrupted=True))
    back = read_dataset(tmp_path / "mine")
    assert back.complete is False
    assert back.manifest["interrupted"] is True
    assert back.samples.num_rows == 2


def test_extra_files_are_checksummed_and_verified(tmp_path):
    write(tmp_path / "mine", extra_files={"host.json": b'{"cores": 8}\n'})
    (tmp_path / "mine" / "v1" / "host.json").write_bytes(b'{"cores": 9}\n')
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "host.json: sha256 does not match" in one_line(exc)


# --- immutability --------------------------------------------------------------------------------


def test_writing_a_named_version_that_exists_is_refused(tmp_path):
    write(tmp_path / "mine", version="v1")
    before = (tmp_path / "mine" / "v1" / "samples.parquet").read_bytes()

    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", make_samples(3), version="v1")

    assert "already committed" in one_line(exc)
    assert (tmp_path / "mine" / "v1" / "samples.parquet").read_bytes() == before
    assert read_dataset(tmp_path / "mine").samples.num_rows == 6


def test_a_named_version_folder_left_unfinished_is_refused_too(tmp_path):
    (tmp_path / "mine" / "v3").mkdir(parents=True)
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", version="v3")
    assert "folder exists" in one_line(exc)


@pytest.mark.parametrize("name", ["latest", "v1.5", "V2", "v", "../v1"])
def test_a_version_name_must_be_v_and_a_number(tmp_path, name):
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", version=name)
    assert "not a version name" in one_line(exc)


def test_two_writers_naming_the_same_version_at_once_one_wins(tmp_path, monkeypatch):
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    # Worst case for a look-then-create claim: both writers look at the folder before either creates it.
    rendezvous = threading.Barrier(2)
    real_exists = Location.exists

    def exists_after_both_looked(self: Location) -> bool:
        answer = real_exists(self)
        if self.path.endswith("/v7"):
            try:
                rendezvous.wait(timeout=2)
            except threading.BrokenBarrierError:
                pass
        return answer

    monkeypatch.setattr(Location, "exists", exists_after_both_looked)

    def writer(run_id: str) -> None:
        table = make_samples(5, run_id=run_id)
        barrier.wait()
        try:
            outcomes.append(write_version(tmp_path / "mine", table, make_manifest(), version="v7").samples)
        except DatasetError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=writer, args=(f"run-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    errors = [o for o in outcomes if isinstance(o, DatasetError)]
    tables = [o for o in outcomes if isinstance(o, pa.Table)]
    assert len(errors) == 1 and len(tables) == 1, outcomes
    assert "\n" not in str(errors[0])
    assert plain(read_dataset(tmp_path / "mine" / "v7").samples).equals(tables[0])


# --- refusals when reading -----------------------------------------------------------------------


def test_checksum_mismatch_is_rejected(tmp_path):
    write(tmp_path / "mine")
    path = tmp_path / "mine" / "v1" / "samples.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "samples.parquet: sha256 does not match the manifest" in one_line(exc)


def test_truncated_parquet_is_rejected_by_the_parquet_reader(tmp_path):
    write(tmp_path / "mine")
    version_dir = tmp_path / "mine" / "v1"
    data = (version_dir / "samples.parquet").read_bytes()
    replace_samples(version_dir, data[: len(data) // 2])  # checksum now agrees: only Parquet can notice

    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "not a readable Parquet file" in one_line(exc)


def test_file_listed_in_manifest_but_missing_is_rejected(tmp_path):
    write(tmp_path / "mine")
    (tmp_path / "mine" / "v1" / "samples.parquet").unlink()
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "missing" in one_line(exc)


def test_missing_column_is_rejected(tmp_path):
    write(tmp_path / "mine")
    replace_samples(tmp_path / "mine" / "v1", parquet_bytes(make_samples(6).drop_columns(["host_id"])))

    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "missing column(s): host_id" in one_line(exc)


def test_missing_column_is_refused_when_writing(tmp_path):
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", make_samples(3).drop_columns(["chart_id", "detail"]))
    assert "missing column(s): chart_id, detail" in one_line(exc)
    assert not (tmp_path / "mine").exists() or committed_versions(Location.of(tmp_path / "mine")) == []


def test_nan_value_is_rejected_when_reading(tmp_path):
    write(tmp_path / "mine")
    bad = make_samples(6, value=[0.1, 0.2, float("nan"), 0.4, 0.5, 0.6])
    replace_samples(tmp_path / "mine" / "v1", parquet_bytes(bad))

    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "NaN or infinite" in one_line(exc)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_value_is_refused_before_anything_is_written(tmp_path, bad):
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", make_samples(3, value=[0.1, bad, 0.3]))
    assert "NaN or infinite" in one_line(exc)
    assert uncommitted_versions(Location.of(tmp_path / "mine")) == []
    assert committed_versions(Location.of(tmp_path / "mine")) == []


def test_negative_duration_is_rejected(tmp_path):
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", make_samples(3, value=[0.1, -0.002, 0.3]))
    assert "1 negative duration(s)" in one_line(exc)

    write(tmp_path / "mine")
    replace_samples(tmp_path / "mine" / "v1", parquet_bytes(make_samples(3, value=[0.1, -0.002, 0.3])))
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "negative duration" in one_line(exc)


def test_negative_is_fine_for_a_unit_that_allows_it(tmp_path):
    back = write(tmp_path / "mine", make_samples(2, metric="drift", unit="ratio", value=[-0.5, 0.5]))
    assert back.samples.column("value").to_pylist() == [-0.5, 0.5]


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"platform": "bare-metal"}, "unknown value(s): 'bare-metal'"),
        ({"platform": "vm", "accelerator": "hvf"}, "unknown value(s): 'hvf'"),
        ({"sample_id": 7}, "sample_id is not unique"),
        ({"ok": [True, False, True], "value": [0.1, None, 0.3]}, "ok=false has no error text"),
        ({"ok": [True, False, True], "error": [None, "", None]}, "ok=false has no error text"),
        ({"value": [0.1, None, 0.3]}, "ok=true have no value"),
    ],
)
def test_rows_breaking_a_rule_are_refused(tmp_path, overrides, words):
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", make_samples(3, **overrides))
    assert words in one_line(exc)


def test_empty_required_cell_is_refused(tmp_path):
    table = make_samples(3).cast(loose_schema())
    table = table.set_column(table.schema.get_field_index("workload"), "workload", pa.array(["a", None, "c"]))
    with pytest.raises(DatasetError) as exc:
        write(tmp_path / "mine", table)
    assert "workload" in one_line(exc)


def test_failed_sample_keeps_its_error_and_may_have_no_value(tmp_path):
    table = make_samples(3, ok=[True, False, True], value=[0.1, None, 0.3], error=[None, "ready line not seen in 30 s", None])
    back = write(tmp_path / "mine", table)
    assert back.samples.column("error").to_pylist() == [None, "ready line not seen in 30 s", None]


def test_future_schema_is_refused_with_a_one_line_message(tmp_path):
    write(tmp_path / "mine")
    version_dir = tmp_path / "mine" / "v1"
    manifest = load_manifest(version_dir)
    manifest["schema_version"] = 99
    save_manifest(version_dir, manifest)

    with pytest.raises(SchemaTooNew) as exc:
        read_dataset(tmp_path / "mine")
    message = one_line(exc)
    assert "v99" in message and f"v{SCHEMA_VERSION}" in message
    assert isinstance(exc.value, DatasetError)


@pytest.mark.parametrize("stamp", [None, b"1", b"one"])
def test_parquet_schema_version_must_agree_with_the_manifest(tmp_path, stamp):
    write(tmp_path / "mine")
    table = make_samples(6)
    if stamp is None:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        data = sink.getvalue().to_pybytes()
    else:
        data = parquet_bytes(table, stamp)
    replace_samples(tmp_path / "mine" / "v1", data)
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "Parquet schema version" in one_line(exc)


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda m: m.pop("schema_version"), "no integer schema_version"),
        (lambda m: m.update(schema_version="1"), "no integer schema_version"),
        (lambda m: m.pop("files"), "lists no samples.parquet"),
    ],
)
def test_a_broken_manifest_is_rejected(tmp_path, mutate, words):
    write(tmp_path / "mine")
    manifest = load_manifest(tmp_path / "mine" / "v1")
    mutate(manifest)
    save_manifest(tmp_path / "mine" / "v1", manifest)
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert words in one_line(exc)


def test_unparsable_manifest_is_rejected(tmp_path):
    write(tmp_path / "mine")
    (tmp_path / "mine" / "v1" / "manifest.json").write_text('{"schema_version": 1,\n', encoding="utf-8")
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "mine")
    assert "unreadable manifest" in one_line(exc)


# --- concurrency ---------------------------------------------------------------------------------


def _write_behind_barrier(root: str, run_id: str, barrier) -> None:
    table = make_samples(8, run_id=run_id)
    barrier.wait(timeout=60)
    write_version(root, table, make_manifest())


def test_two_writers_at_once_make_two_intact_distinct_versions(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    root = tmp_path / "shared"
    procs = [ctx.Process(target=_write_behind_barrier, args=(str(root), f"run-{i}", barrier)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]

    versions = committed_versions(Location.of(root))
    assert versions == ["v1", "v2"]
    assert uncommitted_versions(Location.of(root)) == []
    runs = set()
    for version in versions:
        ds = read_dataset(root / version)
        assert ds.version == version
        assert ds.samples.num_rows == 8
        runs.update(ds.samples.column("run_id").to_pylist())
    assert runs == {"run-0", "run-1"}


# --- locating versions ---------------------------------------------------------------------------


def test_name_at_version_is_looked_up_under_the_datasets_env(tmp_path, monkeypatch):
    store = tmp_path / "store"
    write(store / "laptop")
    write(store / "laptop")
    monkeypatch.setenv("VMCBENCH_DATASETS", str(store))
    monkeypatch.chdir(tmp_path)

    loc = resolve("laptop@v1")
    assert loc.path == str(store / "laptop" / "v1")
    assert read_dataset("laptop@v2").version == "v2"

    with pytest.raises(DatasetError) as exc:
        resolve("laptop@v9")
    assert "no committed version 'v9' of dataset 'laptop'" in one_line(exc)


def test_dataset_folder_resolves_to_its_newest_committed_version(tmp_path):
    root = tmp_path / "mine"
    write(root)
    write(root, make_samples(4))
    (root / "v3").mkdir()  # a writer killed before its manifest
    (root / "v3" / "samples.parquet").write_bytes(b"PAR1 half written")

    assert resolve(root).path == str(root / "v2")
    assert resolve(root / "v1").path == str(root / "v1")
    assert read_dataset(root).samples.num_rows == 4


def test_version_folder_without_manifest_is_invisible(tmp_path):
    root = tmp_path / "mine"
    write(root)
    (root / "v2").mkdir()

    assert committed_versions(Location.of(root)) == ["v1"]
    assert [loc.name for loc in uncommitted_versions(Location.of(root))] == ["v2"]
    with pytest.raises(DatasetError) as exc:
        read_dataset(root / "v2")
    assert "no committed dataset version here" in one_line(exc)

    third = write(root)  # the next writer skips the abandoned number; its parent is the last committed one
    assert third.version == "v3"
    assert third.manifest["parent_version"] == "v1"


def test_unknown_dataset_is_a_one_line_error(tmp_path):
    with pytest.raises(DatasetError) as exc:
        read_dataset(tmp_path / "nothing-here")
    assert "no such dataset" in one_line(exc)


# --- migrations ----------------------------------------------------------------------------------


def test_schema_0_is_upgraded_to_current_when_read(tmp_path):
    n = 6
    v0 = pa.table(
        {
            "sample_id": pa.array(range(1, n + 1), pa.int64()),
            "run_id": ["old-run"] * n,
            "suite": ["startup"] * n,
            "platform": ["process", "container", "vm", "vm", "vm", "container"],
            "workload": ["hello-static"] * n,
            "metric": ["start_time", "start_time", "start_time", "phase_end", "phase_end", "phase_end"],
            "seconds": [0.004, 0.35, 1.9, 0.2, 1.1, 0.12],
            "repetition": pa.array([0] * n, pa.int32()),
            "warmup": [False] * n,
            "instance": pa.array([0] * n, pa.int32()),
            "phase": [None, None, None, "qemu_up", "kernel_started", "created"],
            "ok": [True] * n,
            "error": pa.array([None] * n, pa.string()),
            "started_at": pa.array([0] * n, pa.timestamp("us", tz="UTC")),
            "recorded_at": pa.array([1_000_000] * n, pa.timestamp("us", tz="UTC")),
        }
    )
    version_dir = tmp_path / "old" / "v1"
    version_dir.mkdir(parents=True)
    data = parquet_bytes(v0, b"0")
    (version_dir / "samples.parquet").write_bytes(data)
    save_manifest(
        version_dir,
        {
            "schema_version": 0,
            "dataset": "old",
            "version": "v1",
            "files": {"samples.parquet": {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}},
            "host": {"accelerator": "tcg", "host_id": "old-host"},
        },
    )

    ds = read_dataset(tmp_path / "old")
    s = ds.samples

    assert plain(s).schema.equals(SAMPLE_SCHEMA)
    assert s.column("value").to_pylist() == [0.004, 0.35, 1.9, 0.2, 1.1, 0.12]
    assert s.column("unit").to_pylist() == ["s"] * n
    assert s.column("chart_id").to_pylist() == ["C3", "C3", "C3", "C5", "C5", "C5"]
    assert s.column("accelerator").to_pylist() == ["none", "none", "tcg", "tcg", "tcg", "none"]
    assert s.column("host_id").to_pylist() == ["old-host"] * n
    assert s.column("detail").null_count == n
    assert ds.manifest["schema_version"] == SCHEMA_VERSION
    assert load_manifest(version_dir)["schema_version"] == 0  # upgraded in memory only
    assert (version_dir / "samples.parquet").read_bytes() == data


# --- median with confidence interval -------------------------------------------------------------


def test_median_ci_of_20_samples_uses_ranks_6_and_15():
    values = np.arange(1.0, 21.0)
    np.random.default_rng(7).shuffle(values)
    ci = median_ci(values)
    assert (ci.n, ci.median, ci.low, ci.high, ci.level) == (20, 10.5, 6.0, 15.0, 0.95)


def test_median_ci_below_6_samples_is_the_full_range():
    ci = median_ci([3.0, 1.0, 2.0, 5.0, 4.0])
    assert (ci.median, ci.low, ci.high) == (3.0, 1.0, 5.0)
    assert median_ci([2.5]).low == median_ci([2.5]).high == 2.5


@pytest.mark.parametrize("n", [6, 7, 8, 9, 10, 11, 20, 30, 50, 100])
def test_median_ci_rank_is_the_tightest_that_still_covers_95_percent(n):
    ci = median_ci(np.arange(1.0, n + 1.0))
    j = int(ci.low)
    assert ci.high == n - j + 1  # symmetric ranks
    coverage = lambda k: binom.cdf(n - k, n, 0.5) - binom.cdf(k - 1, n, 0.5)  # P(x_(k) <= median <= x_(n-k+1))
    assert coverage(j) >= 0.95
    assert coverage(j + 1) < 0.95 or j + 1 > n - j


def test_median_ci_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        median_ci([])


# --- schema v1 -> v2: what each platform is ------------------------------------------------------


def _v1_table(platforms: list[str]) -> pa.Table:
    from collector.dataset import IDENTITY_COLUMNS

    return make_samples(len(platforms), platform=platforms).drop_columns(list(IDENTITY_COLUMNS))


def test_schema_1_gains_family_engine_runtime_machine_from_the_platform_and_host(tmp_path):
    from collector.dataset.migrations import upgrade

    v1 = _v1_table(["process", "container", "vm"])
    manifest = make_manifest()
    manifest["schema_version"] = 1
    table, out = upgrade(v1, manifest, 1)
    rows = table.select(["platform", "family", "engine", "engine_version", "runtime", "runtime_version", "machine"])
    assert rows.to_pylist() == [
        {"platform": "process", "family": "physical", "engine": "host", "engine_version": "6.1.0-test",
         "runtime": "none", "runtime_version": "none", "machine": "none"},
        {"platform": "container", "family": "container", "engine": "docker", "engine_version": "26.1.0",
         "runtime": "runc", "runtime_version": "unknown", "machine": "none"},
        {"platform": "vm", "family": "vm", "engine": "qemu", "engine_version": "7.2.0",
         "runtime": "none", "runtime_version": "none", "machine": "pc"},
    ]
    assert out["schema_version"] == 2
    assert out["platforms"]["container"]["runtime"] == "runc"
    assert set(out["platforms"]) == {"process", "container", "vm"}
    assert "platforms" not in manifest  # the input manifest is not modified


def test_a_written_v1_dataset_reads_as_v2_and_validates(tmp_path):
    version_dir = tmp_path / "old" / "v1"
    version_dir.mkdir(parents=True)
    data = parquet_bytes(_v1_table(["process", "container", "vm", "vm"]), b"1")
    (version_dir / "samples.parquet").write_bytes(data)
    manifest = make_manifest()
    manifest.update(schema_version=1, dataset="old", version="v1",
                    files={"samples.parquet": {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}})
    save_manifest(version_dir, manifest)
    ds = read_dataset(tmp_path / "old")
    assert plain(ds.samples).schema.equals(SAMPLE_SCHEMA)
    assert ds.samples.column("family").to_pylist() == ["physical", "container", "vm", "vm"]
    assert ds.manifest["platforms"]["vm"]["machine"] == "pc"


def test_a_family_that_contradicts_the_platform_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="family.*disagrees.*gvisor=vm"):
        write_version(tmp_path / "x", make_samples(2, platform=["gvisor", "vm"], family=["vm", "vm"]), make_manifest())


def test_new_platforms_are_valid_values():
    from collector.dataset.schema import problems

    table = make_samples(4, platform=["crun", "gvisor", "podman", "microvm"])
    assert problems(table) == []
    assert table.column("family").to_pylist() == ["container", "container", "container", "vm"]
