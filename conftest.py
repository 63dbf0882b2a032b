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
