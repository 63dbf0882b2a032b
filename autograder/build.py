"""Write autograder/<chapter>.zip, a Gradescope autograder for each chapter.

Each zip holds, at its top level as Gradescope asks: ``setup.sh`` (installs
Python 3.11 and the book's pinned runtime), ``run_autograder``, the grader
(``grader.py``, ``gradescope.py``), the chapter's ``manifest.json`` (its
exercises, checks and titles), the network guard, ``requirements.txt``, and
``book/`` (the ``utils`` package to install). Run ``make autograder``.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))

import grader  # noqa: E402


def _add(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    executable = name in {"setup.sh", "run_autograder"}
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, path.read_bytes())


def build(chapter: Path, output: Path) -> Path:
    manifest = grader.chapters_manifest([chapter])
    number = int(chapter.stem[:2])
    for spec in manifest.values():
        spec["name"] = f"{number}.{spec['number']}"
    target = output / f"{chapter.stem}.zip"
    uv = next(
        line
        for line in (ROOT / "requirements" / "dev.txt").read_text().splitlines()
        if line.startswith("uv==")
    )
    with zipfile.ZipFile(target, "w") as archive:
        for name in ("setup.sh", "run_autograder", "gradescope.py"):
            _add(archive, HERE / name, name)
        _add(archive, ROOT / "scripts" / "grader.py", "grader.py")
        _add(archive, ROOT / "requirements.txt", "requirements.txt")
        _add(
            archive,
            ROOT / "tests" / "netguard" / "sitecustomize.py",
            "netguard/sitecustomize.py",
        )
        archive.writestr("uv-version.txt", uv + "\n")
        archive.writestr("manifest.json", json.dumps(manifest, indent=1) + "\n")
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            _add(archive, ROOT / name, f"book/{name}")
        for path in sorted((ROOT / "utils").rglob("*.py")):
            _add(archive, path, f"book/{path.relative_to(ROOT).as_posix()}")
    return target


def main() -> int:
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    for chapter in chapters:
        target = build(chapter, HERE)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
