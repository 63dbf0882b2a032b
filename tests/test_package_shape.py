"""utils stays small and shared: what a chapter teaches lives on its page.

These are the budgets of issue 8 and the house style, kept by a test so that
a lesson cannot drift back into the package unnoticed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "utils"
MODULE_BUDGET = 500  # lines, any module of utils/*.py
CHECKS_MODULE_BUDGET = 550  # lines, one chapter's checks (about 500, as issue 8 says)
PACKAGE_BUDGET = 3500  # lines, utils/*.py outside utils/checks


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_the_shared_package_outside_the_checks_is_small():
    total = sum(_lines(path) for path in PACKAGE.glob("*.py"))
    assert total <= PACKAGE_BUDGET, (
        f"utils/*.py holds {total} lines, over the budget of {PACKAGE_BUDGET}: "
        "move what one chapter teaches onto its page"
    )


@pytest.mark.parametrize(
    "module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_module_is_too_long_to_read(module):
    budget = CHECKS_MODULE_BUDGET if module.parent.name == "checks" else MODULE_BUDGET
    assert _lines(module) <= budget, (
        f"{module.relative_to(ROOT)} has {_lines(module)} lines; split it by topic"
    )


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.stem
)
def test_no_chapter_prints_package_source_instead_of_showing_code(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells)
    assert "getsource" not in code, (
        f"{notebook.name} prints a utils function's source: write that code in a cell"
    )
