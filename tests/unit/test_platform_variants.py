"""The platform variants (crun, Podman, gVisor, microvm): registry, families, chart grouping, C8 findings, argv."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.unit.dataset_factory import make_manifest, make_samples  # noqa: E402

from collector.dataset import NOT_APPLICABLE, VARIANTS, family_of, write_version  # noqa: E402
from collector.dataset.families import PLATFORM_NAMES  # noqa: E402


def test_the_registry_is_the_families_table_in_its_order():
    from collector.platforms import PLATFORMS

    assert tuple(PLATFORMS) == PLATFORM_NAMES
    assert [family_of(p) for p in PLATFORMS] == ["physical", "container", "container", "container", "container", "vm", "vm"]


def test_suites_treat_each_variant_as_its_family_deck_platform():
    from collector.suites.base import engine_of, kind

    assert {p: kind(p) for p in PLATFORM_NAMES} == {
        "process": "process", "container": "container", "crun": "container", "podman": "container",
        "gvisor": "container", "vm": "vm", "microvm": "vm"}
    assert engine_of("podman") == "podman" and engine_of("gvisor") == "docker"


def test_charts_group_by_family_and_label_variants_under_their_family():
    from reportgen.i18n.catalogs import translator
    from reportgen.i18n.vocab import platform_label, platform_rank

    shuffled = ["microvm", "gvisor", "process", "vm", "podman", "container", "crun"]
    ordered = sorted(shuffled, key=platform_rank)
    assert ordered == ["process", "container", "crun", "podman", "gvisor", "vm", "microvm"]
    for lang, container, vm in (("en", "Container", "Virtual machine"), ("ko", "컨테이너", "가상서버(VM)")):
        tr = translator(lang)
        for v in VARIANTS:
            label = platform_label(v.name, "tcg", tr)
            if v.family == "container":
                assert label.startswith(container)
            if v.family == "vm":
                # 가상서버(VM, TCG) rather than 가상서버(VM) (TCG); 가상서버(VM) · microvm (TCG)
                assert label.startswith(vm.rstrip(")")) and label.endswith("TCG)") and ") (" not in label


def test_colour_scale_of_the_deck_platforms_is_unchanged_and_variants_are_added_when_drawn():
    from reportgen.charts.base import PLATFORM_COLOURS, colour_scale

    assert colour_scale(["vm", "process"]).to_dict()["domain"] == list(PLATFORM_COLOURS)
    scale = colour_scale(["microvm", "gvisor", "container"]).to_dict()
    assert scale["domain"] == ["process", "container", "vm", "gvisor", "microvm"]
    assert len(set(scale["range"])) == 5


def _build(tmp_path: Path, table: pa.Table):
    from reportgen.commands.build import summarise
    from reportgen.load.datasets import load

    write_version(tmp_path / "ds", table, make_manifest(run={"workload": "busybox", "suites": ["startup"]}))
    return summarise(load([str(tmp_path / "ds")]))


def test_a_suite_that_does_not_apply_says_why_instead_of_a_gap(tmp_path):
    from reportgen.charts.base import PLATFORM_ORDER, gap_notes
    from reportgen.i18n.catalogs import translator

    table = make_samples(4, platform=["process", "container", "vm", "crun"],
                         ok=[True, True, True, False], value=[0.01, 0.3, 3.0, None],
                         error=[None, None, None, NOT_APPLICABLE + "the reason in the dataset"])
    inputs = _build(tmp_path, table)
    for lang, words in (("en", "does not apply"), ("ko", "해당하지 않습니다")):
        notes = gap_notes(inputs["C3"], PLATFORM_ORDER, translator(lang))
        assert any(words in n and "the reason in the dataset" in n and "crun" in n for n in notes), notes


def _probe_rows(image: str) -> pa.Table:
    checks = {"process": {"kernel_release": (1, "6.1.0-host"), "smaps_rollup": (1, "Rss: 1 kB")},
              "container": {"kernel_release": (1, "6.1.0-host"), "smaps_rollup": (1, "Rss: 1 kB")},
              "gvisor": {"kernel_release": (1, "4.4.0"), "smaps_rollup": (0, "No such file or directory")}}
    rows = [(p, c, v, out) for p, cs in checks.items() for c, (v, out) in cs.items()]
    digests = {"process": "sha256:b1", "container": image, "gvisor": image}
    return make_samples(
        len(rows), suite="portability", chart_id="C8", metric="check_ok", unit="count", workload="busybox-portability",
        platform=[r[0] for r in rows], phase=[r[1] for r in rows], value=[float(r[2]) for r in rows],
        detail=[json.dumps({"digest": digests[r[0]], "output": r[3]}) for r in rows])


def test_c8_shows_one_image_on_several_runtimes_of_one_host_and_what_differed(tmp_path):
    from reportgen.i18n.catalogs import translator

    image = "sha256:" + "ab" * 32
    inputs = _build(tmp_path, _probe_rows(image))
    from reportgen.charts.c8_portability import DEFINITION

    data = inputs["C8"]
    tr = translator("en")
    assert DEFINITION.withhold(data, tr) is None  # one host, but one digest on two runtimes: something to compare
    table = DEFINITION.table(data, tr)
    cells = {row.cells[2].text: [c.text for c in row.cells] for row in table.rows}
    gvisor = next(v for k, v in cells.items() if "gVisor" in k)
    assert "smaps_rollup: No such file or directory" in gvisor[-1] and "kernel_release: 4.4.0" in gvisor[-1]
    assert cells["Container"][-1] == "nothing"
    assert "abababababab" in DEFINITION.passage(data, tr)


def test_probe_lines_are_parsed_per_check():
    from collector.workloads.portability_probe import CHECKS, parse_probe, probe_script

    lines = ["VMCBENCH-PROBE kernel_release 0 4.4.0", "noise", "[  1.0] VMCBENCH-PROBE smaps_rollup 1 cat: can't open\r",
             "VMCBENCH-PROBE unknown 0 x"]
    assert parse_probe(lines) == {"kernel_release": (0, "4.4.0"), "smaps_rollup": (1, "cat: can't open")}
    assert all(name in probe_script() for name in CHECKS)
    assert "mount" not in probe_script()  # read-only: the bare process runs it on the host


def test_microvm_argv_has_the_machine_no_pci_disks_and_the_tsc_rate_under_tcg(monkeypatch):
    from collector.platforms import microvm
    from collector.platforms.microvm import MICROVM_MACHINE, MicrovmPlatform

    monkeypatch.setattr(microvm, "host_tsc_khz", lambda: 2596138)
    plat = object.__new__(MicrovmPlatform)
    plat.qemu, plat._tmp = "qemu-system-x86_64", Path("/tmp")
    plat.ctx = SimpleNamespace(vm_memory_mib=256, vm_cpus=1, run_id="r1")
    plat.kernel = SimpleNamespace(vmlinuz="/k/vmlinuz")
    plat.spec = SimpleNamespace(disks=(Path("/d/a.img"),), initrd=Path("/i.cpio"), append="", memory_mib=None)
    argv = plat.argv("tcg", 0, Path("/tmp/p.pid"))
    assert argv[1:3] == ["-M", MICROVM_MACHINE]
    assert "-device" in argv and "virtio-blk-device,drive=d0" in argv
    assert not any("if=virtio" in a for a in argv)
    assert argv[argv.index("-append") + 1].endswith("tsc_early_khz=2596138")
    assert "tsc_early_khz" not in " ".join(plat.argv("kvm", 0, Path("/tmp/p.pid")))


def test_c8_counts_a_not_applicable_row_as_neither_and_names_rows_by_platform_on_one_host(tmp_path):
    from reportgen.charts.c8_portability import DEFINITION
    from reportgen.i18n.catalogs import translator

    image = "sha256:" + "cd" * 32
    probe = _probe_rows(image)
    skipped = make_samples(1, suite="portability", chart_id="C8", metric="check_ok", unit="count",
                           workload="busybox-portability", platform="gvisor", phase="cgroup_fs", ok=False, value=None,
                           error=NOT_APPLICABLE + "no cgroupfs to compare", detail=json.dumps({"digest": image}),
                           sample_id=probe.num_rows + 1)
    data = _build(tmp_path, pa.concat_tables([probe, skipped]))["C8"]
    gvisor = data.summary[data.summary["platform"] == "gvisor"].iloc[0]
    assert gvisor["failures"] == 0 and gvisor["verdict"] == "ran"
    text = DEFINITION.describe(data, translator("en"))
    assert "Container · gVisor sandbox, container image" in text and "· ds" not in text, text


def test_c3_labels_each_deck_claim_once_per_family_and_writes_medians_clear_of_the_bands(tmp_path):
    from reportgen.charts.c3_start_time import DEFINITION
    from reportgen.i18n.catalogs import translator

    platforms = ["process", "container", "crun", "podman", "vm", "microvm"]
    values = {"process": 0.001, "container": 0.2, "crun": 0.18, "podman": 0.08, "vm": 2.0, "microvm": 1.6}
    table = make_samples(len(platforms) * 6, platform=[p for p in platforms for _ in range(6)],
                         value=[values[p] * (1 + i / 100) for p in platforms for i in range(6)],
                         accelerator=["tcg" if p in ("vm", "microvm") else "none" for p in platforms for _ in range(6)])
    spec = DEFINITION.draw(_build(tmp_path, table)["C3"], translator("en")).to_dict()
    rows = [r for data in spec["datasets"].values() for r in data]
    labels = [r["text"] for r in rows if "x2" in r and r.get("text")]
    assert len(labels) == 2 and len([r for r in rows if "x2" in r]) == 5  # five rows in bands, one label per family
    left = {r["platform"]: r["text_left"] for r in rows if "text_left" in r}
    assert left["process"] is False and all(left[p] for p in platforms[1:])


def test_a_chart_with_the_variants_goes_on_slides_in_parts_the_deck_platforms_first():
    import pandas as pd

    from reportgen.charts.base import ChartInput
    from reportgen.charts.slide_parts import slide_parts

    def parts(chart_id: str, platforms: list[str]) -> list[list[str]]:
        data = ChartInput(pd.DataFrame({"platform": platforms, "n": [1] * len(platforms)}), ("ds@v1",))
        return [sorted(p.summary["platform"]) for p in slide_parts(chart_id, data)]

    assert parts("C10", list(PLATFORM_NAMES)) == [
        ["container", "process", "vm"], ["crun", "gvisor", "podman", "process"], ["microvm", "process"]]
    assert parts("C10", ["process", "container", "vm"]) == []  # the deck's three fit one slide
    assert parts("C3", list(PLATFORM_NAMES))[1] == ["crun", "gvisor", "podman", "process"]  # room for its marks
    assert parts("C4", list(PLATFORM_NAMES)) == []  # one row per platform: one slide
    assert parts("C9", ["process", "crun"]) == [["process"], ["crun", "process"]]


def test_the_performance_chart_goes_on_slides_a_benchmark_group_at_a_time():
    import pandas as pd

    from reportgen.charts.base import ChartInput
    from reportgen.charts.c12_performance import METRICS, SLIDE_GROUPS
    from reportgen.charts.slide_parts import slide_parts

    def parts(platforms: list[str]) -> list[tuple[list[str], list[str]]]:
        frame = pd.DataFrame([{"platform": p, "metric": m, "n": 1} for p in platforms for m in METRICS])
        return [(sorted(set(p.summary["platform"])), list(dict.fromkeys(p.summary["metric"])))
                for p in slide_parts("C12", ChartInput(frame, ("ds@v1",)))]

    assert sorted(m for group in SLIDE_GROUPS for m in group) == sorted(METRICS)  # every benchmark on a slide
    deck = parts(["process", "container", "vm"])
    assert [p for p, _ in deck] == [["container", "process", "vm"]] * 3
    assert [m for _, m in deck] == [list(g) for g in SLIDE_GROUPS]
    every = parts(list(PLATFORM_NAMES))
    # the variants of both families share one part (six slides, not nine); marks' shapes tell them apart
    assert len(every) == 2 * len(SLIDE_GROUPS) and every[3][0] == ["crun", "gvisor", "microvm", "podman", "process"]
    assert parts(["process", "container"])[0][1] == list(SLIDE_GROUPS[0])


def test_a_probe_answer_is_shown_without_the_shell_tool_s_prefix_or_runs_of_spaces():
    from reportgen.charts.c8_findings import short_output

    assert short_output("head: /proc/self/smaps_rollup: No such file or directory") == "No such file or directory"
    assert short_output("cat: can't open '/proc/sys/kernel/pid_max': No such file or directory") == "No such file or directory"
    assert short_output("MemTotal:         223632 kB") == "MemTotal: 223632 kB"
    assert short_output("6.1.0-57-cloud-amd64") == "6.1.0-57-cloud-amd64"
