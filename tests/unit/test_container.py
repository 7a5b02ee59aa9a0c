"""containers/Dockerfile: it parses, and it installs the reference toolchain at exactly the pins
of envs/*.yaml and requirements.txt (it cannot be built here: no cgroups, no conda channels)."""

import re

from concord.toolchain import all_env_dependencies, pins, requirement_pins
from conftest import REPO

DOCKERFILE = REPO / "containers" / "Dockerfile"
INSTRUCTIONS = {
    "FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "WORKDIR", "USER", "LABEL", "ENTRYPOINT", "CMD",
    "SHELL", "EXPOSE", "VOLUME", "HEALTHCHECK", "ONBUILD", "STOPSIGNAL",
}  # fmt: skip
# installed by pip from requirements.txt in the image (their pins are checked against the envs
# in test_toolchain.py), not by micromamba
# what requirements.txt pins, the image installs with pip (the same versions: test_toolchain)
FROM_REQUIREMENTS = set(requirement_pins())
BUILD_HELPERS = {"psycopg2"}  # hgvs's database driver, prebuilt so pip needs no compiler


def instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) per instruction: comments dropped, continuations joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def micromamba_packages() -> dict[str, str | None]:
    runs = [args for name, args in instructions() if name == "RUN" and "micromamba install" in args]
    assert len(runs) == 1, "one micromamba install of the whole toolchain"
    words = runs[0].split("&&")[0].split()
    specs = [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
    specs = [w for w in specs if w not in {"conda-forge", "bioconda", "base"}]
    return {s.split("=")[0]: (s.split("=")[1] if "=" in s else None) for s in specs}


def test_the_dockerfile_parses():
    parsed = instructions()
    assert parsed[0][0] == "FROM" and ":" in parsed[0][1], "a tagged base image first"
    unknown = [name for name, _ in parsed if name not in INSTRUCTIONS]
    assert not unknown, unknown


def test_every_tool_in_the_image_is_at_its_pin():
    packages, p = micromamba_packages(), pins()
    for name, version in packages.items():
        if name in BUILD_HELPERS:
            continue
        assert version is not None, f"{name} is not pinned in containers/Dockerfile"
        assert p.get(name) == version, f"{name}: Dockerfile {version}, envs/*.yaml {p.get(name)}"
    conda_tools = {
        name
        for deps in all_env_dependencies().values()
        for name in deps
        if name not in FROM_REQUIREMENTS
    }
    missing = conda_tools - set(packages)
    assert not missing, f"envs/ pin what the image lacks: {sorted(missing)}"


def test_the_image_installs_requirements_txt():
    runs = [args for name, args in instructions() if name == "RUN"]
    assert any(re.search(r"pip install .*-r \S*requirements\.txt", r) for r in runs)
    copies = [args for name, args in instructions() if name == "COPY"]
    assert any("requirements.txt" in c for c in copies)
