"""C8: portability (slide 12): hosts x image digest x ran-ok, from datasets of several hosts given to one build.

Every dataset's manifest names what each platform ran (`artifacts`: the
container image id, the VM's initramfs, the bare process's binary, each by
digest); reportgen's loader puts that digest on every row of the run's own
workload (`artifact`), with the host's id and a short description. C8 counts
per host and digest the samples that ran ok and those that failed, over
every suite. A digest that ran ok on several hosts is the deck's claim
measured: the same image, unchanged, on different machines.

With one host only, a one-row "matrix" would claim nothing: the chart is
withheld with a note saying so, and the table lists what ran there.
"""

from __future__ import annotations


import altair as alt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from reportgen.charts.common import series_list
from collector.dataset import NOT_APPLICABLE, categorical_frame, deck_platform_of, on_texts, texts_in
from reportgen.i18n.vocab import platform_rank
from reportgen.charts.base import ChartDef, ChartInput, register, row_label
from reportgen.charts.c8_findings import findings_of
from reportgen.load.summaries import parse_detail
from reportgen.charts import c8_verdict

KEYS = ("dataset", "host_id", "host_name", "host_label", "platform", "accelerator", "artifact")
ARTIFACT_KINDS: dict[str, str] = {
    "container": N_("container image"),
    "vm": N_("VM initramfs"),
    "process": N_("process binary"),
}
VERDICTS: dict[str, str] = {"ran": N_("ran"), "mixed": N_("ran, with failures"), "failed": N_("failed")}
VERDICT_COLOURS = {"ran": "#1b8a6b", "mixed": "#e0a526", "failed": "#c0392b"}

CELL_WIDTH = 150
ROW_HEIGHT = 40
MAX_HOST_ROWS = 12
"""More hosts than this (a fleet): one row per set-up (CPU, OS, kernel, engines), counting its hosts."""


def summarise(samples: pa.Table) -> pd.DataFrame:
    columns = [*KEYS, "setup", "n", "failures", "errors", "suites", "verdict", "findings"]
    probe = texts_in(samples["chart_id"], ["C8"])
    # a 'not applicable' row says a measurement does not apply to a platform; the platform ran fine, so it is
    # neither a success nor a failure of running the image
    applicable = pc.invert(pc.fill_null(on_texts(samples["error"], lambda t: pc.starts_with(t, NOT_APPLICABLE)), False))
    mask = pc.and_(pc.and_(pc.invert(samples["warmup"]), pc.or_(pc.is_valid(samples["artifact"]), probe)), applicable)
    table = samples.filter(mask).select([*KEYS, "suite", "ok", "error", "chart_id", "metric", "phase", "value",
                                         "detail"])
    if table.num_rows == 0:
        return pd.DataFrame(columns=columns)
    probe = texts_in(table["chart_id"], ["C8"])  # the probe's rows name the artifact they ran in their detail
    probe_rows = table.filter(probe)
    digests = on_texts(probe_rows["detail"], lambda texts: pa.array(
        [_digest(parse_detail(t)) for t in texts.to_pylist()], pa.string()))
    probe_rows = probe_rows.set_column(probe_rows.schema.get_field_index("artifact"), "artifact",
                                       pc.dictionary_encode(digests))
    table = pa.concat_tables([table.filter(pc.invert(probe)), probe_rows], promote_options="permissive")
    table = table.filter(pc.is_valid(table["artifact"]))
    if table.num_rows == 0:
        return pd.DataFrame(columns=columns)
    probe_rows = table.filter(texts_in(table["chart_id"], ["C8"]))
    findings = findings_of(probe_rows.select(["dataset", "platform", "phase", "metric", "ok", "value", "detail"])
                           .to_pandas().astype({"dataset": object, "platform": object, "phase": object,
                                                "metric": object, "detail": object}))
    frame = categorical_frame(table.select([*KEYS, "suite", "ok", "error"]))
    keys = list(KEYS)
    summary = frame.groupby(keys, sort=True, dropna=False).agg(n=("ok", "sum"), total=("ok", "size")).reset_index()
    # the suites and error texts of each group, from its distinct (group, text) pairs: few, however many rows
    for name, texts in (("suites", frame[[*keys, "suite"]]), ("errors", frame.loc[frame["error"].notna(), [*keys, "error"]])):
        distinct = texts.drop_duplicates()
        column = distinct.columns[-1]
        found = distinct.groupby(keys, sort=False, dropna=False, observed=True)[column].agg(
            lambda s: tuple(sorted({str(e) for e in s if isinstance(e, str) and e})))
        summary = summary.merge(found.rename(name).reset_index().astype({k: object for k in keys}),
                                on=keys, how="left") if len(found) else summary.assign(**{name: None})
        summary[name] = [v if isinstance(v, tuple) else () for v in summary[name]]
    summary = summary.astype({k: object for k in keys})
    summary["n"] = summary["n"].astype(int)
    summary["failures"] = summary["total"] - summary["n"]
    summary["verdict"] = [
        "ran" if f == 0 else "mixed" if n > 0 else "failed" for n, f in zip(summary["n"], summary["failures"])
    ]
    summary["setup"] = [setup(h, name) for h, name in zip(summary["host_id"], summary["host_name"])]
    summary["findings"] = [findings.get((d, p), ()) for d, p in zip(summary["dataset"], summary["platform"])]
    return summary[columns].astype({key: object for key in KEYS})


