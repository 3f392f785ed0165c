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

from grnet.cli import main
from grnet.pipeline.experiments import TRAINING_CODE, code_fingerprint
from grnet.pipeline.params import ParamsError, load_settings
from grnet.pipeline.plan import config_id, distinct_configs, plan
from grnet.pipeline.tables import TABLES

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params.yaml"


def _config(planned, table, row, column, seed=7):
    (found,) = [
        p.config
        for p in planned
        if (p.table, p.cell.row, p.cell.column, p.seed) == (table, row, column, seed)
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
        assert {p.table for p in planned} == set(TABLES)
        assert all(Path(p.config.data).parts[:2] == ("data", settings.profile) for p in planned)
    grnet_runs = [p.config for p in plan(paper) if p.config.model == "grnet"]
    assert all(c.model_options["pretrained"] == "imagenet" for c in grnet_runs)
    assert {p.config.image_size for p in plan(paper) if p.config.data.endswith("dfdc")} == {224}
    mte = [p.config for p in plan(mini) if p.config.model_options.get("residual") == "mte"]
    assert mte and all(c.model_options["residual_options"]["radius"] == 2 for c in mte)
    rgb = [p.config for p in plan(mini) if p.config.model_options.get("residual") == "rgb"]
    assert rgb and all(c.model_options["residual_options"] is None for c in rgb)
    assert {p.seed for p in plan(mini) if p.table == 2} == {7, 8, 9}


def test_the_paper_profile_prepares_the_videos_faces_with_mtcnn(tmp_path):
    from grnet.data import adapters
    from grnet.data.adapters import LayoutError
    from grnet.data.prepare import prepare

    entries = load_settings(PARAMS, "paper").data.prepare
    for name, entry in entries.items():
        if adapters.get(entry.dataset).KIND == "videos":
            assert entry.options.get("detector") == "mtcnn", name
        # Options that prepare knows: refused only for the missing root, not for an unknown option.
        with pytest.raises(LayoutError):
            prepare(entry.dataset, tmp_path / "missing", tmp_path / name, **entry.options)


def test_the_mini_runs_train_on_whole_splits_for_three_epochs_at_batch_32():
    for p in plan(load_settings(PARAMS, "mini")):
        assert p.config.limit is None and p.config.epochs >= 3 and p.config.batch_size >= 32


def test_every_compared_cell_of_the_mini_and_paper_profiles_has_three_seeds_or_more():
    for profile in ("mini", "paper"):
        settings = load_settings(PARAMS, profile)
        seeds: dict[tuple[int, str, str], set[int]] = {}
        for p in plan(settings):
            seeds.setdefault((p.table, p.cell.row, p.cell.column), set()).add(p.seed)
        compared = {
            (t.number, row, c.column)
            for t in TABLES.values()
            for claim in t.claims
            for c in claim.comparisons
            for row in (c.winner, *c.losers)
            if (row, c.column) in {(cell.row, cell.column) for cell in t.cells}
        }
        assert compared and all(len(seeds[k]) >= 3 for k in compared), profile


def test_seeds_are_a_profiles_non_empty_list_of_distinct_integers(tmp_path):
    bad = tmp_path / "params.yaml"
    for value, message in (([], "non-empty"), ([7, 7], "distinct"), (["7"], "integer"), (None, "list")):
        changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
        changed["experiments"]["mini"]["seeds"] = value
        with pytest.raises(ParamsError, match=rf"experiments\.mini\.seeds: expected .*{message}"):
            load_settings(_write(changed, bad))
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    changed["experiments"]["mini"]["tables"] = {"table4": {"seeds": [1, 2]}}
    settings = load_settings(_write(changed, bad))
    assert settings.seeds(4) == (1, 2) and settings.seeds(5) == tuple(changed["experiments"]["mini"]["seeds"])


def _write(params: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


def test_bad_params_name_the_file_the_key_and_the_allowed_ones(tmp_path):
    params = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    bad = tmp_path / "params.yaml"
    with pytest.raises(ParamsError, match=rf"{bad}.*profile must be one of"):
        load_settings(_write({**params, "profile": "huge"}, bad))
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    del changed["experiments"]["mini"]["datasets"]["dfdc"]
    with pytest.raises(ParamsError, match=r"experiments\.mini\.datasets\.dfdc"):
        load_settings(_write(changed, bad))
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    changed["experiments"]["mini"]["epoch"] = 3
    with pytest.raises(ParamsError, match=r"unknown key\(s\) \['epoch'\]"):
        load_settings(_write(changed, bad))
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    changed["experiments"]["mini"]["train"]["batchsize"] = 32
    with pytest.raises(ParamsError, match=r"train: unknown option\(s\) \['batchsize'\]; allowed: \["):
        load_settings(_write(changed, bad))
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    changed["experiments"]["fusions"]["afm"]["alpha_updates"] = "epoch"
    with pytest.raises(ParamsError, match=r"fusions\.afm: unknown option\(s\) \['alpha_updates'\]"):
        load_settings(_write(changed, bad))


def test_a_misspelt_mte_key_stops_experiment_plan_naming_it(tmp_path, capsys):
    params = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    params["experiments"]["residuals"]["mte"] = {"radus": 2, "eps": 0.01}
    bad = _write(params, tmp_path / "params.yaml")
    assert main(["experiment", "plan", "--params", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "residuals.mte: unknown option(s) ['radus']" in err and "'radius'" in err


def test_dvc_yaml_lists_the_training_code_and_exact_params():
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    experiments = stages["experiments"]
    assert set(TRAINING_CODE) <= set(experiments["deps"])
    assert "data/${profile}" in experiments["deps"]
    # Every section that decides results, and none that only changes speed.
    keys = set(experiments["params"])
    assert {"experiments.residuals", "experiments.fusions", "experiments.${profile}.train"} <= keys
    assert not any(k.endswith(".speed") or k.endswith("jobs") or k.endswith("workers") for k in keys)
    profile_keys = set(yaml.safe_load(PARAMS.read_text(encoding="utf-8"))["experiments"]["mini"]) - {"speed"}
    assert {f"experiments.${{profile}}.{k}" for k in profile_keys} <= keys
    assert stages["data"]["params"] == ["profile", "data.${profile}"]
    notebooks = stages["notebook"]
    assert "grnet" in notebooks["do"]["deps"]  # every module a notebook may import
    assert all((REPO / "notebooks" / f"{name}.ipynb").is_file() for name in notebooks["foreach"])


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
    for number, spec in TABLES.items():
        paper = spec.paper
        with (repo / "reports" / "tables" / f"{paper.key}.csv").open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert [r[: len(paper.label_columns)] for r in rows[1:]] == [list(r.labels) for r in paper.rows]
        assert (repo / "reports" / "results" / f"table{number}.json").is_file()
        assert paper.caption in (repo / "reports" / "tables" / f"{paper.key}.md").read_text(encoding="utf-8")
    readme = (repo / "reports" / "README.md").read_text(encoding="utf-8")
    assert "Profile: **ci**" in readme and "## The paper's claims" in readme and "runs learned" in readme
    # the ROC curves dvc.yaml plots, one per method of Table VIII
    plots = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["plots"]
    (roc,) = [entry["roc_table8"] for entry in plots if "roc_table8" in entry]
    assert len(roc["y"]) == len(TABLES[8].paper.rows)
    for name in roc["y"]:
        with (repo / name).open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and {"fpr", "tpr"} <= set(rows[0])
        assert float(rows[0]["fpr"]) == 0.0 and float(rows[-1]["tpr"]) == 1.0


def test_a_learning_rate_written_5e_4_is_the_number_and_a_quoted_one_is_an_error_naming_the_key(tmp_path):
    # PyYAML (YAML 1.1) reads 5e-4, without a dot, as the string '5e-4'; params.yaml's comment writes it so.
    text = PARAMS.read_text(encoding="utf-8").replace("{lr: 0.0005}", "{lr: 5e-4}")
    assert "lr: 5e-4" in text
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    planned = plan(load_settings(path, "mini"))
    assert {p.config.lr for p in planned} == {5e-4}
    quoted = PARAMS.read_text(encoding="utf-8").replace("{lr: 0.0005}", '{lr: "5e-4"}')
    path.write_text(quoted, encoding="utf-8")
    with pytest.raises(
        ParamsError, match=r"experiments\.optimizer: lr: expected a number, got the string '5e-4'"
    ):
        load_settings(path, "mini")
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    changed["experiments"]["mini"]["tables"] = {"table2": {"train": {"epochs": "3"}}}
    with pytest.raises(ParamsError, match=r"tables\.table2\.train: epochs: expected a number"):
        load_settings(_write(changed, path), "mini")
    changed = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    changed["experiments"]["mini"]["train"]["epochs"] = "three"
    with pytest.raises(ParamsError, match=r"mini\.train: epochs: expected a number, got the string 'three'"):
        load_settings(_write(changed, path))


def test_a_profiles_learning_rate_decay_reaches_every_run_and_a_zero_decay_is_refused(tmp_path):
    text = PARAMS.read_text(encoding="utf-8")
    planned = plan(load_settings(PARAMS, "mini"))
    assert {p.config.gamma for p in planned} == {load_settings(PARAMS, "mini").train.gamma}
    path = tmp_path / "params.yaml"
    mini = "batch_size: 32, gamma: 1.0,"
    path.write_text(text.replace(mini, "batch_size: 32, gamma: 0.25,"), encoding="utf-8")
    assert {p.config.gamma for p in plan(load_settings(path, "mini"))} == {0.25}
    path.write_text(text.replace(mini, "batch_size: 32, gamma: 0,"), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"experiments\.mini\.train.*gamma"):
        load_settings(path, "mini")
