"""Measure what the book costs to run: ``make bench``.

For every chapter notebook, executed on its own in a fresh kernel: the wall
time, its ratio to the *floor*, and the kernel's peak memory (resident set
size). The floor is a notebook holding only the set-up cell (kernel start and
TensorFlow import), run on the same machine three times before the first
chapter and once after every chapter; each chapter is divided by the mean of
the floor runs on either side of it, so the ratio means the same on a fast
laptop and a loaded CI runner, and a machine whose speed drifts during the run
(a shared one does) skews it less. Then the time of
a cold site build (every notebook executed) and of a cached rebuild with
nothing changed.

The budget: each notebook at most 4x the floor, all of them at most 3x on
average, and under 2 GB (the memory of a free Binder). Rows over budget are
flagged.

Timings belong here, not in the tests: a loaded machine must not fail CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RATIO_BUDGET = 4.0  # each notebook, times the set-up-only floor
MEAN_RATIO_BUDGET = 3.0  # the mean over all chapters
MEMORY_BUDGET = 2048.0  # MiB
FLOOR_RUNS = 3  # the floor is the median of this many runs


def run_one(path: Path) -> dict:
    """Execute one notebook in a fresh kernel; return seconds and peak MiB."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    # The kernel was this process's only child; it has exited and been waited
    # for, so the children's peak RSS is the kernel's (kilobytes on Linux).
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_mib = peak_kb / 1024 if sys.platform != "darwin" else peak_kb / 2**20
    return {"notebook": path.name, "seconds": seconds, "peak_mib": peak_mib}


def floor_notebook(folder: Path) -> Path:
    """A notebook holding only chapter 1's set-up cell, written into ``folder``."""
    import nbformat

    chapter = nbformat.read(ROOT / "chapters" / "01_neurons.ipynb", as_version=4)
    setup_cell = next(cell for cell in chapter.cells if cell.cell_type == "code")
    floor = nbformat.v4.new_notebook(cells=[setup_cell], metadata=chapter.metadata)
    path = folder / "floor.ipynb"
    nbformat.write(floor, path)
    return path


def run_in_fresh_process(path: Path, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--one", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def build_seconds(output: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(ROOT),
            "--path-output",
            str(output),
            "-n",
            "-W",
            "--keep-going",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-build", action="store_true", help="skip the build timings"
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0

    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    rows, floors = [], []
    with tempfile.TemporaryDirectory() as scratch:
        floor_path = floor_notebook(Path(scratch))

        def run_floor() -> float:
            floors.append(run_in_fresh_process(floor_path, env)["seconds"])
            return floors[-1]

        # A shared machine drifts in speed over minutes, and the floor (mostly
        # imports) and the chapters (mostly arithmetic) do not drift alike. So
        # the floor runs again between the chapters: each chapter is divided by
        # the floor measured on either side of it, at the same time.
        before = statistics.median(run_floor() for _ in range(FLOOR_RUNS))
        for path in paths:
            row = run_in_fresh_process(path, env)
            after = run_floor()
            row["floor"] = (before + after) / 2
            row["ratio"] = row["seconds"] / row["floor"]
            rows.append(row)
            before = after
            print(
                f"  ran {row['notebook']}: {row['seconds']:.1f} s, "
                f"{row['ratio']:.1f}x a floor of {row['floor']:.1f} s",
                file=sys.stderr,
            )
    floor = statistics.median(floors)
    print(
        f"  floor (set-up cell only): median {floor:.1f} s, "
        f"{min(floors):.1f} to {max(floors):.1f} s over {len(floors)} runs",
        file=sys.stderr,
    )

    print(f"\nEach notebook in a fresh kernel ({os.cpu_count()} CPU cores):\n")
    print(
        f"| {'notebook':<28} | {'wall time (s)':>13} | {'x floor':>7} "
        f"| {'peak memory (MiB)':>17} | within budget |"
    )
    print(f"| {'-' * 28} | {'-' * 13}:| {'-' * 7}:| {'-' * 17}:| ------------- |")
    print(
        f"| {'floor (set-up cell only)':<28} | {floor:>13.1f} | {1:>7.1f} | {'':>17} | {'':<13} |"
    )
    # The ratio column divides by the floor measured next to each chapter, so
    # it can differ a little from wall time / the median floor of this row.
    for row in rows:
        ok = row["ratio"] <= RATIO_BUDGET and row["peak_mib"] < MEMORY_BUDGET
        print(
            f"| {row['notebook']:<28} | {row['seconds']:>13.1f} | {row['ratio']:>7.1f} "
            f"| {row['peak_mib']:>17.0f} | {'yes' if ok else 'NO':<13} |"
        )
    total = sum(row["seconds"] for row in rows)
    mean_ratio = sum(row["ratio"] for row in rows) / len(rows)
    print(f"| {'total':<28} | {total:>13.1f} | {'':>7} | {'':>17} | {'':<13} |")
    print(f"| {'mean':<28} | {'':>13} | {mean_ratio:>7.1f} | {'':>17} | {'':<13} |")

    if not args.no_build:
        with tempfile.TemporaryDirectory() as scratch:
            cold = build_seconds(Path(scratch))
            cached = build_seconds(Path(scratch))
        print(
            f"\nSite build: cold {cold:.1f} s (executes every notebook), cached {cached:.1f} s (nothing changed)."
        )
    over = [
        row["notebook"]
        for row in rows
        if row["ratio"] > RATIO_BUDGET or row["peak_mib"] >= MEMORY_BUDGET
    ]
    if over:
        print(
            f"\nOver budget ({RATIO_BUDGET:.0f}x the floor, "
            f"{MEMORY_BUDGET:.0f} MiB): {', '.join(over)}"
        )
    if len(rows) > 1 and mean_ratio > MEAN_RATIO_BUDGET:
        print(f"\nThe mean ratio {mean_ratio:.1f}x is over {MEAN_RATIO_BUDGET:.0f}x.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
