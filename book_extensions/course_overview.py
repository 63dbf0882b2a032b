"""The ``course-overview`` directive: a per-chapter table for instructors.

It reads the chapter notebooks listed in ``_toc.yml`` at build time and
writes, for each, its expected time, its learning objectives, its
auto-checked exercises (linked) and its launch links, so the "For
instructors" page can never fall out of step with the chapters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

TIME = re.compile(r"\*\*Time:\*\*\s*([^\n]+)")
EXERCISE = re.compile(r"```\{exercise\}\s*([^\n]*)\n:label: (\S+)")


def _chapters(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [
        entry["file"]
        for part in toc.get("parts", [])
        for entry in part.get("chapters", [])
        if entry["file"].startswith("chapters/")
    ]


def _objectives(markdown: str) -> list[str]:
    """The learning objectives after "**You will be able to**": a bulleted list,
    or a sentence whose clauses are separated by semicolons."""
    match = re.search(
        r"\*\*You will be able to\*\*:?\s*(.*?)(?:\n\s*\n|\*\*You need|```|$)",
        markdown,
        re.DOTALL,
    )
    if not match:
        return []
    text = match.group(1).strip()
    if text.startswith(("- ", "* ")):
        items = re.split(r"\n\s*[-*] ", "\n" + text)
    else:
        items = [re.sub(r"^and ", "", item.strip()) for item in text.split(";")]
    items = [" ".join(item.split()).rstrip(";.") for item in items]
    return [item for item in items if item]


def _words(markdown: str) -> int:
    """Words of prose: Markdown cells without directives' option lines."""
    prose = re.sub(r"^:\w[\w-]*:.*$", "", markdown, flags=re.MULTILINE)
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", prose))


def describe_chapter(path: Path) -> dict:
    notebook = json.loads(path.read_text())
    markdown = "\n".join(
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
    )
    title = next(
        (line[2:].strip() for line in markdown.splitlines() if line.startswith("# ")),
        path.stem,
    )
    time = TIME.search(markdown)
    return {
        "title": title,
        "time": time.group(1).strip() if time else "not stated",
        "objectives": _objectives(markdown),
        "words": _words(markdown),
        "exercises": EXERCISE.findall(markdown),
    }


class CourseOverview(SphinxDirective):
    has_content = False

    def run(self):
        root = Path(self.env.srcdir)
        config = self.config
        repository = getattr(config, "html_theme_options", {}).get("repository_url", "")
        repository = repository.removeprefix("https://github.com/").strip("/")
        branch = getattr(config, "html_theme_options", {}).get(
            "repository_branch", "main"
        )
        lines = [
            "| Chapter | Time (stated) | Words | Auto-checked exercises | Open in |",
            "| --- | --- | ---: | ---: | --- |",
        ]
        details = []
        for docname in _chapters(root):
            path = root / f"{docname}.ipynb"
            if not path.exists():
                continue
            self.env.note_dependency(str(path))
            info = describe_chapter(path)
            colab = f"https://colab.research.google.com/github/{repository}/blob/{branch}/{docname}.ipynb"
            binder = f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=tree/{docname}.ipynb"
            lines.append(
                f"| {{doc}}`{docname}` | {info['time']} | {info['words']:,} | "
                f"{len(info['exercises'])} | "
                f"[Colab]({colab}) · [Binder]({binder}) |"
            )
            details += [
                "",
                f"**{info['title']}** ({{doc}}`read <{docname}>`, {info['time']})",
                "",
            ]
            if info["objectives"]:
                details += ["Learners will be able to:", ""] + [
                    f"- {item}" for item in info["objectives"]
                ]
            details += ["", "Auto-checked exercises:", ""]
            details += [
                f"- {{ref}}`{label}` ({title})" if title else f"- {{ref}}`{label}`"
                for title, label in info["exercises"]
            ]
        container = nodes.container()
        self.state.nested_parse(
            StringList(lines + details, source="course-overview"),
            self.content_offset,
            container,
        )
        return container.children


def setup(app):
    app.add_directive("course-overview", CourseOverview)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
