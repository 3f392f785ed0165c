"""The experiment notebooks render what the results show, whatever they show: run on results whose
numbers are altered (in every table the best and the worst row of each column swapped; GRnet's two
stream losses and weights swapped), every experiment notebook finishes, and a named sentence of
each renders the altered numbers where on the committed results it renders theirs (the swapped
leader is named, the learned run said to have learned, the overlapping intervals said to
overlap). Each expected sentence is derived here from the result files themselves, not from the
notebook's code (:mod:`grnet.course.results`).

The real and altered runs of a notebook share its tiny training runs (``runs/notebooks``), so the
two outputs differ only by the results read."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "reports"
EXPERIMENT_NOTEBOOKS = (
    "03_residuals_table2",
    "04_attention_fusion_table3",
    "07_training_grnet",
    "08_ablation_table1",
    "09_hff_multiclass_table4",
    "10_hff_binary_table5",
    "11_ff_tables6_7",
    "12_dfdc_table8",
    "13_generalisation_table9",
    "14_paper_vs_reproduction",
    "15_beyond_the_paper",
    "16_lessons",
)
MEASURED = ("mean", "low", "high", "learned")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (REPORTS / "tables" / "table1.json").is_file(), reason="no pipeline results"),
]


def _swap_best_and_worst(table: dict) -> None:
    """In each column, the measured best and worst rows trade their numbers."""
    for column in {c["column"] for c in table["cells"]}:
        cells = sorted(
            (c for c in table["cells"] if c["column"] == column and "mean" in c), key=lambda c: c["mean"]
        )
        if len(cells) > 1:
            worst, best = cells[0], cells[-1]
            for key in MEASURED:
                worst[key], best[key] = best[key], worst[key]


def _swap_stream_losses(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["loss_rgb"], row["loss_gr"] = row["loss_gr"], row["loss_rgb"]
        row["alpha_rgb"], row["alpha_gr"] = row["alpha_gr"], row["alpha_rgb"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def altered(tmp_path_factory) -> Path:
    reports = tmp_path_factory.mktemp("altered") / "reports"
    for part in ("tables", "results"):
        shutil.copytree(REPORTS / part, reports / part)
    for path in (reports / "tables").glob("table*.json"):
        table = json.loads(path.read_text(encoding="utf-8"))
        _swap_best_and_worst(table)
        path.write_text(json.dumps(table), encoding="utf-8")
    _swap_stream_losses(reports / "results" / "histories.csv")
    return reports


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """``run(notebook, reports)``: the notebook executed by papermill on ``reports`` (once per
    pair), as the text of its outputs (streams, Markdown, plain text). An exception fails the
    test that asked."""
    out, done = tmp_path_factory.mktemp("executed"), {}

    def run(notebook: str, reports: Path) -> str:
        key = (notebook, str(reports))
        if key not in done:
            path = out / f"{notebook}-{len(done)}.ipynb"
            papermill.execute_notebook(
                str(REPO / "notebooks" / f"{notebook}.ipynb"),
                str(path),
                parameters={"reports_dir": str(reports)},
                cwd=str(REPO / "notebooks"),
                progress_bar=False,
                kernel_name="python3",
            )
            texts = []
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                for output in cell.get("outputs", []):
                    texts.append("".join(output.get("text", "")))
                    data = output.get("data", {})
                    texts += ["".join(data.get(kind, "")) for kind in ("text/markdown", "text/plain")]
            done[key] = "\n".join(texts)
        return done[key]

    return run


# What a notebook must render, derived from the result files alone ------------------------------


def _cells(reports: Path, number: int) -> dict[tuple[str, str], dict]:
    table = json.loads((reports / "tables" / f"table{number}.json").read_text(encoding="utf-8"))
    return {(c["row"], c["column"]): c for c in table["cells"]}


def _column(reports: Path, number: int, column: str) -> list[dict]:
    return [
        c for (_, col), c in _cells(reports, number).items() if col == column and c.get("mean") is not None
    ]


def _text(c: dict) -> str:
    return f"{c['mean']:.1f}{'' if c['learned'] else '†'} [{c['low']:.1f}, {c['high']:.1f}]"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _leads(reports: Path, number: int, column: str, where: str = "the average") -> str:
    # a lead is read only among the cells that learned (a cell at the majority rate has no place)
    cells = _column(reports, number, column)
    learned = sorted((c for c in cells if c["learned"]), key=lambda c: -c["mean"])
    if not learned:
        return f"No row learned ({where}: all {len(cells)} cells carry a dagger"
    top = learned[0]
    if len(learned) == 1 and len(cells) > 1:
        return f"**{top['row']}** is the only row that learned ({where}: {_text(top)})"
    among = len(learned) < len(cells)
    if any(not _above(top, c) for c in learned[1:]):  # first by mean only
        among_text = f", among the {len(learned)} rows that learned" if among else ""
        return f"**{top['row']}** is first by mean ({where}{among_text}: {_text(top)})"
    if not among:
        return f"**{top['row']}** leads {where} with {_text(top)}"
    return f"**{top['row']}** leads {where} among the {len(learned)} rows that learned, with {_text(top)}"


def _above(c: dict, d: dict) -> bool:
    return c["low"] > d["high"]


def _rate(c: dict) -> str:
    return f" (its chance or majority rate: {c['chance']:.1f} %)" if c.get("chance") is not None else ""


def _comparison(a: dict, b: dict, where: str) -> str:
    # no order read from a cell whose runs did not learn
    if not (a["learned"] or b["learned"]):
        return f"Neither {a['row']} ({_text(a)}) nor {b['row']} ({_text(b)}) learned{_rate(a)}, so {where}"
    if not (a["learned"] and b["learned"]):
        idle, other = (b, a) if a["learned"] else (a, b)
        return (
            f"{idle['row']} ({_text(idle)}) did not learn{_rate(idle)}, so its place against {other['row']} "
            f"in {where} cannot be read; {other['row']} ({_text(other)}) learned."
        )
    for high, low in ((a, b), (b, a)):
        if _above(high, low):
            return f"{high['row']} ({_text(high)}) is above {low['row']} ({_text(low)}) in {where}"
    return f"{a['row']} ({_text(a)}) and {b['row']} ({_text(b)}) overlap in {where}"


def _03(reports: Path) -> str:
    # Table II's MTE against the fixed filters; where the MTE did not learn, no order is read
    cells = _cells(reports, 2)
    mte = cells[("MTE", "ACC")]
    fixed = [cells[(f, "ACC")] for f in ("High pass filter", "SRM filter")]
    if not mte["learned"]:  # which fixed filters learned, which did not
        learned = [f"{f['row']} ({_text(f)})" for f in fixed if f["learned"]]
        idle = [f["row"] for f in fixed if not f["learned"]]
        return (
            f"MTE ({_text(mte)}) did not learn{_rate(mte)}, so its place in Table II cannot be read"
            + (f"; {_joined(learned)} learned" if learned else "")
            + (f"; {_joined(idle)} did not learn either" if idle else "")
            + "."
        )
    lines = [_comparison(f, mte, "Table II") for f in fixed]
    above = [f["row"] for f in fixed if f["learned"] and _above(f, mte)]
    if above:
        verb = "is" if len(above) == 1 else "are"
        lines.append(f"**The reverse of the paper's order**: {_joined(above)} {verb} above the MTE")
    return "\n".join(lines)


def _04(reports: Path) -> str:
    with (reports / "results" / "histories.csv").open(newline="", encoding="utf-8") as f:
        last = {row["run"]: row for row in csv.DictReader(f)}  # each run's last epoch
    with (REPORTS / "results" / "runs.csv").open(newline="", encoding="utf-8") as f:
        runs = list(csv.DictReader(f))
    low = [
        float(last[r["run"]]["alpha_gr"])
        for r in runs
        if r["model"] == "grnet"
        and json.loads(r["model_options"]).get("fusion") == "afm"
        and json.loads(r["model_options"]).get("residual") == "mte"
        and (r["postprocess"] in ("jpeg:60", "mean:5") or r["dataset"] == "ffpp_c40")
        and r["learned"] == "True"  # the runs that did not learn are left out of the share
    ]
    rgb = sum(a < 0.5 for a in low)
    share = "all" if rgb == len(low) else f"none of the {len(low)}" if not rgb else f"{rgb} of {len(low)}"
    return f"Low-quality GRnet runs whose RGB stream ends with the larger weight (alpha_gr < 0.5): {share}"


def _07(reports: Path) -> str:
    from grnet.course.results import find_run, history  # the run's name from runs.csv (not altered)

    run = find_run(REPORTS, "grnet", "hff", "multiclass", residual="mte", fusion="afm").run
    last = history(reports, run)[-1]
    lower, higher = ("residual", "RGB") if last["loss_gr"] < last["loss_rgb"] else ("RGB", "residual")
    low, high = sorted((last["loss_gr"], last["loss_rgb"]))
    heavier = "residual" if last["alpha_gr"] > last["alpha_rgb"] else "RGB"
    curve = ", ".join(f"{100 * h['val_acc']:.1f}" for h in history(reports, run))
    return (
        f"In epoch {last['epoch']:.0f}, the {lower} stream's loss ({low:.3f}) is below the {higher} stream's "
        f"({high:.3f}), and the AFM gives the {heavier} stream the larger weight\n"
        f"Validation accuracy per epoch: {curve} %."
    )


def _08(reports: Path) -> str:
    cells = _cells(reports, 1)
    raw = {r: cells[(r, "ACC(Raw)")] for r in ("GRnet+MTE", "GRnet+MTE+AFM", "GRnet", "GRnet+AFM")}
    # only pairs whose two variants learned say anything about the MTE
    pairs = [
        (a, b)
        for a in ("GRnet+MTE", "GRnet+MTE+AFM")
        for b in ("GRnet", "GRnet+AFM")
        if raw[a]["learned"] and raw[b]["learned"]
    ]
    apart = [f"{a} over {b}" for a, b in pairs if _above(raw[a], raw[b])]
    head = (
        "Raw images, among the pairs whose two variants learned, the one with the MTE above the one "
        "without it, intervals apart: "
    )
    n = len(pairs)
    if not pairs:
        share = head + "nothing measured"
    elif len(apart) == n:
        share = head + f"all {n}"
    else:
        share = head + (f"{len(apart)} of {n}, {_joined(apart)};" if apart else f"none of the {n}")
    expected = "*the MTE to help clearly on raw images, whose pixel-level traces the guided residual keeps*: "
    if not pairs:  # no pair of variants that both learned: nothing about the MTE is measured
        return f"{share}\n{expected}**not measured** (no pair with and without the MTE learned on raw images"
    met = "**met**" if len(apart) == n else "**missed**"
    return f"{share}\n{expected}{met} ({len(apart)} of the {n} pairs whose two variants learned apart"


def _09(reports: Path) -> str:
    cells = _cells(reports, 4)
    residual = [cells[(r, "Raw")] for r in ("HighPass [7]", "MISLnet [34]", "AMTENnet [8]", "GRnet")]
    rgb = [
        cells[(r, "Raw")] for r in ("Meso-4 [5]", "MesoInception-4 [5]", "XceptionNet [52]", "Capsule [53]")
    ]
    return (
        f"{_leads(reports, 4, 'Average')}\n*the residual detectors ahead of the RGB networks on raw "
        f"images*: {_ahead(residual, rgb)} (Table IV's raw column"
    )


def _10(reports: Path) -> str:
    cells = _column(reports, 5, "Raw")
    above = [c["row"] for c in cells if c["low"] > c["chance"] + 1e-9]
    rate = f"{cells[0]['chance']:.1f} %"
    head = f"Accuracy under Raw, above the chance or majority rate ({rate}) with the whole interval: "
    # and how many of Table V's cells rest on runs that learned, naming the others (the swap moves them)
    ran = [c for c in _cells(reports, 5).values() if c.get("mean") is not None]
    missed = [f"{c['row']} ({c['column']})" for c in ran if not c["learned"]]
    learned = f"{len(ran) - len(missed)} of {len(ran)} measured cells rest on runs that learned" + (
        f"; not: {', '.join(missed)}" if missed else ""
    )
    if not above:
        return f"{head}none of the {len(cells)}.\n{learned}"
    if len(above) == len(cells):
        return f"{head}all {len(cells)} (\n{learned}"
    return f"{head}{len(above)} of {len(cells)}, {_joined(above)};\n{learned}"


def _expectation(expected: str, met: bool) -> str:
    return f"*{expected}*: **{'met' if met else 'missed'}**"


def _ahead(residual: list[dict], rgb: list[dict]) -> str:
    """The residual detectors against the RGB networks, pair by pair among the cells that learned
    (grnet.course.results.ahead_reading; notebooks 11 and 12)."""
    pairs = [(a, b) for a in residual if a["learned"] for b in rgb if b["learned"]]
    if any(_above(b, a) for a, b in pairs):
        return "**missed**"
    if not pairs:
        return "**not measured**"
    return "**met**" if all(_above(a, b) for a, b in pairs) else "**not resolved**"


def _11(reports: Path) -> str:
    grnet = _cells(reports, 6)[("GRnet", "LQ")]
    learned = "**learned**" if grnet["learned"] else "**did not learn**"
    cells6, cells7 = _cells(reports, 6), _cells(reports, 7)
    # read only from the detectors that learned at HQ (one at the majority rate has nothing to lose),
    # the others named not measured
    hq = {r: c for (r, col), c in cells6.items() if col == "HQ" and c.get("mean") is not None}
    rows6 = sorted(r for r, c in hq.items() if c["learned"])
    stuck6 = [r for r, c in hq.items() if not c["learned"]]
    # by the two cells' intervals: lower, higher (missed), or overlapping (not resolved)
    lower6 = [r for r in rows6 if _above(cells6[(r, "HQ")], cells6[(r, "LQ")])]
    higher6 = [r for r in rows6 if _above(cells6[(r, "LQ")], cells6[(r, "HQ")])]
    overlap6 = len(rows6) - len(lower6) - len(higher6)
    what = "*Table VI: LQ below HQ for every detector*: "
    the = "the one" if len(rows6) == 1 else f"the {len(rows6)}"
    if not rows6:
        lq_line = what + "**not measured**"
    elif not stuck6 and not overlap6:
        lq_line = _expectation("Table VI: LQ below HQ for every detector", not higher6)
    elif higher6:
        lq_line = f"{what}**missed** for {len(higher6)} of {the} that learned at HQ"
    elif overlap6:
        lq_line = f"{what}**not resolved** for {overlap6} of {the} that learned at HQ"
    else:
        lq_line = f"{what}**met** for {the} that learned at HQ"
    # GRnet among the leaders and the residual detectors against the RGB networks: learned cells only
    average7 = {c["row"]: c for c in _column(reports, 7, "Average")}
    learned7 = [c for c in average7.values() if c["learned"]]
    grnet7 = average7["GRnet"]
    if grnet7["learned"]:
        top = max(learned7, key=lambda c: c["mean"])
        leads = top["row"] == "GRnet" or not _above(top, grnet7)
        among = _expectation("Table VII: GRnet among the leaders of the average", leads)
    else:
        among = "*Table VII: GRnet among the leaders of the average*: **not measured**"
    residual = [average7[r] for r in ("HighPass [7]", "MISLnet [34]", "AMTENnet [8]", "GRnet")]
    rgb = [average7[r] for r in ("Meso-4 [5]", "MesoInception-4 [5]", "XceptionNet [52]", "Capsule [53]")]
    ahead = _ahead(residual, rgb)
    hq, lq = ({**cells7[("GRnet", q)], "row": f"GRnet at {q}"} for q in ("HQ", "LQ"))
    return "\n".join(
        (
            f"Table VI: GRnet's LQ run {learned}",
            _leads(reports, 7, "Average"),
            _comparison(hq, lq, "accuracy"),
            lq_line,
            f"*Table VII: the residual detectors ahead of the RGB networks*: {ahead}",
            among,
        )
    )


def _12(reports: Path) -> str:
    cells = _cells(reports, 8)
    acc = cells[("XceptionNet [52]", "ACC")]
    if round(acc["low"], 1) <= round(acc["chance"], 1) <= round(acc["high"], 1):  # as printed
        reading = "**XceptionNet [52]'s accuracy sits at the chance rate"
    else:
        side = "above" if acc["mean"] > acc["chance"] else "below"
        reading = f"XceptionNet [52]'s accuracy, {_text(acc)}, is {side}"
    residual = ("HighPass [7]", "MISLnet [34]", "AMTENnet [8]", "GRnet")
    rgb = ("Meso-4 [5]", "MesoInception-4 [5]", "XceptionNet [52]", "Capsule [53]")
    ahead = _ahead([cells[(r, "AUC")] for r in residual], [cells[(r, "AUC")] for r in rgb])
    order = sorted(_column(reports, 8, "AUC"), key=lambda c: -c["mean"])
    return "\n".join(
        (
            reading,
            f"*The residual detectors ahead in AUC*: {ahead}",
            _expectation(
                "The best of them too close for the test split to tell apart", not _above(*order[:2])
            ),
            _leads(reports, 8, "AUC", "Table VIII's AUC"),
        )
    )


def _own_auc(reports: Path, row7: str, quality: str, model: str, dataset: str) -> dict:
    """Notebook 13's own-split AUC: Table VII's AUC column, else runs.csv (mean, intervals' envelope)."""
    cell = _cells(reports, 7).get((row7, f"AUC({quality})"))
    if cell is not None and cell.get("mean") is not None:
        return cell
    with (reports / "results" / "runs.csv").open(newline="", encoding="utf-8") as f:
        seeds = [
            r
            for r in csv.DictReader(f)
            if (r["model"], r["dataset"], r["task"]) == (model, dataset, "binary") and r["auc"]
        ]
    return {
        "mean": sum(float(r["auc"]) for r in seeds) / len(seeds),
        "low": min(float(r["auc_low"]) for r in seeds),
        "high": max(float(r["auc_high"]) for r in seeds),
    }


def _13(reports: Path) -> str:
    cells = _cells(reports, 9)
    rows = {
        "GRnet-HQ": ("GRnet", "HQ", "grnet", "ffpp_c23"),
        "GRnet-LQ": ("GRnet", "LQ", "grnet", "ffpp_c40"),
        "Xception-HQ [17]": ("XceptionNet [52]", "HQ", "xception", "ffpp_c23"),
        "Xception-LQ [17]": ("XceptionNet [52]", "LQ", "xception", "ffpp_c40"),
    }
    own = {name: _own_auc(reports, *key) for name, key in rows.items()}
    cross = {name: cells[(name, "Celeb-DF [55]")] for name in rows}
    lower = [n for n in rows if _above(own[n], cross[n])]
    higher = [n for n in rows if _above(cross[n], own[n])]
    what = "AUC on the Celeb-DF-like test split below the one on its own test split, the intervals apart"
    pattern = "the pattern cross-dataset tests report"
    neither = f"Neither {pattern}"
    if len(lower) == len(rows):
        share, reading = f"{what}: all 4 ({_joined(list(rows))}).", pattern.capitalize()
    elif not lower:
        share = f"{what}: none of the 4."
        reading = f"The opposite of {pattern}" if len(higher) == len(rows) else neither
    else:
        others = [n for n in rows if n not in lower]
        share, reading = (f"{what}: {len(lower)} of 4, {_joined(lower)}; not {_joined(others)}.", neither)
    if reading == neither and higher:
        whose = "its" if len(higher) == 1 else "their"
        reading = (
            f"{neither} (a loss out of the domain) nor its opposite holds for every run "
            f"({_joined(higher)} higher out of {whose} domain)"
        )
    return "\n".join(
        (
            _comparison(
                cells[("GRnet-HQ", "Celeb-DF [55]")], cells[("GRnet-LQ", "Celeb-DF [55]")], "AUC on Celeb-DF"
            ),
            f"{share} {reading}",
        )
    )


def _residuals(reports: Path) -> str:
    """Table II's MTE against the two fixed filters, as notebooks 14, 15 and 16 read it (notebook
    03's reading, :func:`grnet.course.results.table2_sentence`)."""
    return _03(reports)


def _agreement(reports: Path, number: int, roman: str) -> str | None:
    """Notebook 14's tie of a "GRnet has the best average accuracy" claim to its Average column, for
    a claim that holds or does not hold (None otherwise: nothing named to tie back)."""
    table = json.loads((reports / "tables" / f"table{number}.json").read_text(encoding="utf-8"))
    status = table["claims"][0]["ours"]["status"] if table["claims"] else None
    top = max(_column(reports, number, "Average"), key=lambda c: c["mean"])["row"]
    if status == "holds":
        if top == "GRnet":
            return f"Table {roman}'s claim holds, and GRnet tops its Average column: verdict and table agree."
        return (
            f"Table {roman}'s claim holds, but {top} tops its Average column, not GRnet: verdict and table "
            "disagree."
        )
    if status == "does not hold":
        if top != "GRnet":
            return (
                f"Table {roman}'s claim does not hold, and {top} tops its Average column, not GRnet: "
                "verdict and table agree."
            )
        return f"Table {roman}'s claim does not hold, yet GRnet tops its Average column by its mean"
    return None


def _14(reports: Path) -> str:
    ties = (_agreement(reports, n, roman) for n, roman in ((4, "IV"), (5, "V"), (6, "VI"), (7, "VII")))
    return "\n".join([*(t for t in ties if t is not None), _residuals(reports)])


def _15(reports: Path) -> str:
    # both fixed filters against the MTE, as the notebook renders them: the swap of the best and
    # the worst row moves at least one of the two comparisons unless those rows are the other two;
    # and where the MTE ranks in Table II, the expectation the notebook checks
    cells = _cells(reports, 2)
    order = sorted((c for c in _column(reports, 2, "ACC")), key=lambda c: -c["mean"])
    learned = [c["row"] for c in order if c["learned"]]  # a rank is read only among the rows that learned
    mte, where = _text(cells[("MTE", "ACC")]), "Table II's ACC"
    place = learned.index("MTE") + 1 if "MTE" in learned else 0
    nth = f"{place}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(place, 'th') }"
    if len(learned) == len(order):
        rank = f"MTE ranks {nth} of {len(order)} in {where} ({mte})"
    elif len(learned) == 1:
        rank = f"MTE is the only row in {where} that learned ({mte})"
    else:
        rank = f"MTE ranks {nth} in {where} among the {len(learned)} rows that learned ({mte})"
    # the expectation reads the MTE's rank only where its runs learned (no rank at the majority rate)
    return "\n".join([_03(reports), rank] if cells[("MTE", "ACC")]["learned"] else [_03(reports)])


def _16(reports: Path) -> str:
    # the guided residual on raw images (Table I), and Table II's reading
    cells = _cells(reports, 1)
    with_, without = cells[("GRnet+MTE+AFM", "ACC(Raw)")], cells[("GRnet+AFM", "ACC(Raw)")]
    shown = f"{_text(with_)} with it, {_text(without)} without"
    # a pair with a dagger tests nothing (grnet.course.results.effect_sentence)
    idle = [row for row, c in (("GRnet+MTE+AFM", with_), ("GRnet+AFM", without)) if not c["learned"]]
    if idle:
        effect = f"is not tested on raw images ({shown}; not every run of {_joined(idle)} learned)"
    elif _above(with_, without):
        effect = f"helps on raw images ({shown}, the intervals apart)"
    elif _above(without, with_):
        effect = f"hurts on raw images ({shown}, the intervals apart)"
    else:
        effect = f"is not resolved on raw images ({shown}, the intervals overlap)"
    return f"{effect}\n{_residuals(reports)}"


RENDERED = dict(
    zip(EXPERIMENT_NOTEBOOKS, (_03, _04, _07, _08, _09, _10, _11, _12, _13, _14, _15, _16), strict=True)
)


@pytest.mark.parametrize("notebook", EXPERIMENT_NOTEBOOKS)
def test_a_notebook_finishes_on_the_committed_results_and_renders_them(notebook, executed):
    text = executed(notebook, REPORTS)
    for sentence in RENDERED[notebook](REPORTS).splitlines():
        assert sentence in text, f"{notebook}: expected {sentence!r} in its output"


@pytest.mark.parametrize("notebook", EXPERIMENT_NOTEBOOKS)
def test_a_notebook_finishes_on_altered_results_and_renders_what_they_show(notebook, altered, executed):
    real, swapped = RENDERED[notebook](REPORTS).splitlines(), RENDERED[notebook](altered).splitlines()
    assert any(a != b for a, b in zip(real, swapped, strict=True)), (
        f"{notebook}: the alteration changes nothing named"
    )
    text = executed(notebook, altered)
    for before, after in zip(real, swapped, strict=True):
        assert after in text, f"{notebook}: expected {after!r} in its output on the altered results"
        if before != after:
            assert before not in text, f"{notebook}: {before!r} (the committed results) still rendered"
