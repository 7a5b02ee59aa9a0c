"""One version per tool: envs/*.yaml (the pins), Debian's packages (install_tools.sh) and
requirements.txt agree; the version record parses what the tools print."""

import re

import pytest
from concord.toolchain import all_env_dependencies, pins
from concord.versions import (
    PACKAGES,
    TOOLS,
    check_versions,
    differences,
    parse_versions,
    version_command,
    version_environments,
    version_matches,
)
from conftest import REPO

# Debian package -> the conda package it stands for (tabix ships htslib's programs)
DEBIAN_TO_CONDA = {"tabix": "htslib"}
# build and test helpers, not the toolchain: a Slurm cluster for the cluster test, rsync for the
# storage plugin
NOT_PINNED_TOOLS = {
    "libpq-dev",
    "chromium",
    "shfmt",
    "munge",
    "slurmctld",
    "slurmd",
    "slurm-client",
}
NOT_PINNED_TOOLS |= {"rsync"}


def debian_versions() -> dict[str, str]:
    text = (REPO / "scripts" / "setup" / "install_tools.sh").read_text()
    entries = re.findall(r'^\s*"(\S+) (\S+) (\S+)"', text, re.MULTILINE)
    return {pkg: version for pkg, version, _ in entries if pkg not in NOT_PINNED_TOOLS}


def requirement_pins() -> dict[str, str]:
    lines = (REPO / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line.strip() and not line.startswith("#"))


def test_every_env_pins_exact_versions_one_per_package():
    p = pins()  # raises when two envs pin one package differently
    for env, deps in all_env_dependencies().items():
        for package, version in deps.items():
            assert version, f"envs/{env}.yaml: {package} has no exact version"
    assert p["samtools"] == "1.16.1"  # bioconda has no 1.16 (see docs/environments.md)
    assert p["salmon"] == "1.10.1"  # bioconda's current salmon is a 2.x rewrite


def test_pins_raise_when_two_envs_disagree(tmp_path):
    (tmp_path / "a.yaml").write_text("dependencies:\n  - samtools=1.16.1\n")
    (tmp_path / "b.yaml").write_text("dependencies:\n  - bwa=0.7.17\n  - samtools=1.15\n")
    with pytest.raises(ValueError, match="samtools is pinned to 1.16.1 in envs/a.yaml"):
        pins(tmp_path)


def test_debian_packages_are_the_pinned_versions():
    p = pins()
    for package, version in debian_versions().items():
        conda = DEBIAN_TO_CONDA.get(package, package)
        assert conda in p, f"install_tools.sh installs {package}, which no env pins"
        assert p[conda] == version, f"{package}: Debian {version}, envs pin {p[conda]}"
    assert set(TOOLS) <= set(debian_versions())


def test_requirements_pin_the_env_versions_of_python_packages():
    p, req = pins(), requirement_pins()
    for package in ("pysam", "pandas", "pyarrow", "pyyaml", "multiqc", "hgvs", "cdot", "rocrate"):
        assert req[package] == p[package], (
            f"{package}: requirements {req[package]}, env {p[package]}"
        )
    unused = {"cyvcf2", "pyranges"} & set(req)
    assert not unused, f"listed but imported by nothing: {unused}"


def test_version_output_is_parsed_per_tool_and_package():
    bwa = "\nProgram: bwa (alignment via Burrows-Wheeler transformation)\nVersion: 0.7.17-r1188\n"
    assert parse_versions("bwa", bwa) == [
        {"tool": "bwa", "version": "0.7.17-r1188", "group": "dna", "environment": "bwa"}
    ]
    rows = parse_versions("hgvs", "hgvs 1.5.7\ncdot 0.2.33\n")
    assert [(r["tool"], r["version"]) for r in rows] == [("hgvs", "1.5.7"), ("cdot", "0.2.33")]
    with pytest.raises(RuntimeError, match="cannot read the version of salmon .*not found"):
        parse_versions("salmon", "bash: salmon: command not found\n")
    assert "pysam pandas numpy pyarrow" in version_command("python")


def test_a_run_asks_only_the_envs_it_uses():
    assert "salmon" not in version_environments(rna=False, panel=True)
    assert "hgvs" not in version_environments(rna=True, panel=False)
    assert "share" not in version_environments(rna=True, panel=True)
    assert set(version_environments(rna=True, panel=True, share=True)) == {*TOOLS, *PACKAGES}


@pytest.mark.parametrize(
    ("found", "pin", "matches"),
    [
        ("0.7.17-r1188", "0.7.17", True),  # bwa prints its source revision
        ("0.7.17", "0.7.17", True),
        ("1.16.1+dfsg", "1.16.1", True),  # a local build label
        ("1.16.1", "1.16", False),  # another release, even a patch release
        ("1.16", "1.16.1", False),
        ("0.7.18", "0.7.17", False),
        ("0.7.17.1", "0.7.17", False),
        ("1.10.1-rc1", "1.10.1", False),  # a pre-release is not the release
        ("1.10.1b2", "1.10.1", False),
        ("not found", "1.10.1", False),
    ],
)
def test_a_reported_version_matches_its_pin_up_to_a_build_tag(found, pin, matches):
    assert version_matches(found, pin) is matches


def test_the_check_names_tool_found_version_and_pin():
    rows = [
        {"tool": "bwa", "version": "0.7.17-r1188", "group": "dna", "environment": "bwa"},
        {"tool": "samtools", "version": "1.17", "group": "dna", "environment": "samtools"},
        {"tool": "numpy", "version": "2.4.6", "group": "python", "environment": "python"},
    ]
    checked = check_versions(rows, {"bwa": "0.7.17", "samtools": "1.16.1"})
    assert [r["status"] for r in checked] == ["pinned", "differs", "unpinned"]
    assert differences(checked) == ["samtools: found 1.17, pinned 1.16.1 (envs/samtools.yaml)"]


def test_a_tool_that_prints_no_version_is_recorded_as_not_found():
    from concord.versions import reported_versions

    rows, unreadable = reported_versions(
        {"bwa": "Version: 0.7.17-r1188\n", "hgvs": "bash: python: command not found\n"}, "9.27.1"
    )
    assert [(r["tool"], r["version"]) for r in rows] == [
        ("snakemake", "9.27.1"), ("bwa", "0.7.17-r1188"), ("hgvs", "not found"),
        ("cdot", "not found"),
    ]  # fmt: skip
    assert "cannot read the version of hgvs" in unreadable[0]
    checked = check_versions(rows, {"bwa": "0.7.17", "hgvs": "1.5.7", "cdot": "0.2.33"})
    assert differences(checked)[0] == "hgvs: not found, pinned 1.5.7 (envs/hgvs.yaml)"
