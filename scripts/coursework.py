"""Student and instructor notebooks from one source, and the grader's front end.

``make student``     writes ``student/``: every chapter with the solutions removed
                     (exercise cells and their checks kept), outputs cleared.
``make instructor``  writes ``instructor/``: every chapter complete, each worked
                     solution after its exercise.
``make grade NB=...``  grades submitted notebooks (``scripts/grader.py``).

A solution is everything between a ``{solution-start}`` markdown cell and the
matching ``{solution-end}`` cell, those two cells included.

Both versions are plain Jupyter notebooks that render outside the book's site
(Jupyter, Binder, Colab): MyST-only syntax becomes Markdown. An ``{exercise}``
becomes a heading "### Exercise 1.2: Title" followed by its text, a solution a
heading "#### Solution to Exercise 1.2", admonitions become quotes, and roles
(``{term}``, ``{footcite:p}``, ``{ref}``, ...) become their text. Each exercise's
label goes into the metadata of its heading and of its code cell
(``nn_book.exercise``), where the grader finds it whatever the learner does to
the headings.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grader  # noqa: E402
from notebooks import canonical, chapter_notebooks, serialise  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_LABEL = re.compile(r"```\{exercise\}[^\n]*\n:label: (\S+)")
META = grader.META

STUDENT_NOTE = (
    "> **Student version.** This notebook has no worked solutions. Write your "
    "answer in each exercise cell and run it: the check at the end of the cell "
    "tells you at once whether it is right, with a hint if it is not."
)
INSTRUCTOR_NOTE = (
    "> **Instructor version.** Each exercise is followed by its worked solution, "
    'under "Solution to Exercise N.k". Hand out the student version instead '
    "(`make student`), which has no solutions."
)
#: What the chapters say about solutions, made true in each version.
SOLUTION_SENTENCES = {
    "student": "This version of the notebook has no solutions.",
    "instructor": "In this version each solution follows its exercise.",
}
ADMONITIONS = (
    "admonition note tip hint important warning caution attention danger error seealso"
).split()
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<argument>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")


def _references() -> dict[str, str]:
    """Author-year text of every entry in references.bib, by key."""
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    found = {}
    for entry in re.split(r"\n(?=@)", bib):
        key = re.match(r"@\w+\{([^,]+),", entry.strip())
        author = re.search(r"author\s*=\s*\{(.+?)\},?\s*\n", entry)
        year = re.search(r"year\s*=\s*\{?(\d{4})", entry)
        title = re.search(r"title\s*=\s*\{(.+?)\},?\s*\n", entry)
        if not (key and author and year):
            continue
        names = [
            name.split(",")[0].strip("{} ") for name in author.group(1).split(" and ")
        ]
        who = (
            names[0]
            if len(names) == 1
            else (
                f"{names[0]} and {names[1]}"
                if len(names) == 2
                else f"{names[0]} et al."
            )
        )
        found[key.group(1).strip()] = (
            who,
            year.group(1),
            (title.group(1) if title else "").replace("{", "").replace("}", ""),
        )
    return found


def plain_markdown(source: str, numbers: dict[str, str], cited: list[str]) -> str:
    """``source`` with the book's MyST-only syntax turned into plain Markdown."""
    references = _references()

    def directive(match: re.Match) -> str:
        name, argument = match["name"], match["argument"].strip()
        body = "\n".join(
            line for line in match["body"].split("\n") if not re.match(r":\w+:", line)
        ).strip("\n")
        if name == "exercise":
            label = re.search(r"^:label: (\S+)", match["body"], re.MULTILINE)
            number = numbers.get(label.group(1), "") if label else ""
            return f"### Exercise {number}: {argument}\n\n{body}"
        if name == "footbibliography":
            return "\n".join(
                f"- {references[key][0]} ({references[key][1]}). {references[key][2]}."
                for key in cited
                if key in references
            )
        if name in ADMONITIONS:
            title = argument or name.capitalize()
            quoted = "\n".join(f"> {line}".rstrip() for line in body.split("\n"))
            return f"> **{title}**\n>\n{quoted}"
        return match.group(0)

    def role(match: re.Match) -> str:
        kind, text = match["role"], match["text"]
        shown = re.match(r"(?P<shown>.*?)\s*<(?P<target>[^>]+)>$", text, re.DOTALL)
        if kind.startswith("footcite"):
            keys = [key.strip() for key in text.split(",")]
            cited.extend(key for key in keys if key not in cited)
            parts = [references.get(key, (key, "", ""))[:2] for key in keys]
            if kind == "footcite:t":
                return "; ".join(f"{who} ({year})" for who, year in parts)
            return "(" + "; ".join(f"{who}, {year}" for who, year in parts) + ")"
        if kind.startswith("glue"):
            return f"`{text.split(':')[0]}`"
        if kind == "math":
            return f"${text}$"
        if shown:
            return shown["shown"]
        if kind in {"ref", "numref"} and text in numbers:
            return f"Exercise {numbers[text]}"
        return text

    source = DIRECTIVE.sub(directive, source)
    return ROLE.sub(role, source)


