"""Keep the book's notebooks in one canonical, clean form.

Commands (run through ``make``; each takes optional notebook paths, default:
every notebook listed under ``chapters/``):

``clean``
    Strip outputs, execution counts and editor metadata, except the outputs of
    cells marked ``# NBVAL_CHECK_OUTPUT`` (nbval compares those on purpose).
``check``
    Exit 1 and list the notebooks that ``clean`` would change, or whose first
    code cell is not the book's standard set-up cell.
``refresh``
    Execute notebooks and store the outputs of the ``# NBVAL_CHECK_OUTPUT``
    cells (run it after changing what such a cell prints), then ``clean``.
``execute``
    Execute the notebooks whose code changed into the site build's jupyter
    cache (``_build/.jupyter_cache``), as many at a time as there are cores.
    ``jupyter-book build`` then finds them executed; on its own it executes
    one notebook after another. A notebook that fails here is left
    unexecuted, and the build runs it again and reports the error.
``sync-url``
    Rewrite the first cell of every notebook from ``repository.url`` in
    ``_config.yml`` (after forking the book).
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
#: nbval's cell tag with the same meaning. ``clean`` moves a leading
#: ``# NBVAL_CHECK_OUTPUT`` comment into this tag, so readers of the book don't
#: see test plumbing in the code.
CHECK_TAG = "nbval-check-output"
#: Cell metadata the book uses: tags (hide-input, remove-cell, ...) and
#: myst-nb options (image alt text, figure captions). Everything else is dropped.
KEPT_CELL_METADATA = ("tags", "mystnb")
KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


def book_version() -> str:
    """The book's version, from pyproject.toml; its release is the tag v<version>."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["version"]


def setup_cell_source(url: str | None = None, version: str | None = None) -> str:
    """The first code cell of every chapter.

    Where ``utils`` is missing (Colab), it installs the book's own release of
    it, the tag ``v<version>`` of ``repository.url``: the moving ``main``
    branch could hold a ``utils`` newer than the notebook.
    """
    url = url or repository_url()
    tag = f"v{version or book_version()}"
    return (
        "# Set-up, the same in every chapter. Where the book's `utils` package is\n"
        f"# missing (in Colab, say), this first installs its release {tag}. If the\n"
        "# install fails, check that the notebook can reach the internet, then run\n"
        "# this cell again; the book's README explains other ways to run it.\n"
        "try:\n"
        "    import utils\n"
        "except ModuleNotFoundError:\n"
        f'    %pip install --quiet "nn-book-utils @ git+{url}@{tag}"\n'
        "    import utils\n"
        "\n"
        "utils.setup()"
    )


