"""The demo on a real Slurm cluster through profiles/slurm (tests/slurm_cluster.py): the same
standardized outputs as a local run, byte for byte, with the small jobs kept local."""

import re

import pytest
import yaml
from conftest import REPO, Workdir, differing_files, record_wall_time, standardized_files
from slurm_cluster import PLACEHOLDER, slurm_profile

# local rules: they run in the main Snakemake process and never wait in Slurm's queue
LOCAL_RULES = {
    "link_reference", "tool_version", "software_versions", "calling_chunks", "brca_regions",
    "multiqc_run_config",
}  # fmt: skip
# group jobs: several small jobs that follow one another share one allocation
GROUPS = {"align_unit", "bam_qc", "joint_calls", "standard_vcf", "transcriptome", "quant"}


def submitted(stderr: str) -> list[str]:
    """The name of every Slurm job the run submitted: `rule_<rule>` or `group_<group>_...`."""
    return re.findall(r"submitted with SLURM jobid \d+ \(log: .*/slurm_logs/([^/]+)/", stderr)


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, tmp_path_factory):
    w = Workdir(tmp_path_factory.mktemp("demo_slurm"))
    result = w.run(
        "--profile", slurm_profile(slurm_cluster, w.path),
        # poll every few seconds instead of the plugin's 40: a test waits for each of ~55 jobs
        "--slurm-init-seconds-before-status-checks", "2",
        timeout=1200,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:] + slurm_cluster.log("slurmctld")[-2000:]
    record_wall_time("demo, Slurm (profiles/slurm)", result.seconds)
    w.stderr = result.stderr
    return w


def test_the_slurm_profile_is_what_a_centre_needs():
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert profile["slurm-status-command"] == "squeue"  # sacct fails without slurmdbd
    assert profile["default-resources"]["slurm_partition"] == PLACEHOLDER
    assert "slurm_account" not in profile["default-resources"]  # checked with sacctmgr
    assert profile["retries"] >= 1


def test_on_slurm_the_standardized_outputs_are_those_of_a_local_run(slurm_run, run_two_threads):
    local = standardized_files(run_two_threads.path / "results")
    assert len(local) == 18  # 2 somatic, 2 germline VCFs, 2 x 4 BRCA files, 6 expression tables
    assert not differing_files(local, standardized_files(slurm_run.path / "results"))


def grouped_rules() -> set[str]:
    """Rules with a `group:` directive (rules/*.smk)."""
    grouped = set()
    for smk in (REPO / "rules").glob("*.smk"):
        for block in re.split(r"^rule ", smk.read_text(), flags=re.M)[1:]:
            name, _, body = block.partition(":")
            if re.search(r"^    group:", body.split("\n\n\n")[0], flags=re.M):
                grouped.add(name)
    return grouped


def job_stats(stderr: str) -> dict[str, int]:
    """Snakemake's "Job stats" table of the run: {rule: jobs}."""
    table = stderr.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


def test_jobs_ran_in_slurm_except_the_local_rules_and_small_jobs_shared_allocations(slurm_run):
    names = submitted(slurm_run.stderr)
    rules = [m.group(1) for n in names if (m := re.match(r"rule_(\w+?)(_wildcards_|$)", n))]
    groups = {n.removeprefix("group_") for n in names if n.startswith("group_")}
    assert {"bwa_index", "freebayes_chunk", "mosdepth", "brca_report"} <= set(rules)
    assert not set(rules) & LOCAL_RULES
    assert not set(rules) & grouped_rules()  # a grouped job never pays the queue alone
    assert {next(g for g in GROUPS if name.startswith(g)) for name in groups} == GROUPS
    # every other job is one submission; the groups save the rest
    jobs = job_stats(slurm_run.stderr)
    alone = {
        r: n for r, n in jobs.items() if r not in LOCAL_RULES | grouped_rules() | {"all", "total"}
    }
    assert {r: rules.count(r) for r in alone} == alone
    for_slurm = jobs["total"] - sum(jobs.get(r, 0) for r in LOCAL_RULES | {"all"})
    assert len(names) < for_slurm
