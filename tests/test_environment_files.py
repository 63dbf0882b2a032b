"""requirements.txt pins everything, and environment.yml (Binder) stays in step with it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from sync_environment import PYTHON, linux_pins, render_environment  # noqa: E402


def _requirement_lines() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly():
    loose = [
        line
        for line in _requirement_lines()
        if not re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=*<>]+(\s*;.*)?$", line)
    ]
    assert not loose, f"unpinned requirements: {loose}"


def test_tensorflow_is_the_cpu_build_on_linux_and_the_same_version_elsewhere():
    lines = _requirement_lines()
    cpu = [line for line in lines if line.startswith("tensorflow-cpu==")]
    full = [line for line in lines if line.startswith("tensorflow==")]
    assert len(cpu) == len(full) == 1
    assert 'sys_platform == "linux"' in cpu[0] and 'sys_platform != "linux"' in full[0]
    assert cpu[0].split("==")[1].split(";")[0] == full[0].split("==")[1].split(";")[0]


def test_the_direct_dependencies_are_all_in_the_lock():
    locked = {
        re.split(r"==", line)[0].lower().replace("_", "-")
        for line in _requirement_lines()
    }
    for line in (ROOT / "requirements" / "direct.txt").read_text().splitlines():
        name = (
            re.split(r"[=<>; ]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")
        )
        if name:
            assert name in locked, (
                f"{name} is in requirements/direct.txt but not locked"
            )


def test_the_key_pins_of_the_issue():
    pins = dict(line.split(";")[0].strip().split("==") for line in _requirement_lines())
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    assert pins["jupyter-book"] == "1.0.4.post1"
    assert pins["keras"].startswith("3.")
    for name in (
        "numpy",
        "matplotlib",
        "scikit-learn",
        "scikit-image",
        "nbval",
        "pytest",
        "sphinx-exercise",
    ):
        assert name in pins


def test_environment_yml_matches_requirements():
    expected = render_environment((ROOT / "requirements.txt").read_text())
    actual = (ROOT / "environment.yml").read_text()
    assert actual == expected, "environment.yml is out of date: run `make lock`"
    environment = yaml.safe_load(actual)
    assert f"python={PYTHON}" in environment["dependencies"]
    pip_section = next(
        item for item in environment["dependencies"] if isinstance(item, dict)
    )["pip"]
    assert pip_section == linux_pins((ROOT / "requirements.txt").read_text())


def test_binder_installs_utils_after_copying_the_repository():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build


def test_pyproject_requires_the_same_python():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'requires-python = ">={PYTHON},<3.12"' in text
