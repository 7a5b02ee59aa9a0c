"""A job killed for using more memory than it asked for is retried with more (mem_mb grows with
the attempt, concord.resources): under `ulimit -v` here, and under Slurm's own enforcement."""

import subprocess
from pathlib import Path

from conftest import SNAKEMAKE
from slurm_cluster import slurm_profile

SNAKEFILE = str(Path(__file__).parent / "memory_retry" / "Snakefile")
# attempt 1 asks for 600 MB, the job needs 700 MB (and, under Slurm, the ~200 MB of the
# Snakemake process in the same job step): killed; attempt 2 asks for 1200 MB: enough
SIZES = ("base_mb=600", "need_mb=700")


def grow(directory, *args, timeout=300):
    cmd = ["timeout", "-k", "30", str(timeout), str(SNAKEMAKE), "--snakefile", SNAKEFILE,
           "--directory", str(directory), *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60)


def test_a_job_over_its_memory_limit_is_retried_with_more_under_ulimit(tmp_path):
    result = grow(tmp_path, "--cores", "1", "--retries", "1", "--config", *SIZES, "ulimit=True")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("Error in rule grow") == 1  # attempt 1
    assert (tmp_path / "grown.txt").read_text() == "mem_mb=1200\n"  # attempt 2, twice the memory


def test_without_retries_the_memory_limit_stops_the_run(tmp_path):
    result = grow(tmp_path, "--cores", "1", "--retries", "0", "--config", *SIZES, "ulimit=True")
    assert result.returncode != 0
    assert "MemoryError" in (tmp_path / "logs" / "grow.log").read_text()


def test_a_job_slurm_kills_for_memory_is_retried_with_more(slurm_cluster, tmp_path):
    result = grow(
        tmp_path, "--profile", slurm_profile(slurm_cluster, tmp_path),
        "--slurm-init-seconds-before-status-checks", "2", "--config", *SIZES, "ulimit=False",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "grown.txt").read_text() == "mem_mb=1200\n"
    # the plugin keeps the Slurm log of a failed job: Slurm's own verdict on attempt 1
    failed = list((tmp_path / ".snakemake" / "slurm_logs").rglob("*.log"))
    assert any("exceeded memory limit" in log.read_text() for log in failed), failed
