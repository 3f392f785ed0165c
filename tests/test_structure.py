"""The package's structure: the command line's help and the artifact schemas load without torch."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    """The modules ``code`` leaves imported in a fresh interpreter (run in the repository)."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_grnet_help_imports_no_torch_and_answers_in_a_second():
    code = (
        "import contextlib, io\n"
        "from grnet.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])"
    )
    modules = _modules_after(code)
    assert "grnet.cli" in modules
    assert "torch" not in modules and "numpy" not in modules
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grnet", "--help"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and "experiment" in done.stdout
    assert time.perf_counter() - started < 1.0


def test_the_package_loads_its_torch_names_on_first_use():
    assert "torch" not in _modules_after("import grnet")
    assert "torch" in _modules_after("import grnet\ngrnet.build_model")


def test_the_artifacts_module_imports_no_torch_nor_scipy():
    modules = _modules_after("import grnet.pipeline.artifacts")
    assert "grnet.pipeline.artifacts" in modules and "numpy" in modules
    assert not {"torch", "scipy", "yaml", "sklearn"} & modules