def _is_exercise(cell) -> bool:
    return cell.cell_type == "markdown" and "{exercise}" in cell.source


def _is_solution_start(cell) -> bool:
    return cell.cell_type == "markdown" and "{solution-start}" in cell.source


def _is_solution_end(cell) -> bool:
    return cell.cell_type == "markdown" and "{solution-end}" in cell.source


def strip_solutions(notebook):
    """A copy of ``notebook`` without its solution blocks."""
    notebook = canonical(notebook)
    kept, inside = [], False
    for cell in notebook.cells:
        if _is_solution_start(cell):
            if inside:
                raise ValueError(
                    "a {solution-start} cell is not closed before the next one"
                )
            inside = True
            continue
        if _is_solution_end(cell):
            if not inside:
                raise ValueError(
                    "a {solution-end} cell has no {solution-start} before it"
                )
            inside = False
            continue
        if not inside:
            kept.append(cell)
    if inside:
        raise ValueError(
            "the last {solution-start} cell is never closed by {solution-end}"
        )
    notebook.cells = kept
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return notebook


def render(notebook, kind: str, chapter: str):
    """The student or instructor version of one chapter notebook, in plain Markdown."""
    manifest = grader.exercise_manifest(notebook)
    prefix = str(int(chapter[:2])) + "." if chapter[:2].isdigit() else ""
    numbers = {label: f"{prefix}{spec['number']}" for label, spec in manifest.items()}
    version = strip_solutions(notebook) if kind == "student" else canonical(notebook)
    if kind == "instructor":
        for cell in version.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    cited: list[str] = []
    cells, pending = [], None
    for cell in version.cells:
        if _is_solution_end(cell):
            continue
        if _is_solution_start(cell):
            label = cell.source.split("}", 1)[1].split()[0]
            cell.source = f"#### Solution to Exercise {numbers.get(label, '')}"
            cell.metadata[META] = {"solution": label}
        elif cell.cell_type == "markdown":
            labels = EXERCISE_LABEL.findall(cell.source)
            if labels:
                pending = labels[-1]
                cell.metadata[META] = {"exercise": pending}
            cell.source = plain_markdown(cell.source, numbers, cited)
            for sentence in re.findall(
                r"[^.\n]*solutions are folded[^.]*\.", cell.source
            ):
                cell.source = cell.source.replace(sentence, SOLUTION_SENTENCES[kind])
        elif pending and grader.last_check_call(cell.source):
            spec = manifest[pending]
            cell.metadata[META] = {
                "exercise": pending,
                "module": spec["module"],
                "check": spec["check"],
            }
            pending = None
        cells.append(cell)
    version.cells = cells
    version.cells.insert(
        1,
        nbformat.v4.new_markdown_cell(
            STUDENT_NOTE if kind == "student" else INSTRUCTOR_NOTE, id=f"{kind}-note"
        ),
    )
    version.metadata[META] = {"chapter": chapter, "exercises": list(manifest)}
    return version


def write_versions(
    kind: str, output: Path, paths: list[Path] | None = None
) -> list[Path]:
    """Write the student or instructor version of every chapter into ``output``."""
    if kind not in {"student", "instructor"}:
        raise ValueError(f"kind must be 'student' or 'instructor', not {kind!r}")
    paths = paths or chapter_notebooks()
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    written = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        target = output / path.name
        target.write_text(serialise(render(notebook, kind, path.stem)))
        written.append(target)
    (output / "README.md").write_text(
        f"# {kind.capitalize()} notebooks of *Neural networks, from neurons to ConvNets*\n\n"
        "Generated by `make "
        + kind
        + "` from the chapters in `chapters/`; do not edit here.\n"
        "Each notebook installs the book's `utils` package in its first cell if it is\n"
        "missing, so it runs in Colab, in Binder or in any Python 3.11 environment made\n"
        "from the book's `requirements.txt`.\n"
    )
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["grade"]:
        return grader.main(argv)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for kind in ("student", "instructor"):
        command = sub.add_parser(kind, help=f"write the {kind} notebooks")
        command.add_argument("--output", type=Path, default=ROOT / kind)
    args = parser.parse_args(argv)
    written = write_versions(args.command, args.output)
    print(f"wrote {len(written)} {args.command} notebooks to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
