"""The reproduction pipeline: which runs each table needs, params.yaml, dvc.yaml, and the whole
``dvc repro`` at toy size (the ci profile) in a temporary copy of the repository."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grnet.experiments import (
    TRAINING_CODE,
    ParamsError,
    _cli_args,
    cells,
    code_fingerprint,
    config_id,
    distinct_configs,
    load_settings,
    plan,
)
from grnet.paper import TABLES

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params.yaml"
QUOTED_ONLY = {  # Table IX rows quoted from the paper, not run here
    "Two-stream [56]", "Meso-4 [5]", "MesoInception-4 [5]", "HeadPose [3]", "FWA [29]", "VA-MLP [4]",
    "VA-LogReg [4]", "Xception-raw [17]", "Multi-task [57]", "Capsule [53]",
}  # fmt: skip


def test_every_cell_of_the_paper_is_measured_except_averages_and_quoted_rows():
    for number, paper in TABLES.items():
        measured = {(c.row, c.column) for c in cells(number)}
        expected = {
            (row, column)
            for row in paper.row_names
            for column in paper.columns
            if column != "Average" and not (number == 9 and row in QUOTED_ONLY)
        }
        assert measured == expected, number


def _config(planned, table, row, column, seed=7):
    (found,) = [
        p.config
        for p in planned
        if (p.cell.table, p.cell.row, p.cell.column, p.seed) == (table, row, column, seed)
    ]
    return config_id(found)


def test_runs_shared_between_tables_are_one_run():
    planned = plan(load_settings(PARAMS, "mini"))
    assert _config(planned, 1, "GRnet+MTE+AFM", "ACC(Raw)") == _config(planned, 4, "GRnet", "Raw")
    assert _config(planned, 1, "GRnet+MTE+AFM", "ACC(ME5)") == _config(planned, 4, "GRnet", "ME5")
    assert _config(planned, 3, "AFM", "ACC") == _config(planned, 1, "GRnet+MTE+AFM", "ACC(JP60)")
    assert _config(planned, 3, "Sum fusion", "ACC") == _config(planned, 1, "GRnet+MTE", "ACC(JP60)")
    assert _config(planned, 9, "GRnet-LQ", "Celeb-DF [55]") == _config(planned, 7, "GRnet", "LQ")
    assert _config(planned, 9, "Xception-HQ [17]", "Celeb-DF [55]") == _config(
        planned, 7, "XceptionNet [52]", "HQ"
    )
    # ... and different settings are different runs.
    assert _config(planned, 1, "GRnet", "ACC(Raw)") != _config(planned, 1, "GRnet+AFM", "ACC(Raw)")
    assert _config(planned, 4, "GRnet", "Raw") != _config(planned, 5, "GRnet", "Raw")
    assert len(distinct_configs(planned)) < len(planned)


def test_every_profile_plans_its_runs():
    mini, paper, ci = (load_settings(PARAMS, p) for p in ("mini", "paper", "ci"))
    for settings in (mini, paper, ci):
        planned = plan(settings)
        assert {p.cell.table for p in planned} == set(TABLES)
        assert all(Path(p.config.data).parts[:2] == ("data", settings.profile) for p in planned)
    grnet_runs = [p.config for p in plan(paper) if p.config.model == "grnet"]
    assert all(c.model_options["pretrained"] == "imagenet" for c in grnet_runs)
    assert {p.config.image_size for p in plan(paper) if p.config.data.endswith("dfdc")} == {224}
    mte = [p.config for p in plan(mini) if p.config.model_options.get("residual") == "mte"]
    assert mte and all(c.model_options["residual_options"]["radius"] == 2 for c in mte)
    rgb = [p.config for p in plan(mini) if p.config.model_options.get("residual") == "rgb"]
    assert rgb and all("residual_options" not in c.model_options for c in rgb)


def test_bad_params_name_the_file_and_what_was_expected(tmp_path):
    params = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    bad = tmp_path / "params.yaml"
    bad.write_text(yaml.safe_dump({**params, "profile": "huge"}), encoding="utf-8")
    with pytest.raises(ParamsError, match=rf"{bad}.*profile must be one of"):
        load_settings(bad)
    del params["experiments"]["mini"]["datasets"]["dfdc"]
    bad.write_text(yaml.safe_dump(params), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"experiments\.mini\.datasets\.dfdc"):
        load_settings(bad)
    params["experiments"]["mini"]["epoch"] = 3
    bad.write_text(yaml.safe_dump(params), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"unknown key\(s\) \['epoch'\]"):
        load_settings(bad)


def test_dvc_yaml_lists_the_training_code_and_the_profiles_params():
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    experiments = stages["experiments"]
    assert set(TRAINING_CODE) <= set(experiments["deps"])
    assert "data/${profile}" in experiments["deps"]
    assert experiments["params"] == ["profile", "experiments.${profile}"]
    assert stages["data"]["params"] == ["profile", "data.${profile}"]


def test_code_fingerprint_follows_the_training_code(tmp_path):
    for entry in TRAINING_CODE:
        source = REPO / entry
        if source.is_dir():
            shutil.copytree(source, tmp_path / entry, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tmp_path / entry).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, tmp_path / entry)
    before = code_fingerprint(tmp_path)
    assert before == code_fingerprint(REPO)
    with (tmp_path / "grnet" / "fusion.py").open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    assert code_fingerprint(tmp_path) != before


def test_prepare_options_become_flags():
    options = {"compression": "c40", "frames_per_video": 10, "methods": ["A", "B"], "x": True, "y": False}
    assert _cli_args(options) == [
        "--compression", "c40", "--frames-per-video", "10", "--methods", "A", "B", "--x",
    ]  # fmt: skip


def _tool(name: str) -> str | None:
    return shutil.which(
        name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )


@pytest.mark.slow
@pytest.mark.skipif(_tool("dvc") is None or _tool("git") is None, reason="needs dvc and git")
def test_dvc_repro_at_toy_size_writes_every_table_and_a_second_repro_does_nothing(tmp_path):
    # A copy of the repository (the working tree stays clean), switched to the ci profile.
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("grnet", "dvc.yaml", "pyproject.toml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    params = PARAMS.read_text(encoding="utf-8").replace("\nprofile: mini\n", "\nprofile: ci\n")
    assert "\nprofile: ci\n" in params
    (repo / "params.yaml").write_text(params, encoding="utf-8")
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
           "OMP_NUM_THREADS": "1"}  # fmt: skip

    def run(*args: str) -> str:
        done = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    run(_tool("git"), "init", "-q")
    run(_tool("dvc"), "init", "-q")
    run(_tool("dvc"), "config", "cache.type", "hardlink,symlink,copy")  # no second copy of the checkpoints
    try:
        # Up to the tables; the notebook stages (papermill, figures) are exercised by nbval.
        run(_tool("dvc"), "repro", "report")
        check_outputs(repo)
        assert "up to date" in run(_tool("dvc"), "status", "report")
    finally:  # the toy runs' checkpoints still take gigabytes
        shutil.rmtree(repo / "runs", ignore_errors=True)
        shutil.rmtree(repo / ".dvc" / "cache", ignore_errors=True)


def check_outputs(repo: Path) -> None:
    """Every table, with the paper's row labels, its results and the summary page."""
    for number, paper in TABLES.items():
        with (repo / "reports" / "tables" / f"{paper.key}.csv").open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert [r[: len(paper.label_columns)] for r in rows[1:]] == [list(r.labels) for r in paper.rows]
        assert (repo / "reports" / "results" / f"table{number}.json").is_file()
        assert paper.caption in (repo / "reports" / "tables" / f"{paper.key}.md").read_text(encoding="utf-8")
    readme = (repo / "reports" / "README.md").read_text(encoding="utf-8")
    assert "Profile: **ci**" in readme and "## The paper's claims" in readme
    # the ROC curves dvc.yaml plots, one per method of Table VIII
    plots = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["plots"]
    (roc,) = [entry["roc_table8"] for entry in plots if "roc_table8" in entry]
    assert len(roc["y"]) == len(TABLES[8].rows)
    for name in roc["y"]:
        with (repo / name).open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and {"fpr", "tpr"} <= set(rows[0])
        assert float(rows[0]["fpr"]) == 0.0 and float(rows[-1]["tpr"]) == 1.0
