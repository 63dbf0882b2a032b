#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image: a Python
# 3.11 environment with the book's pinned runtime (requirements.txt) and its
# utils package, in /autograder/venv.
set -euxo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
apt-get update -q && apt-get install -y -q python3-pip curl
python3 -m pip install --quiet "$(cat "$SOURCE/uv-version.txt")"
python3 -m uv venv --python 3.11 "$ROOT/venv"
python3 -m uv pip sync --python "$ROOT/venv/bin/python" "$SOURCE/requirements.txt"
python3 -m uv pip install --python "$ROOT/venv/bin/python" --no-deps "$SOURCE/book"
