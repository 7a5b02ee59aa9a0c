"""The toolchain check at the start of every run: a tool at another version than its pin stops
the run before any job uses the tools (harmonized), or is a warning (development)."""

import csv
import os

import pytest
from test_dag import job_counts

FAI = "results/reference/genome.fa.fai"
SAMTOOLS_DIFFERS = "samtools: found 1.17, pinned 1.16.1 (envs/samtools.yaml)"


class FakeSamtools:
    """Puts a samtools first on the PATH that says it is 1.17 and otherwise is the real one."""

    def __init__(self, bin_dir, monkeypatch):
        self.original_path = os.environ["PATH"]
        self.monkeypatch = monkeypatch
        fake = bin_dir / "samtools"
        fake.write_text(
            '#!/bin/sh\nif [ "$1" = --version ]; then echo "samtools 1.17"; exit 0; fi\n'
            'exec /usr/bin/samtools "$@"\n'
        )
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{self.original_path}")

    def remove(self):
        self.monkeypatch.setenv("PATH", self.original_path)


@pytest.fixture
def samtools_1_17(tmp_path_factory, monkeypatch):
    return FakeSamtools(tmp_path_factory.mktemp("bin"), monkeypatch)


def recorded(workdir) -> dict[str, dict]:
    path = workdir.path / "results" / "provenance" / "software_versions.tsv"
    with path.open() as fh:
        return {row["tool"]: row for row in csv.DictReader(fh, delimiter="\t")}


def test_a_tool_at_another_version_stops_the_run_before_any_tool_job(workdir, samtools_1_17):
    result = workdir.run("--cores", "2")
    assert result.returncode != 0
    assert SAMTOOLS_DIFFERS in result.stderr
    assert "toolchain: {mode: development}" in result.stderr  # what to do about it
    results = workdir.path / "results"
    assert not (results / "reference" / "genome.fa.fai").exists()
    assert not list(results.glob("qc/fastp/*/*.json"))
    assert not (results / "provenance" / "software_versions.tsv").exists()


def test_development_mode_warns_and_a_failed_check_keeps_what_was_done(workdir, samtools_1_17):
    workdir.config["toolchain"] = {"mode": "development"}
    result = workdir.run("--cores", "2", FAI)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" in result.stderr and SAMTOOLS_DIFFERS in result.stderr
    row = recorded(workdir)["samtools"]
    assert (row["version"], row["pin"], row["status"]) == ("1.17", "1.16.1", "differs")
    assert recorded(workdir)["bwa"]["status"] == "pinned"  # 0.7.17-r1188 is bwa 0.7.17

    # harmonized again: the check fails and leaves the last record and the results in place
    workdir.config["toolchain"] = {"mode": "harmonized"}
    assert workdir.run("--cores", "2", FAI).returncode != 0
    assert (workdir.path / FAI).exists() and recorded(workdir)["samtools"]["version"] == "1.17"

    # the pinned samtools back: the next run checks the toolchain and redoes nothing else
    samtools_1_17.remove()
    counts = job_counts(workdir.run("--cores", "2", FAI, "--dry-run", "--quiet", "rules"))
    assert set(counts) == {"tool_version", "toolchain_check", "software_versions"}
    assert workdir.run("--cores", "2", FAI).returncode == 0
    assert recorded(workdir)["samtools"]["status"] == "pinned"
