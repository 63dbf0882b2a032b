"""Grade a Gradescope submission of one chapter into results/results.json.

Gradescope unzips the autograder into ``$AUTOGRADER_ROOT/source`` (default
``/autograder``), puts the learner's files in ``submission/`` and reads
``results/results.json``. Each exercise of the chapter (``manifest.json``) is
one test worth one point; its output is the check's message. The executed
notebook is kept in ``results/`` for the teacher.

A submission is graded work, so every exercise is assessed (``assessment.py``):
the checks also run on hidden inputs drawn from the secret ``make autograder``
wrote into the zip, and a call the exercise forbids is ``flagged`` (no point).
The secret file is read and deleted before the learner's notebook runs, so
the learner's code cannot read it (Gradescope starts each submission from a
fresh copy of the autograder).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent
sys.path.insert(0, str(SOURCE))

import assessment  # noqa: E402
import grader  # noqa: E402


def take_secret() -> str:
    """The zip's secret (or the environment's), removed before any notebook runs."""
    secret = assessment.read_secret(SOURCE) or assessment.new_secret()
    os.environ.pop(assessment.SECRET_VARIABLE, None)
    try:
        (SOURCE / assessment.SECRET_FILE).unlink(missing_ok=True)
    except OSError:
        pass
    return secret


def results(root: Path, secret: str) -> dict:
    manifest = json.loads((SOURCE / "manifest.json").read_text())
    submissions = sorted(
        path
        for path in (root / "submission").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )
    found: dict[str, dict] = {}
    if submissions:
        report = grader.grade_notebook(
            submissions[0],
            manifest=manifest,
            timeout=float(os.environ.get("AUTOGRADER_TIMEOUT", 600)),
            memory_mib=int(os.environ.get("AUTOGRADER_MEMORY", 4096)),
            netguard=SOURCE / "netguard",
            executed=root / "results" / "executed.ipynb",
            secret=secret,
        )
        found = {entry["exercise"]: entry for entry in report["exercises"]}
        output = f"Graded {submissions[0].name}: {report['status']}."
        if len(submissions) > 1:
            output += f" Only this one of the {len(submissions)} notebooks was graded."
        if "" in found:
            output += " " + found[""]["message"]
    else:
        output = "No .ipynb file in the submission: upload your executed notebook."
    tests = []
    for label, spec in manifest.items():
        entry = found.get(label, {"verdict": "not attempted", "message": "not found"})
        passed = entry["verdict"] == "passed"
        tests.append(
            {
                "name": f"Exercise {spec['name']}: {spec['title']} ({label})",
                "score": 1.0 if passed else 0.0,
                "max_score": 1.0,
                "status": "passed" if passed else "failed",
                "output": f"{entry['verdict']}: {entry['message']}",
                "visibility": "visible",
            }
        )
    return {
        "score": sum(test["score"] for test in tests),
        "output": output,
        "visibility": "visible",
        "tests": tests,
    }


def main() -> int:
    secret = take_secret()
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    (root / "results").mkdir(parents=True, exist_ok=True)
    text = json.dumps(results(root, secret), indent=1, ensure_ascii=False)
    (root / "results" / "results.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