def _digest(detail: dict) -> str | None:
    value = detail.get("digest")
    return value if isinstance(value, str) else None


def setup(host_id: str, name: str) -> str:
    """What counts as one host here: a host id, or one machine's set-ups told apart by the name the collector
    was given (`--host-label`: a second Docker daemon, another accelerator setting)."""
    return str(host_id) if name == host_id else f"{host_id} ({name})"


def _ordered(frame: pd.DataFrame, datasets: tuple[str, ...]) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(
        _d=frame["dataset"].map({d: i for i, d in enumerate(datasets)}),
        _p=frame["platform"].map(platform_rank),
    ).sort_values(["_d", "_p", "artifact"], kind="stable").drop(columns=["_d", "_p"])


def _hosts(data: ChartInput) -> list[str]:
    return sorted(set(data.summary["setup"])) if not data.summary.empty else []


def short(digest: str) -> str:
    """The first 12 hex digits of a digest, as `docker images` shows an image id."""
    return str(digest).split(":")[-1][:12]


def _column(r: dict, tr: Translator) -> str:
    return tr("{kind} {digest}").format(kind=tr(ARTIFACT_KINDS.get(deck_platform_of(str(r["platform"])), str(r["platform"]))),
                                        digest=short(str(r["artifact"])))


def _host(r: dict, tr: Translator | None = None) -> str:
    """A grid row: the host and dataset, and the platform when one digest ran on several platforms there."""
    if tr is not None and r.get("_by_platform") and r.get("_one_dataset"):
        return row_label(r, tr, False)  # one host and dataset (the table and the passage name it): the platform says the rest
    name = r["host_name"] if r["host_name"] != r["host_id"] else str(r["host_id"])[:12]
    text = f"{name} · {r['dataset']}"
    return f"{text} · {row_label(r, tr, False)}" if tr is not None and r.get("_by_platform") else text


def _shared_here(frame: pd.DataFrame) -> pd.Series:
    """Per row: whether its digest ran on more than one platform in its own dataset (one host, several runtimes)."""
    if frame.empty:
        return pd.Series([], dtype=bool)
    counts = frame.groupby(["dataset", "artifact"])["platform"].transform("nunique")
    return counts > 1


