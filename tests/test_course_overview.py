"""The instructors' overview reads every chapter's objectives, time and size."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book_extensions"))

from course_overview import _objectives, describe_chapter  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
READING_SPEED = 200  # words a minute, a generous pace for technical prose


def test_objectives_are_read_from_a_list_or_from_a_sentence():
    listed = (
        "**You will be able to**\n- add numbers;\n- subtract\n  them.\n\n**You need**"
    )
    assert _objectives(listed) == ["add numbers", "subtract them"]
    inline = "**You will be able to** add numbers; subtract them; and divide.\n\nMore"
    assert _objectives(inline) == ["add numbers", "subtract them", "divide"]
    assert _objectives("No objectives here.") == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_states_objectives_and_a_time_it_can_keep(path):
    info = describe_chapter(path)
    assert len(info["objectives"]) >= 3, f"{path.name}: objectives not found"
    minutes = sum(int(n) for n in re.findall(r"(\d+) minutes", info["time"]))
    assert minutes, f"{path.name}: no **Time:** in minutes"
    reading = info["words"] / READING_SPEED
    assert minutes >= reading, (
        f"{path.name} states {minutes} minutes, but reading its {info['words']} "
        f"words alone takes about {reading:.0f} minutes"
    )


def test_the_glossary_links_each_term_to_its_chapter():
    glossary = (ROOT / "glossary.md").read_text()
    plain = re.findall(r"\(Chapters? \d[^)]*\)", glossary)
    assert not plain, f"glossary references that are not links: {plain[:3]}"
    for target in re.findall(r"<(chapters/[^>]+)>", glossary):
        assert (ROOT / f"{target}.ipynb").exists(), f"glossary links to {target}"


#: Every chapter ends with these sections, in this order.
CLOSING_SECTIONS = ["Summary", "Exercises", "Further reading", "References"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_summary_exercises_reading_and_references(path):
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    headings = [
        line[3:].strip()
        for source in markdown
        for line in source.splitlines()
        if line.startswith("## ")
    ]
    closing = [heading for heading in headings if heading in CLOSING_SECTIONS]
    assert closing == CLOSING_SECTIONS, f"{path.name}: sections {closing}"
    assert headings[-len(CLOSING_SECTIONS) :] == CLOSING_SECTIONS, (
        f"{path.name}: {headings[-len(CLOSING_SECTIONS) :]} end the chapter"
    )
    text = "\n".join(markdown)
    reading = text.split("## Further reading", 1)[1].split("## References", 1)[0]
    cited = re.findall(r"\{footcite:[tp]\}`([^`]+)`", reading)
    assert len(cited) >= 3, f"{path.name}: further reading cites {cited}"
    exercises = re.findall(r"```\{exercise\}", text)
    assert len(exercises) >= 3, f"{path.name}: {len(exercises)} exercises"
