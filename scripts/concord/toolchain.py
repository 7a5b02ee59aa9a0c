"""The network's pins: the exact versions in `envs/*.yaml`, the one list of the reference
toolchain. Debian's packages (scripts/setup/install_tools.sh) and requirements.txt must agree
with it (tests/unit/test_toolchain.py), and every run checks the versions the tools report
against it (rule toolchain_check, concord.versions.check_versions) before any job uses them.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ENVS = Path(__file__).resolve().parents[2] / "envs"
REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"

# conda packages that are the environment itself, not a tool or library concord pins
UNPINNED = {"pip"}


def env_dependencies(path: Path) -> dict[str, str | None]:
    """{package: exact version or None} of one conda env file (conda and pip entries)."""
    env = yaml.safe_load(path.read_text())
    deps: dict[str, str | None] = {}
    for entry in env["dependencies"]:
        specs = entry["pip"] if isinstance(entry, dict) else [entry]
        for spec in specs:
            name, _, version = (
                re.split(r"(==|=)", spec, maxsplit=1) if "=" in spec else (spec, "", "")
            )
            if name not in UNPINNED:
                deps[name.strip()] = version.strip() or None
    return deps


def all_env_dependencies(envs: Path = ENVS) -> dict[str, dict[str, str | None]]:
    return {p.stem: env_dependencies(p) for p in sorted(envs.glob("*.yaml"))}


def pins(envs: Path = ENVS) -> dict[str, str]:
    """{package: version} over every env; a package pinned differently in two envs is an error."""
    found: dict[str, tuple[str, str]] = {}
    for env, deps in all_env_dependencies(envs).items():
        for package, version in deps.items():
            if version is None:
                continue
            if package in found and found[package][0] != version:
                raise ValueError(
                    f"{package} is pinned to {found[package][0]} in envs/{found[package][1]}.yaml "
                    f"and to {version} in envs/{env}.yaml"
                )
            found[package] = (version, env)
    return {package: version for package, (version, _) in sorted(found.items())}


def requirement_pins(path: Path = REQUIREMENTS) -> dict[str, str]:
    """{package: version} of requirements.txt (the workflow's own Python side, snakemake)."""
    pins_ = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins_[name.strip()] = version.strip()
    return pins_


def network_pins() -> dict[str, str]:
    """Every pin: the envs, and requirements.txt for what no env holds (snakemake)."""
    return {**requirement_pins(), **pins()}