def _by_setup(frame: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """A fleet's grid: per set-up and thing run, how many of its hosts ran it cleanly."""
    rows = []
    for (label, platform, artifact), g in frame.groupby(["host_label", "platform", "artifact"], sort=True):
        hosts = g["setup"].nunique()
        ran = g.loc[g["verdict"] == "ran", "setup"].nunique()
        failed = g.loc[g["verdict"] == "failed", "setup"].nunique()
        rows.append({
            "host": tr("{setup} · {n} hosts").format(setup=label, n=tr.integer(hosts)), "platform": platform,
            "artifact": artifact, "hosts": hosts, "ran": ran, "n": int(g["n"].sum()), "failures": int(g["failures"].sum()),
            "verdict": "ran" if ran == hosts else "failed" if failed == hosts else "mixed",
            "text": tr("{ran} of {n} hosts ran").format(ran=tr.integer(ran), n=tr.integer(hosts)),
        })
    return pd.DataFrame(rows)


def withhold(data: ChartInput, tr: Translator) -> str | None:
    hosts = _hosts(data)
    if len(hosts) >= 2 or bool(_shared_here(data.summary).any()):
        return None
    label = data.summary["host_label"].iloc[0] if not data.summary.empty else "—"
    return tr(
        "Only one host ({host}: {label}) is in this build, so there is nothing to compare: portability needs "
        "datasets from several hosts given to one build (reportgen build A B). The table lists what ran on "
        "this host."
    ).format(host=hosts[0] if hosts else "—", label=label)


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = _ordered(data.summary, data.datasets).copy()
    if len(_hosts(data)) > MAX_HOST_ROWS:
        frame = _by_setup(frame, tr)
    else:
        frame["_by_platform"] = bool(_shared_here(frame).any())
        frame["_one_dataset"] = frame["dataset"].nunique() == 1
        frame["host"] = [_host(r, tr) for r in frame.to_dict("records")]
        frame["text"] = [
            tr("{ok} ok, {failed} failed").format(ok=tr.integer(n), failed=tr.integer(f)) if f
            else tr("{ok} ok").format(ok=tr.integer(n))
            for n, f in zip(frame["n"], frame["failures"])
        ]
    frame["column"] = [_column(r, tr) for r in frame.to_dict("records")]
    frame["verdict_label"] = [tr(VERDICTS[v]) for v in frame["verdict"]]
    columns = list(dict.fromkeys(frame["column"]))
    hosts = list(dict.fromkeys(frame["host"]))
    verdicts = [v for v in VERDICTS if v in set(frame["verdict"])]
    x = alt.X("column:N", sort=columns, title=None, axis=alt.Axis(
        orient="top", labelAngle=0, labelLimit=CELL_WIDTH, labelFontSize=10, labelPadding=16,
        # kind over digest, in two lines, so neighbouring columns never run into each other
        labelExpr="[slice(datum.label, 0, lastindexof(datum.label, ' ')), slice(datum.label, lastindexof(datum.label, ' ') + 1)]"))
    y = alt.Y("host:N", sort=hosts, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=10.5))
    base = alt.Chart(frame[["column", "host", "verdict_label", "text"]])
    cells = base.mark_rect(stroke="white", strokeWidth=3).encode(
        x=x, y=y,
        color=alt.Color("verdict_label:N", sort=[tr(VERDICTS[v]) for v in verdicts], scale=alt.Scale(
            domain=[tr(VERDICTS[v]) for v in verdicts], range=[VERDICT_COLOURS[v] for v in verdicts]),
            legend=alt.Legend(title=None, orient="bottom", symbolType="square")),
    )
    labels = base.mark_text(fontSize=10.5, color="white", fontWeight=700).encode(x=x, y=y, text="text:N")
    return alt.layer(cells, labels).properties(width=CELL_WIDTH * len(columns), height=ROW_HEIGHT * len(hosts))


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = _ordered(data.summary, data.datasets)
    if len(_hosts(data)) > MAX_HOST_ROWS:
        return _setup_table(_by_setup(frame, tr), tr)
    probed = "findings" in frame and bool((frame["suites"].map(lambda s: "portability" in s)).any())
    keys = ("host", "dataset", "platform", "artifact", "suites", "n", "failures", "verdict",
            *(("findings",) if probed else ()))
    header = {
        "host": tr("Host"), "dataset": tr("Dataset"), "platform": tr("Platform"), "artifact": tr("What ran (digest)"),
        "suites": tr("Suites"), "n": tr("Samples ok"), "failures": tr("Samples failed"), "verdict": tr("Ran?"),
        "findings": tr("What differed (portability probe)"),
    }
    out = []
    for r in frame.to_dict("records"):
        cells = {
            "host": Cell(f"{r['host_name']} ({r['host_id']})" if r["host_name"] != r["host_id"] else str(r["host_id"])),
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "artifact": Cell(tr("{kind} {digest}").format(
                kind=tr(ARTIFACT_KINDS.get(deck_platform_of(str(r["platform"])), str(r["platform"]))),
                digest=short(str(r["artifact"])))),
            "suites": Cell(", ".join(r["suites"])),
            "n": Cell(tr.integer(r["n"]), float(r["n"])),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
            "verdict": Cell(tr(VERDICTS[str(r["verdict"])])),
            "findings": Cell("; ".join(r.get("findings") or ()) or (
                tr("nothing") if "portability" in r["suites"] else "—")),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "host_id", "platform", "accelerator", "artifact"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Per host and per thing run (identified by its digest, shortened to 12 hex digits; the full digests "
            "are listed under Provenance): the suites that ran it, and how many samples succeeded and failed "
            "(warm-up runs left out)."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def _setup_table(frame: pd.DataFrame, tr: Translator) -> DataTable:
    keys = ("host", "artifact", "hosts", "ran", "n", "failures", "verdict")
    rows = tuple(Row((
        Cell(str(r["host"])), Cell(_column(r, tr)), Cell(tr.integer(r["hosts"]), float(r["hosts"])),
        Cell(tr.integer(r["ran"]), float(r["ran"])), Cell(tr.integer(r["n"]), float(r["n"])),
        Cell(tr.integer(r["failures"]), float(r["failures"])), Cell(tr(VERDICTS[str(r["verdict"])])),
    ), (("platform", str(r["platform"])), ("artifact", str(r["artifact"])))) for r in frame.to_dict("records"))
    return DataTable(
        caption=tr("Per set-up (CPU, OS, kernel, engine versions) and thing run: how many of its hosts ran it "
                   "without failures, and the samples that succeeded and failed (warm-up runs left out)."),
        columns=(tr("Set-up"), tr("What ran (digest)"), tr("Hosts"), tr("Hosts that ran it cleanly"),
                 tr("Samples ok"), tr("Samples failed"), tr("Ran?")),
        keys=keys, rows=rows,
    )


def describe(data: ChartInput, tr: Translator) -> str:
    frame = _ordered(data.summary, data.datasets).copy()
    if len(_hosts(data)) > MAX_HOST_ROWS:
        frame = _by_setup(frame, tr)
        return tr(
            "Grid of set-ups (rows, each with its number of hosts) against what was run, by digest (columns); each "
            "cell says how many of the set-up's hosts ran it without failures: {values}."
        ).format(values="; ".join(f"{r['host']}, {_column(r, tr)}: {r['text']}" for r in frame.to_dict("records")))
    frame["_by_platform"] = bool(_shared_here(frame).any()) if not frame.empty else False
    frame["_one_dataset"] = frame["dataset"].nunique() == 1 if not frame.empty else False
    parts = [
        tr("{host}, {column}: {verdict}").format(host=_host(r, tr), column=_column(r, tr), verdict=tr(VERDICTS[r["verdict"]]))
        for r in frame.to_dict("records")
    ]
    return tr(
        "Grid of hosts (rows) against what was run, by digest (columns); each cell says whether it ran on that "
        "host, with the counts of samples that succeeded and failed: {values}."
    ).format(values="; ".join(parts))


def passage(data: ChartInput, tr: Translator) -> str:
    frame = _ordered(data.summary, data.datasets)
    hosts = _hosts(data)
    if len(hosts) < 2 and bool(_shared_here(frame).any()):
        return _one_host_runtimes(frame, tr)
    if len(hosts) < 2:
        ran = frame[(frame["platform"] == "container") & (frame["n"] > 0)]
        return tr(
            "Measured on one host only{image}: the deck's claim that an image carries its libraries and "
            "dependencies to any host (slide 12) needs a second host to test."
        ).format(image=tr(", where container image {digest} ran").format(digest=short(ran.iloc[0]["artifact"]))
                 if not ran.empty else "")
    texts = []
    for platform in ("container", "vm", "process"):
        mine = frame[frame["platform"] == platform]
        if mine.empty:
            continue
        kind = tr(ARTIFACT_KINDS[platform])
        digests = list(dict.fromkeys(mine["artifact"]))
        shared = [d for d in digests if mine.loc[mine["artifact"] == d, "setup"].nunique() >= 2]
        for digest in shared:
            rows_ = mine[mine["artifact"] == digest]
            ok_hosts = sorted(set(rows_.loc[rows_["verdict"] == "ran", "setup"]))
            bad_hosts = sorted(set(rows_.loc[rows_["verdict"] != "ran", "setup"]))
            all_hosts = sorted(set(rows_["setup"]))
            text = tr("The same {kind} {digest} ran without failures on {ok} of {n} hosts").format(
                kind=kind, digest=short(digest), ok=tr.integer(len(ok_hosts)), n=tr.integer(len(all_hosts)))
            if bad_hosts:
                text += "; " + tr("it had failures on {hosts}").format(hosts=series_list(tr, bad_hosts))
            texts.append(text + ".")
        if not shared:
            texts.append(tr("Each host ran its own {kind} ({digests}): no single {kind} was carried between hosts "
                            "here.").format(kind=kind, digests=", ".join(short(d) for d in digests)))
    containers = frame[frame["platform"] == "container"]
    moved = [d for d in dict.fromkeys(containers["artifact"]) if containers.loc[containers["artifact"] == d, "setup"].nunique() >= 2]
    carried = containers[containers["artifact"].isin(moved)]
    if not moved:
        texts.append(tr("So this build does not show one container image moving between hosts (slide 12); give "
                        "datasets in which the hosts ran the same image."))
    if frame.drop_duplicates("setup")["host_label"].nunique() == 1:
        texts.append(tr("The {n} hosts have the same CPU, OS, kernel and engine versions ({label}): this shows the "
                        "image running on several machines alike, not across different set-ups.").format(
            n=tr.integer(len(hosts)), label=frame["host_label"].iloc[0]))
    if moved:
        ran = carried.loc[carried["verdict"] != "failed", "setup"].nunique()
        return c8_verdict.on_hosts(int(ran), int(carried["setup"].nunique()), " ".join(texts), tr)
    return " ".join(texts)


def _one_host_runtimes(frame: pd.DataFrame, tr: Translator) -> str:
    """One host, one image on several runtimes and engines: which ran it, and what the probe saw differ."""
    shared = frame[_shared_here(frame)]
    texts = []
    ran_on, tried = 0, 0
    for digest in dict.fromkeys(shared["artifact"]):
        rows = shared[shared["artifact"] == digest]
        records = rows.to_dict("records")
        ran = [row_label(r, tr, False) for r in records if r["verdict"] != "failed"]  # ran, if not every time
        mixed = [row_label(r, tr, False) for r in records if r["verdict"] == "mixed"]
        not_ran = [row_label(r, tr, False) for r in records if r["verdict"] == "failed"]
        kind = tr(ARTIFACT_KINDS.get(deck_platform_of(str(rows.iloc[0]["platform"])), str(rows.iloc[0]["platform"])))
        text = tr("On this host the same {kind} {digest} ran on {platforms}").format(
            kind=kind, digest=short(digest), platforms=series_list(tr, ran) or "—")
        if mixed:
            text += "; " + tr("some of its measurements failed on {hosts} (the grid counts them)").format(
                hosts=series_list(tr, mixed))
        if not_ran:
            text += "; " + tr("it did not run on {hosts}").format(hosts=series_list(tr, not_ran))
        texts.append(text + ".")
        if deck_platform_of(str(rows.iloc[0]["platform"])) == "container":  # the claim is the image's
            ran_on, tried = ran_on + len(ran), tried + len(ran) + len(not_ran)
    checks: dict[str, list[str]] = {}  # per platform (a VM ran two initramfs: said once), the checks that differed
    for r in frame.to_dict("records"):
        for finding in r.get("findings") or ():
            names, check = checks.setdefault(row_label(r, tr, False), []), finding.split(":")[0]
            if check not in names:
                names.append(check)
    differed = [f"{label} ({', '.join(names)})" for label, names in checks.items()]  # the answers are in the table
    if differed:
        texts.append(tr("The image ran unchanged, but what it saw differed: {items}. That is the limit of the deck's "
                        "compatibility claim (slide 12): the image carries its files, not the kernel under it.").format(
            items="; ".join(differed)))
    saw_other = len({r["platform"] for r in frame.to_dict("records")
                     if r.get("findings") and deck_platform_of(str(r["platform"])) == "container"})
    return c8_verdict.on_runtimes(ran_on, tried, " ".join(texts), tr, min(saw_other, tried)) if tried else " ".join(texts)


DEFINITION = register(
    ChartDef(
        chart_id="C8",
        title=N_("Portability: the same image on several runtimes and hosts"),
        caption=N_(
            "Each platform on each host (rows) against what it ran, identified by digest (columns): a container "
            "image, a VM's initramfs, the bare process's binary. A cell says whether it ran there, counting the "
            "samples that succeeded and failed over every suite (slide 12: libraries and dependencies travel "
            "inside the image)."
        ),
        no_data=N_(
            "Nothing to compare: no dataset in {datasets} names the digests of what it ran, so this chart is not "
            "drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
        withhold=withhold,
    )
)
