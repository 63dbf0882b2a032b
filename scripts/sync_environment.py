"""Generate environment.yml (for Binder's repo2docker) from requirements.txt.

requirements.txt is the one source of truth for versions. repo2docker reads
environment.yml before it copies the repository, so the file cannot simply say
``-r requirements.txt``: it lists the same pins, and ``tests/test_environment.py``
fails if the two drift apart. ``postBuild`` then installs ``utils`` itself.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = "3.11"


def linux_pins(requirements: str) -> list[str]:
    """The pins of requirements.txt that apply on Linux (Binder runs Linux)."""
    pins = []
    for line in requirements.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, _, marker = line.partition(";")
        marker = marker.replace(" ", "")
        if marker and marker != 'sys_platform=="linux"':
            continue
        pins.append(requirement.strip())
    return pins


def render_environment(requirements: str) -> str:
    body = "\n".join(f"      - {pin}" for pin in linux_pins(requirements))
    return (
        "# Binder (repo2docker) environment. Generated from requirements.txt by\n"
        "# `make lock`; do not edit by hand. postBuild installs `utils`.\n"
        "name: nn-book\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        f"  - python={PYTHON}\n"
        "  - pip\n"
        "  - pip:\n"
        f"{body}\n"
    )


def write_environment() -> None:
    requirements = (ROOT / "requirements.txt").read_text()
    (ROOT / "environment.yml").write_text(render_environment(requirements))


if __name__ == "__main__":
    write_environment()
