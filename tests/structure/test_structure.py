"""The package structure holds: every module imports on its own, no import cycles, reportgen reads
collector only through the dataset facade and never imports docker, and the suite docs list the
metric catalogue's rows."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from collector.dataset import METRICS, SUITE_NAMES, metrics_of

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("collector", "reportgen")


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.append(".".join(parts))
    return found


def imports_of(module: str) -> list[tuple[str, bool]]:
    """(imported module, at module level?) for every import of `module` that names collector or reportgen."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    type_only = set()
    for node in tree.body:  # `if TYPE_CHECKING:` blocks do not run
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name.split(".")[0] in PACKAGES:
                found.append((name, id(node) in top_level))
    return found


def known(name: str, all_modules: set[str]) -> str | None:
    """The module an imported name refers to (a module itself, or the module that defines the name)."""
    while name and name not in all_modules:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_imports_on_its_own_in_a_fresh_interpreter(package: str) -> None:
    """One interpreter per module, so an import that only works after another module was imported fails here."""
    mods = [m for m in modules() if m.split(".")[0] == package]

    def try_import(module: str) -> str:
        r = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=ROOT, timeout=300)
        return "" if r.returncode == 0 else f"{module}: {(r.stderr.strip().splitlines() or ['?'])[-1]}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        bad = [line for line in pool.map(try_import, mods) if line]
    assert bad == []


def module_graph() -> dict[str, set[str]]:
    all_modules = set(modules())
    graph: dict[str, set[str]] = {}
    for module in all_modules:
        deps = set()
        for name, top in imports_of(module):
            target = known(name, all_modules)
            if top and target and target != module and not module.startswith(target + "."):
                deps.add(target)
        graph[module] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_modules() -> None:
    """A package's __init__ importing its own modules is not a cycle; anything else that loops is."""
    graph = module_graph()
    # a package importing its submodules, and those importing the package's other submodules, is the registry pattern
    for module, deps in graph.items():
        graph[module] = {d for d in deps if not d.startswith(module + ".")}
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_reportgen_reads_collector_only_through_the_dataset_facade_and_never_imports_docker() -> None:
    offenders = []
    for module in modules():
        if not module.startswith("reportgen"):
            continue
        for name, _ in imports_of(module):
            if name.startswith("collector") and name not in ("collector.dataset",) and not name.startswith("collector.dataset.") :
                offenders.append(f"{module}: {name}")
            if name.startswith("collector.dataset.") and name.rpartition(".")[0] != "collector.dataset":
                offenders.append(f"{module}: {name}")
        text = (ROOT / (module.replace(".", "/") + ".py")).read_text() if (ROOT / (module.replace(".", "/") + ".py")).exists() else ""
        if re.search(r"^\s*(import docker|from docker)", text, re.M):
            offenders.append(f"{module}: docker")
    facade = set(__import__("collector.dataset", fromlist=["__all__"]).__all__)
    for module in modules():
        if module.startswith("reportgen"):
            for name, _ in imports_of(module):
                if name.startswith("collector.dataset.") and name.rpartition(".")[2] not in facade:
                    offenders.append(f"{module}: {name} (not in collector.dataset.__all__)")
    assert offenders == []


def test_no_module_is_over_400_lines_and_no_package_root_has_more_than_8_loose_modules() -> None:
    long = [f"{p.relative_to(ROOT)} ({n})" for package in PACKAGES for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert long == []
    crowded = []
    for package in PACKAGES:
        for folder in [ROOT / package, *[d for d in (ROOT / package).rglob("*") if (d / "__init__.py").exists()]]:
            loose = [p for p in folder.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
            if folder.parent == ROOT and len(loose) > 8:
                crowded.append(f"{folder.name}: {len(loose)}")
    assert crowded == []


def doc_metrics(suite: str) -> set[tuple[str, str]]:
    """(metric, unit) of every row of the tables in docs/suites/<suite>.md that have metric and unit columns."""
    text = (ROOT / "docs" / "suites" / f"{suite}.md").read_text(encoding="utf-8")
    found: set[tuple[str, str]] = set()
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.strip("`") for c in cells]
            continue
        if set(cells) <= {""} or all(set(c) <= set("-: ") for c in cells):
            continue
        if "metric" in header and "unit" in header:
            metric, unit = cells[header.index("metric")].strip("`"), cells[header.index("unit")].strip("`")
            found.add((metric, unit))
    return found


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_every_suite_page_lists_exactly_the_catalogued_metrics(suite: str) -> None:
    assert (ROOT / "docs" / "suites" / f"{suite}.md").exists(), f"docs/suites/{suite}.md is missing"
    assert doc_metrics(suite) == {(m.name, m.unit) for m in metrics_of(suite)}


def test_every_registered_suite_is_in_the_catalogue_and_every_metric_has_a_chart() -> None:
    from collector.suites import SUITES

    assert set(SUITES) == set(SUITE_NAMES)
    for suite in SUITES.values():
        assert suite.charts == tuple(dict.fromkeys(m.chart_id for m in METRICS if m.suite == suite.name))
    from reportgen.charts import registered

    drawn = {c.chart_id for c in registered()}
    assert {m.chart_id for m in METRICS} <= drawn
