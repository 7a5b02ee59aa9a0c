"""The toolchain check before any job: a tool at another version than its pin stops the run
before any job runs (harmonized), or is a warning and is recorded (development)."""

import csv
import os

import pytest

FAI = "results/reference/genome.fa.fai"
SAMTOOLS_DIFFERS = "samtools: found 1.17, pinned 1.16.1 (envs/samtools.yaml)"


@pytest.fixture
def samtools_1_17(tmp_path_factory, monkeypatch):
    """A samtools first on the PATH that says it is 1.17 and otherwise is the real one."""
    bin_dir = tmp_path_factory.mktemp("bin")
    fake = bin_dir / "samtools"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = --version ]; then echo "samtools 1.17"; exit 0; fi\n'
        'exec /usr/bin/samtools "$@"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def recorded(workdir) -> dict[str, dict]:
    path = workdir.path / "results" / "provenance" / "software_versions.tsv"
    with path.open() as fh:
        return {row["tool"]: row for row in csv.DictReader(fh, delimiter="\t")}


@pytest.mark.usefixtures("samtools_1_17")
def test_a_tool_at_another_version_stops_the_run_before_any_job(workdir):
    result = workdir.run("--cores", "2")
    assert result.returncode != 0
    assert "concord toolchain check failed (no job was run)" in result.stderr
    assert SAMTOOLS_DIFFERS in result.stderr
    assert "toolchain: {mode: development}" in result.stderr  # what to do about it
    assert not (workdir.path / "results").exists()  # not even the reference link
    checked = (workdir.path / "logs" / "provenance" / "toolchain_check.tsv").read_text()
    assert "samtools\t1.17\t1.16.1\tdiffers" in checked
    assert "bwa\t0.7.17-r1188\t0.7.17\tpinned" in checked  # bwa's revision tag is bwa 0.7.17


@pytest.mark.usefixtures("samtools_1_17")
def test_in_development_mode_a_difference_is_a_warning_and_is_recorded(workdir):
    workdir.config["toolchain"] = {"mode": "development"}
    result = workdir.run("--cores", "2", FAI, "results/provenance/software_versions.tsv")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING (toolchain.mode: development)" in result.stderr
    assert SAMTOOLS_DIFFERS in result.stderr
    assert (workdir.path / FAI).exists()
    row = recorded(workdir)["samtools"]
    assert (row["version"], row["pin"], row["status"]) == ("1.17", "1.16.1", "differs")
    assert recorded(workdir)["bwa"]["status"] == "pinned"
