"""Test-wide set-up, for `pytest` run any way (``make test`` does the same).

Puts the network guard (tests/netguard/sitecustomize.py) in force in this
process and, through the environment, in every process the tests start,
notebook kernels included, so that a hidden download fails the tests.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
GUARD_DIR = ROOT / "tests" / "netguard"

os.environ["NN_BOOK_BLOCK_NETWORK"] = "1"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
if str(GUARD_DIR) not in paths:
    os.environ["PYTHONPATH"] = os.pathsep.join([str(GUARD_DIR), *filter(None, paths)])

if "sitecustomize" in sys.modules and not hasattr(
    sys.modules["sitecustomize"], "_refuse"
):
    # Another sitecustomize ran at start-up; load the guard under its own name.
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "nn_book_netguard", GUARD_DIR / "sitecustomize.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
elif "sitecustomize" not in sys.modules:
    sys.path.insert(0, str(GUARD_DIR))
    import sitecustomize  # noqa: F401 - importing it installs the guard


# --- The site is built from the run that tested it ---------------------------
#
# ``make test`` executes each chapter once under nbval and stores the executed
# notebook in the site build's jupyter cache (``--store-executed``), so the
# build that follows shows exactly the outputs that were tested instead of
# running every chapter again. A notebook is stored only when all its cells
# passed; otherwise the build executes it itself and reports the error.


def pytest_addoption(parser):
    parser.addoption(
        "--store-executed",
        metavar="CACHE",
        default=None,
        help="store notebooks whose cells all passed nbval in this jupyter cache",
    )


def _is_notebook_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


def pytest_runtest_makereport(item, call):
    if not _is_notebook_cell(item) or not item.config.getoption("store_executed"):
        return
    notebook = item.parent
    seconds = getattr(notebook, "_nn_book_seconds", 0.0)
    notebook._nn_book_seconds = seconds + call.duration
    if call.excinfo is not None:
        notebook._nn_book_failed = True
    elif call.when == "call":
        item.cell.outputs = item.test_outputs or []
        item.cell.execution_count = item.cell_num + 1
        notebook._nn_book_ran = getattr(notebook, "_nn_book_ran", 0) + 1


def pytest_runtest_teardown(item, nextitem):
    cache_path = item.config.getoption("store_executed")
    if not cache_path or not _is_notebook_cell(item):
        return
    notebook = item.parent
    if nextitem is not None and nextitem.parent is notebook:
        return  # not the notebook's last cell yet
    # Stored cells keep their execution counts, so count the cells that ran.
    code_cells = sum(cell.cell_type == "code" for cell in notebook.nb.cells)
    if getattr(notebook, "_nn_book_failed", False) or (
        getattr(notebook, "_nn_book_ran", 0) != code_cells
    ):
        return  # a cell failed or did not run: leave it to the build
    _store_executed(Path(cache_path), notebook, notebook._nn_book_seconds)


def _store_executed(cache_path: Path, notebook, seconds: float) -> None:
    import fcntl

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache_path.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers share the cache's SQLite database: one at a time.
    with open(cache_path / ".nn-book-store.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        get_cache(str(cache_path)).cache_notebook_bundle(
            CacheBundleIn(
                notebook.nb,
                str(Path(str(notebook.fspath)).resolve()),
                data={"execution_seconds": seconds},
            ),
            check_validity=False,
            overwrite=True,
        )
