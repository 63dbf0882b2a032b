"""The locks pin everything, the readers' lock is a subset of the developers',
and environment.yml (Binder) stays in step with the readers' lock."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from sync_environment import PYTHON, binder_pins, render_environment  # noqa: E402

RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"
DEV_TOOLS = {"pytest", "ruff", "jupyter-book", "playwright", "sphinx", "nbval", "uv"}


def _name(requirement: str) -> str:
    return (
        re.split(r"[=<>;\[ ]", requirement.strip(), maxsplit=1)[0]
        .lower()
        .replace("_", "-")
    )


def _lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.strip().startswith(("#", "-r", "-c"))
    ]


def _pins(path: Path) -> dict[tuple[str, str], str]:
    """{(name, marker): version} of a lock."""
    pins = {}
    for line in _lines(path):
        requirement, _, marker = line.partition(";")
        name, version = requirement.split("==")
        pins[(_name(name), marker.strip())] = version.strip()
    return pins


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_every_requirement_is_pinned_exactly(lock):
    loose = [
        line
        for line in _lines(lock)
        if not re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=*<>]+(\s*;.*)?$", line)
    ]
    assert not loose, f"unpinned requirements in {lock.name}: {loose}"


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_tensorflow_is_the_cpu_build_on_linux_and_the_same_version_elsewhere(lock):
    pins = _pins(lock)
    cpu = {m: v for (n, m), v in pins.items() if n == "tensorflow-cpu"}
    full = {m: v for (n, m), v in pins.items() if n == "tensorflow"}
    assert list(cpu) == ["sys_platform == 'linux'"]
    assert list(full) == ["sys_platform != 'linux'"]
    assert set(cpu.values()) == set(full.values())


@pytest.mark.parametrize(
    "source, lock",
    [("runtime.in", RUNTIME_LOCK), ("dev.in", DEV_LOCK)],
    ids=["runtime", "dev"],
)
def test_the_direct_dependencies_are_all_in_their_lock(source, lock):
    locked = {name for name, _ in _pins(lock)}
    wanted = {_name(line) for line in _lines(ROOT / "requirements" / source)}
    assert wanted <= locked, f"not locked: {wanted - locked}"


def test_the_readers_lock_is_the_developers_lock_less_the_tools():
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    assert {k: v for k, v in runtime.items() if k in dev} == runtime, (
        "requirements.txt pins a version that requirements/dev.txt does not: "
        "run `make lock`"
    )
    assert not {name for name, _ in runtime} & DEV_TOOLS


def test_the_locks_cover_linux_macos_windows_and_python_3_11_to_3_13():
    markers = " ".join(marker for _, marker in _pins(DEV_LOCK))
    # A universal lock carries the platform-specific packages of each platform.
    for platform_package in ("appnope", "colorama", "pywinpty"):
        assert platform_package in {name for name, _ in _pins(DEV_LOCK)}
    assert "sys_platform" in markers


def test_the_key_pins():
    pins = {name: version for (name, _), version in _pins(DEV_LOCK).items()}
    assert pins["jupyter-book"] == "1.0.4.post1"
    assert pins["keras"].startswith("3.")
    for name in ("numpy", "matplotlib", "scikit-learn", "scikit-image", "nbval"):
        assert name in pins


def test_environment_yml_is_the_readers_lock_on_linux():
    expected = render_environment(RUNTIME_LOCK.read_text())
    actual = (ROOT / "environment.yml").read_text()
    assert actual == expected, "environment.yml is out of date: run `make lock`"
    environment = yaml.safe_load(actual)
    assert f"python={PYTHON}" in environment["dependencies"]
    pip_section = next(
        item for item in environment["dependencies"] if isinstance(item, dict)
    )["pip"]
    assert pip_section == binder_pins(RUNTIME_LOCK.read_text())
    names = {_name(pin) for pin in pip_section}
    assert {"jupyterlab-myst", "jupyterlab", "notebook", "tensorflow-cpu"} <= names
    assert not names & DEV_TOOLS
    assert "pywinpty" not in names and "tensorflow" not in names


def test_binder_installs_utils_after_copying_the_repository():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build


def test_the_package_installs_on_python_3_11_and_newer():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in text


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_does_not_reinstall_when_only_a_date_changed(tmp_path):
    for name in ("Makefile", "pyproject.toml", "requirements/dev.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    checksum = subprocess.run(
        "cat requirements/dev.txt pyproject.toml | cksum | cut -d' ' -f1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / f".installed-{checksum}").touch()

    def up_to_date() -> bool:
        return subprocess.run(["make", "-q", "install"], cwd=tmp_path).returncode == 0

    assert up_to_date()
    subprocess.run(["touch", "requirements/dev.txt", "pyproject.toml"], cwd=tmp_path)
    assert up_to_date(), "touching the lock made make want to reinstall"
    with (tmp_path / "requirements" / "dev.txt").open("a") as lock:
        lock.write("six==1.16.0\n")
    assert not up_to_date(), "a changed pin must reinstall"
