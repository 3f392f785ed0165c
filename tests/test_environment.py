"""environment.yml must mirror pyproject.toml: same packages, same version bounds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11; the check is the same on any version

ROOT = Path(__file__).resolve().parents[1]
NOT_PACKAGES = {"python", "pip"}


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(specs: list[str]) -> dict[str, str]:
    out = {}
    for spec in specs:
        req = Requirement(spec)
        out[_canon(req.name)] = str(req.specifier)
    return out


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += [s for s in extra if not s.startswith(project["name"] + "[")]
    return _requirements(specs)


def environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep["pip"] if not s.startswith("-e")]
        else:
            specs.append(dep)
    reqs = _requirements(specs)
    return {name: spec for name, spec in reqs.items() if name not in NOT_PACKAGES}


def test_environment_yml_mirrors_pyproject():
    ours, theirs = pyproject_requirements(), environment_requirements()
    assert set(ours) - set(theirs) == set(), "in pyproject.toml, missing from environment.yml"
    assert set(theirs) - set(ours) == set(), "in environment.yml, missing from pyproject.toml"
    differing = {n: (ours[n], theirs[n]) for n in ours if ours[n] != theirs[n]}
    assert differing == {}, "version bounds differ (pyproject, environment.yml)"


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def _pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements or constraints file (comments skipped)."""
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (version,) = [s.version for s in req.specifier if s.operator == "=="]
            out[_canon(req.name)] = version
    return out


def test_the_no_deps_packages_are_pinned_and_installed_without_their_dependencies():
    """Makefile and environment.yml install requirements-nodeps.txt with --no-deps; its pins are the
    versions grnet.data.dcgan loads and grnet.data.faces names, and the installed MTCNN is the one
    pinned; Grad-CAM is there (not in pyproject, whose resolver would bring its second OpenCV)."""
    from importlib.metadata import version

    from grnet.data import dcgan, faces

    pins = _pins(ROOT / "requirements-nodeps.txt")
    assert pins[dcgan.PACKAGE] == dcgan.VERSION
    assert pins[faces.MTCNN_PACKAGE] == faces.MTCNN_VERSION
    assert version(faces.MTCNN_PACKAGE) == faces.MTCNN_VERSION
    assert "grad-cam" in pins and "grad-cam" not in pyproject_requirements()
    for name in ("Makefile", "environment.yml"):
        assert "--no-deps -r requirements-nodeps.txt" in (ROOT / name).read_text(), name


def test_the_lock_pins_every_requirement_within_its_range_and_one_opencv():
    """requirements.lock (make's constraints) pins every package pyproject.toml and environment.yml
    name, each within their ranges; exactly one OpenCV package; none of the no-deps packages."""
    lock = _pins(ROOT / "requirements.lock")
    for name, spec in {**environment_requirements(), **pyproject_requirements()}.items():
        assert name in lock, f"{name} is not in requirements.lock"
        assert SpecifierSet(spec).contains(lock[name], prereleases=True), (name, spec, lock[name])
    assert [n for n in lock if n.startswith("opencv")] == ["opencv-contrib-python-headless"]
    assert not set(lock) & set(_pins(ROOT / "requirements-nodeps.txt"))
    assert "-c requirements.lock" in (ROOT / "Makefile").read_text()


@pytest.mark.slow
def test_the_wheel_ships_the_licence_the_citation_py_typed_and_the_model_card(tmp_path):
    """What users of the ecosystem look for in a wheel: the licence pyproject names, the citation
    (the paper and this software), PEP 561's marker that the annotations are meant for them, and
    the model card of the committed pipeline's checkpoints (the report's, byte for byte)."""
    import subprocess
    import sys
    import zipfile

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["license"] == "MIT" and citation["version"] == project["version"]
    assert citation["preferred-citation"]["title"] in (ROOT / "README.md").read_text()
    # A copy of the tracked sources, so that building leaves nothing in the checkout.
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "data", "runs", "notebooks"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(source),
            "-w",
            str(tmp_path),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("grnet-*.whl")
    names = {Path(n).name for n in zipfile.ZipFile(wheel).namelist()}
    assert {"LICENSE", "CITATION.cff", "py.typed"} <= names
    [card] = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("/share/doc/grnet/MODEL_CARD.md")]
    assert zipfile.ZipFile(wheel).read(card) == (ROOT / "reports" / "MODEL_CARD.md").read_bytes()
