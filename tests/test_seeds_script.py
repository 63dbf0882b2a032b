"""scripts/seeds.py (`make seeds`): it finds the claims that another seed breaks.

The unit tests check how a cell's asserts become recorded checks; the last
test runs a small notebook (without TensorFlow) through the real kernel with
two seeds and checks that the one seed-dependent claim is reported, marked or
not as the notebook says, and that the exit status follows.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds():
    spec = importlib.util.spec_from_file_location(
        "seeds", ROOT / "scripts" / "seeds.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["seeds"] = module
    spec.loader.exec_module(module)
    return module


def test_top_level_asserts_become_recorded_checks(seeds):
    source = "x = 3\nassert x > 2\nfor i in range(2):\n    assert i < 5, 'message'\n"
    instrumented = seeds.instrument(source, cell=4)
    assert not any(
        line.lstrip().startswith("assert") for line in instrumented.splitlines()
    )
    assert "_seed_audit_check(x > 2, 'cell 4, line 2: assert x > 2')" in instrumented
    assert "_seed_audit_check(i < 5, \"cell 4, line 4: assert i < 5, 'message'\")" in (
        instrumented
    )
    recorded = []
    namespace = {
        "_seed_audit_check": lambda passed, line: passed or recorded.append(line)
    }
    exec(instrumented, namespace)  # noqa: S102 - our own test source
    assert recorded == []
    exec(seeds.instrument("x = 1\nassert x > 2\nassert x == 1\n", 0), namespace)  # noqa: S102
    assert recorded == ["cell 0, line 2: assert x > 2"]  # the next claim still ran


def test_asserts_inside_functions_stay_asserts(seeds):
    source = "def f(a):\n    assert a > 0\n    return a\n\nassert f(1) == 1\n"
    instrumented = seeds.instrument(source, cell=0)
    assert "    assert a > 0" in instrumented
    assert "_seed_audit_check(f(1) == 1" in instrumented


def test_a_claim_about_this_run_is_marked(seeds):
    source = (
        "x = 1\n"
        "assert x == 1  # in this run\n"
        "# In this run, both hold:\n"
        "assert x > 0\n"
        "assert x < 2\n"
        "# a general claim\n"
        "assert x != 5\n"
    )
    instrumented = seeds.instrument(source, cell=0)
    marked = [line for line in instrumented.splitlines() if "[in this run]" in line]
    assert len(marked) == 3
    assert "x != 5" not in "".join(marked)


def test_cells_without_claims_or_with_magics_are_left_alone(seeds):
    assert seeds.instrument("x = 1\nprint(x)\n", cell=0) is None
    assert seeds.instrument("%pip install x\nassert True\n", cell=0) is None


def _tiny_chapter(folder: Path) -> Path:
    cells = [
        "import utils\nutils.setup(tensorflow=False)",
        "import numpy as np\n\nx = np.random.rand()",
        "assert 0 <= x < 1\nassert x < 0.5\nassert x >= 0.5  # in this run",
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    path = folder / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def _first_draw(seed: int) -> float:
    np.random.seed(seed)  # noqa: NPY002 - what utils.setup(seed) does
    return np.random.rand()  # noqa: NPY002


def test_a_real_run_reports_what_each_seed_breaks(seeds, tmp_path, capsys):
    low, high = next(
        (a, b)
        for a in range(20)
        for b in range(20)
        if _first_draw(a) < 0.5 <= _first_draw(b)
    )
    path = _tiny_chapter(tmp_path)

    failures = seeds.audit(path, low)  # x < 0.5: only the marked claim fails
    assert failures == ["cell 2, line 3: assert x >= 0.5  # in this run  [in this run]"]
    failures = seeds.audit(path, high)  # x >= 0.5: the general claim fails
    assert failures == ["cell 2, line 2: assert x < 0.5"]

    assert seeds.main([str(path), "--seeds", str(low)]) == 0
    assert seeds.main([str(path), "--seeds", f"{low} {high}"]) == 1
    report = capsys.readouterr().out
    assert f"seed {high}  tiny.ipynb: 1 failed" in report
    assert "not marked 'in this run'" in report
