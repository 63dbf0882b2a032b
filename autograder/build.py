"""Write autograder/<chapter>.zip, a Gradescope autograder for each chapter.

Each zip holds, at its top level as Gradescope asks: ``setup.sh`` (installs
Python 3.11 and the book's pinned runtime), ``run_autograder``, the grader
(``grader.py``, ``assessment.py``, ``gradescope.py``), the chapter's
``manifest.json`` (its exercises, checks and titles), the network guard,
``requirements.txt``, ``book/`` (the ``utils`` package to install) and
``assessment-secret.txt``, the secret of the hidden inputs: the value of
``NN_BOOK_ASSESSMENT_SECRET`` if set, else a new random one per build. Run
``make autograder``; upload the zips to Gradescope, never give them to learners.
The chapters are whatever ``chapters/NN_*.ipynb`` holds; zips of chapters that
no longer exist are removed.
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


def build(chapter: Path, output: Path, secret: str | None = None) -> Path:
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
        for name in ("grader.py", "assessment.py"):
            _add(archive, ROOT / "scripts" / name, name)
        info = zipfile.ZipInfo(grader.assessment.SECRET_FILE, (2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o600 << 16
        secret = secret or grader.assessment.read_secret(Path("/nonexistent"))
        archive.writestr(info, (secret or grader.assessment.new_secret()) + "\n")
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
    chapters = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    wanted = {f"{chapter.stem}.zip" for chapter in chapters}
    for stale in HERE.glob("*.zip"):
        if stale.name not in wanted:
            stale.unlink()
            print(f"removed {stale.relative_to(ROOT)} (no such chapter now)")
    for chapter in chapters:
        target = build(chapter, HERE)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
