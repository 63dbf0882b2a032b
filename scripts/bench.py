"""Measure what the book costs to run: ``make bench``.

For every chapter notebook, executed on its own in a fresh kernel: the wall
time and the kernel's peak memory (resident set size). Then the time of a cold
site build (every notebook executed) and of a cached rebuild with nothing
changed. The budget for each notebook is well under a minute and under 2 GB,
the memory of a free Binder; rows over budget are flagged.

Timings belong here, not in the tests: a loaded machine must not fail CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_BUDGET = 60.0  # seconds
MEMORY_BUDGET = 2048.0  # MiB


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
    rows = []
    for path in paths:
        result = subprocess.run(
            [sys.executable, __file__, "--one", str(path)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        row = rows[-1]
        print(f"  ran {row['notebook']}: {row['seconds']:.1f} s", file=sys.stderr)

    print(f"\nEach notebook in a fresh kernel ({os.cpu_count()} CPU cores):\n")
    print(
        f"| {'notebook':<28} | {'wall time (s)':>13} | {'peak memory (MiB)':>17} | within budget |"
    )
    print(f"| {'-' * 28} | {'-' * 13}:| {'-' * 17}:| ------------- |")
    for row in rows:
        ok = row["seconds"] < TIME_BUDGET and row["peak_mib"] < MEMORY_BUDGET
        print(
            f"| {row['notebook']:<28} | {row['seconds']:>13.1f} | {row['peak_mib']:>17.0f} | "
            f"{'yes' if ok else 'NO':<13} |"
        )
    total = sum(row["seconds"] for row in rows)
    print(f"| {'total':<28} | {total:>13.1f} | {'':>17} | {'':<13} |")

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
        if row["seconds"] >= TIME_BUDGET or row["peak_mib"] >= MEMORY_BUDGET
    ]
    if over:
        print(
            f"\nOver budget ({TIME_BUDGET:.0f} s, {MEMORY_BUDGET:.0f} MiB): {', '.join(over)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
