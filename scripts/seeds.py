"""Which of the book's claims hold for other seeds? ``make seeds``.

Every chapter runs with the seed it is published with (``utils.setup()``, seed
0), and its asserts pin the claims of its prose. This script runs the chapters
again with other seeds (``utils.setup(seed=k)``) and reports every assert that
fails, without stopping at the first: each top-level ``assert`` of a code cell
is turned into a recorded check, so a cell's later claims are still tested.

A failing assert is one of two things:

- a claim about *this run*, which the prose says is one run's outcome; mark
  the assert with a comment containing "in this run" on its line or in the
  comment just above it, and the report lists it as expected to vary;
- a claim the prose makes as a general fact that another seed breaks: fix the
  prose (give the range over seeds, or say "in this run"), then the assert.

The exit status is 1 when an unmarked assert fails or a cell raises.
Timings do not belong here; run ``make bench`` for those.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RECORDER = "_seed_audit"
MARK = "in this run"

# Defined in the kernel before the chapter's first cell: records a failed check.
PRELUDE = f"""
{RECORDER} = []
def {RECORDER}_check(passed, line):
    if not passed:
        {RECORDER}.append(line)
"""


class _AssertsToChecks(ast.NodeTransformer):
    """Turn top-level asserts (and those in loops and ifs) into recorded checks.

    Asserts inside functions and classes stay as they are: there they guard
    the function's input, and a failure is an error, not a claim.
    """

    def __init__(self, lines: list[str], cell: int):
        self.lines, self.cell = lines, cell

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Assert(self, node):
        line = self.lines[node.lineno - 1].strip()
        label = f"cell {self.cell}, line {node.lineno}: {line}"
        if _marked(self.lines, node.lineno - 1):
            label += "  [" + MARK + "]"
        call = ast.parse(f"{RECORDER}_check(None, {label!r})").body[0]
        call.value.args[0] = node.test
        return ast.copy_location(call, node)


def _marked(lines: list[str], index: int) -> bool:
    """Whether the assert on lines[index] is marked as a claim about this run."""
    if MARK in lines[index].lower():
        return True
    above = index - 1
    while above >= 0 and lines[above].lstrip().startswith("assert "):
        above -= 1  # a comment may head a group of asserts
    while above >= 0 and lines[above].lstrip().startswith("#"):
        if MARK in lines[above].lower():
            return True
        above -= 1
    return False


def instrument(source: str, cell: int) -> str | None:
    """The cell's source with its claims recorded, or None if it has none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: the set-up cell, for one
        return None
    if not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        return None
    lines = source.splitlines()
    tree = ast.fix_missing_locations(_AssertsToChecks(lines, cell).visit(tree))
    return ast.unparse(tree)


def audit(path: Path, seed: int) -> list[str]:
    """Run one chapter with `seed`; return its failed claims and errors."""
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if "utils.setup(" not in code[0].source:
        raise SystemExit(
            f"{path.name}: its first code cell does not call utils.setup()"
        )
    code[0].source = code[0].source.replace(
        "utils.setup(", f"utils.setup(seed={seed}, "
    )
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            instrumented = instrument(cell.source, index)
            if instrumented is not None:
                cell.source = instrumented
    chapter_cells = list(notebook.cells)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
    notebook.cells.append(nbformat.v4.new_code_cell(f"print('\\n'.join({RECORDER}))"))
    client = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    failures = []
    for index, cell in enumerate(chapter_cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                failures.append(
                    f"cell {index} raised {output.ename}: {output.evalue[:200]}"
                )
    recorded = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    failures += [line for line in recorded.splitlines() if line.strip()]
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--seeds", default="1 2", help='for example "1 2 3"')
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("[0-9]*.ipynb"))
    unexpected = 0
    for seed in [int(seed) for seed in args.seeds.split()]:
        for path in paths:
            failures = audit(path, seed)
            print(f"seed {seed}  {path.name}: ", end="")
            if not failures:
                print("every claim holds")
                continue
            print(f"{len(failures)} failed")
            for failure in failures:
                print(f"    {failure}")
                unexpected += MARK not in failure
            sys.stdout.flush()
    if unexpected:
        print(
            f"\n{unexpected} failure(s) not marked '{MARK}': fix the prose or the claim."
        )
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
