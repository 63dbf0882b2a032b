"""Every chapter notebook is stored clean and has the anatomy of a chapter.

These tests read the notebooks; executing them is nbval's job (``--nbval-lax``
over ``chapters/``), and the comparison of marked outputs is proved to bite by
``test_nbval_rejects_a_changed_output`` below.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import notebooks as notebook_tool  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []
    for part in toc["parts"]:
        files += [entry["file"] for entry in part["chapters"]]
    return files


def _markdown(notebook) -> str:
    return "\n".join(
        cell.source for cell in notebook.cells if cell.cell_type == "markdown"
    )


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks found under chapters/"


def test_every_chapter_is_in_the_table_of_contents_and_vice_versa():
    toc = {entry for entry in _toc_files() if entry.startswith("chapters/")}
    on_disk = {f"chapters/{path.stem}" for path in CHAPTERS}
    assert toc == on_disk, (
        f"only in _toc.yml: {toc - on_disk}; only on disk: {on_disk - toc}"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_notebook_is_stored_clean_with_the_standard_first_cell(path):
    assert notebook_tool.problems(path) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_has_objectives_summary_exercises_and_references(path):
    notebook = nbformat.read(path, as_version=4)
    text = _markdown(notebook)
    assert notebook.cells[0].source.startswith("# "), (
        "the first cell is the chapter title"
    )
    assert "You will be able to" in text, "learning objectives at the top"
    assert re.search(r"\*\*Time:\*\*", text), "how long the chapter takes"
    for heading in ("## Summary", "## Exercises", "## References"):
        assert heading in text, f"missing section {heading!r}"
    assert "{footbibliography}" in text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_every_exercise_has_a_check_and_an_executed_solution(path):
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    labels = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", _markdown(notebook))
    assert len(labels) >= 3, "at least three exercises per chapter"
    for label in labels:
        start = next(
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and f":label: {label}" in c.source
        )
        solution = next(
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown"
            and re.search(r"\{solution-start\} " + re.escape(label) + r"\b", c.source)
        )
        end = next(
            i
            for i in range(solution, len(cells))
            if "{solution-end}" in cells[i].source
        )
        learner = [c for c in cells[start + 1 : solution] if c.cell_type == "code"]
        assert learner, f"{label}: no code cell for the learner"
        assert any("..." in c.source for c in learner), (
            f"{label}: the learner's cell has no ... placeholder"
        )
        assert any("check_" in c.source for c in learner), (
            f"{label}: the learner's cell calls no check"
        )
        solution_cells = [c for c in cells[solution + 1 : end] if c.cell_type == "code"]
        assert solution_cells, f"{label}: the solution has no code cell"
        checked = [c for c in solution_cells if notebook_tool.is_checked(c)]
        assert checked, f"{label}: no solution cell is compared by nbval"
        printed = "".join(o.get("text", "") for c in checked for o in c.outputs)
        assert "✅ Correct" in printed, (
            f"{label}: the stored solution output is not a pass"
        )
        assert ":class: dropdown" in cells[solution].source, (
            f"{label}: solution is not folded"
        )


def test_every_figure_cell_has_alt_text():
    missing = []
    for path in CHAPTERS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            draws = cell.cell_type == "code" and re.search(
                r"plt\.show\(\)|\.show\(\)$", cell.source
            )
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            if draws and not alt.strip():
                missing.append(f"{path.name} cell {index}")
    assert not missing, f"figure cells without alt text: {missing}"


def test_nbval_rejects_a_changed_output(tmp_path):
    source = ROOT / "chapters" / "01_neurons.ipynb"
    notebook = nbformat.read(source, as_version=4)
    checked = [
        cell
        for cell in notebook.cells
        if notebook_tool.is_checked(cell) and cell.outputs
    ]
    assert checked
    first = checked[0]
    first.outputs[0]["text"] = "a different output\n"
    # Keep only the cells up to the altered one, so the run is short.
    cut = notebook.cells.index(first) + 1
    notebook.cells = notebook.cells[:cut]
    altered = tmp_path / "altered.ipynb"
    nbformat.write(notebook, altered)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            str(altered),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT / "chapters",
        timeout=300,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "a different output" in result.stdout


def test_nbval_stores_in_the_build_cache_only_notebooks_that_passed(tmp_path):
    """``make test`` builds the site from nbval's runs (conftest.py, --store-executed)."""
    from jupyter_cache import get_cache

    folder = ROOT / "_build" / f"store-test-{tmp_path.name}"
    folder.mkdir(parents=True)
    cell = nbformat.v4.new_code_cell
    passing = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A notebook that runs"),
            cell("print('first line')\nx = 6 * 7\nprint('second line')"),
            cell("x"),
        ],
        metadata={"kernelspec": notebook_tool.KERNELSPEC},
    )
    failing = nbformat.v4.new_notebook(
        cells=[cell("y = 1"), cell("1 / 0"), cell("print('never')")],
        metadata={"kernelspec": notebook_tool.KERNELSPEC},
    )
    try:
        nbformat.write(passing, folder / "passing.ipynb")
        nbformat.write(failing, folder / "failing.ipynb")
        cache = tmp_path / "cache"
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider"]
            + ["-q", f"--store-executed={cache}", str(folder)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        assert result.returncode == 1, result.stdout[-2000:]
        assert "ZeroDivisionError" in result.stdout
        store = get_cache(str(cache))
        _, executed = store.merge_match_into_notebook(passing)
        first, second = (c for c in executed.cells if c.cell_type == "code")
        assert first.outputs[0]["text"] == "first line\nsecond line\n"
        assert second.outputs[0]["data"]["text/plain"] == "42"
        assert [c.execution_count for c in (first, second)] == [1, 2]
        record = store.match_cache_notebook(passing)
        assert record.uri == str(folder / "passing.ipynb")
        assert record.data["execution_seconds"] > 0
        with pytest.raises(KeyError):
            store.match_cache_notebook(failing)
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