#: A fenced ``{solution-start}`` or ``{solution-end}`` directive, with ``` or :::.
SOLUTION_FENCE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution-(?:start|end)\}[^\n]*\n(?:.*?\n)??(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def split_solution_markers(cells: list) -> list:
    """Give every ``{solution-start}``/``{solution-end}`` directive a markdown cell of its own.

    Jupytext merges neighbouring markdown into one cell, which would glue a
    ``{solution-end}`` to the next exercise's text; the student version removes
    whole solution cells, so each marker must stand alone.
    """
    result = []
    for cell in cells:
        if cell.cell_type != "markdown" or not SOLUTION_FENCE.search(cell.source):
            result.append(cell)
            continue
        pieces, position = [], 0
        for match in SOLUTION_FENCE.finditer(cell.source):
            pieces += [cell.source[position : match.start()], match.group(0)]
            position = match.end()
        pieces.append(cell.source[position:])
        pieces = [piece.strip("\n") for piece in pieces if piece.strip()]
        if len(pieces) == 1:
            result.append(cell)
            continue
        first = copy.deepcopy(cell)
        first.source = pieces[0]
        result.append(first)
        for index, piece in enumerate(pieces[1:], start=1):
            # Deterministic ids, so that cleaning twice gives the same file.
            new = nbformat.v4.new_markdown_cell(
                piece, id=f"{cell.get('id', 'cell')}-{index}"[:64]
            )
            result.append(new)
    return result


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def is_checked(cell) -> bool:
    return cell.cell_type == "code" and (
        CHECK_TAG in cell.metadata.get("tags", []) or CHECK_MARK in cell.source
    )


def move_check_mark_to_tag(cell) -> None:
    lines = cell.source.split("\n")
    if lines and lines[0].strip() == CHECK_MARK:
        cell.source = "\n".join(lines[1:])
        tags = list(cell.metadata.get("tags", []))
        if CHECK_TAG not in tags:
            tags.append(CHECK_TAG)
        cell.metadata["tags"] = tags


def canonical(notebook):
    """A copy of ``notebook`` in the book's stored form."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    notebook.cells = split_solution_markers(notebook.cells)
    for cell in notebook.cells:
        kept = {
            key: cell.metadata[key]
            for key in KEPT_CELL_METADATA
            if key in cell.metadata
        }
        cell.metadata = nbformat.from_dict(kept)
        if cell.cell_type == "code":
            move_check_mark_to_tag(cell)
            # nbval ignores outputs of a cell with no execution count ("unrun"),
            # so checked cells keep a fixed count of 1; others keep nothing.
            checked = is_checked(cell) and bool(cell.outputs)
            cell.execution_count = 1 if checked else None
            if checked:
                for output in cell.outputs:
                    if "execution_count" in output:
                        output.execution_count = 1
            else:
                cell.outputs = []
        if cell.cell_type == "markdown" and not cell.get("attachments"):
            cell.pop("attachments", None)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    return notebook


def serialise(notebook) -> str:
    return nbformat.writes(notebook) + "\n"


def first_code_cell(notebook):
    return next((cell for cell in notebook.cells if cell.cell_type == "code"), None)


def problems(path: Path) -> list[str]:
    """What is wrong with how ``path`` is stored (empty if nothing)."""
    text = path.read_text()
    notebook = nbformat.reads(text, as_version=4)
    found = []
    if serialise(canonical(notebook)) != text:
        found.append("not stored in canonical clean form (run `make clean-notebooks`)")
    cell = first_code_cell(notebook)
    if cell is None or cell.source != setup_cell_source():
        found.append(
            "first code cell is not the standard set-up cell (run `make sync-url`)"
        )
    return found


def clean(paths: list[Path]) -> None:
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        path.write_text(serialise(canonical(notebook)))


def sync_url(paths: list[Path]) -> None:
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        cell = first_code_cell(notebook)
        if cell is None:
            raise SystemExit(f"{path}: has no code cell to hold the set-up")
        cell.source = setup_cell_source()
        path.write_text(serialise(canonical(notebook)))


def refresh(paths: list[Path]) -> None:
    from nbclient import NotebookClient

    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        path.write_text(serialise(canonical(notebook)))
        print(f"refreshed {path.relative_to(ROOT)}")


def execute(paths: list[Path]) -> None:
    import logging

    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]
    cache = get_cache(str(ROOT / "_build" / ".jupyter_cache"))
    for path in paths:
        cache.add_nb_to_project(str(path))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    executor = load_executor(
        "local-parallel", cache, logger=logging.getLogger("execute")
    )
    result = executor.run_and_cache(
        filter_uris=[str(path) for path in paths],
        timeout=config["timeout"],
        allow_errors=config["allow_errors"],
    )
    for uri in result.excepted + result.errored:
        print(
            f"{Path(uri).relative_to(ROOT)} failed here: the site build will run it again"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command", choices=["clean", "check", "refresh", "execute", "sync-url"]
    )
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [path.resolve() for path in args.paths] or chapter_notebooks()
    if args.command == "check":
        failures = {path: problems(path) for path in paths}
        failures = {path: found for path, found in failures.items() if found}
        for path, found in failures.items():
            for problem in found:
                print(f"{path.relative_to(ROOT)}: {problem}")
        print(f"{len(paths) - len(failures)} of {len(paths)} notebooks stored clean")
        return 1 if failures else 0
    {"clean": clean, "refresh": refresh, "execute": execute, "sync-url": sync_url}[
        args.command
    ](paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
