"""Time a cluster job's start-up on a sheet of many pairs: what each job pays before its tool.

A Slurm job of concord runs `python -m snakemake --mode remote --target-jobs ...` (twice with
the Slurm plugin: once in the batch step, once in the srun step), which parses the whole
workflow, rules/common.smk's checks included, then runs one job. This times that command for a
job that does almost nothing (`tool_version` of bwa) and, for comparison, the main process's
dry run. Sheets: N patients, each a tumour and a normal DNA sample with one unit of tiny FASTQs.

    .venv/bin/python bench/job_startup.py [--repo DIR] [--pairs 200] [--repeat 5]

--repo: the concord checkout to time (e.g. an older commit unpacked with `git archive`).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parents[1]


def write_run(repo: Path, run: Path, pairs: int) -> Path:
    """A run directory: the demo's reference and annotation, `pairs` tumour/normal pairs."""
    config = yaml.safe_load((repo / "config" / "config.yaml").read_text())
    config["reference"]["fasta"] = str(repo / config["reference"]["fasta"])
    config["annotation"] = {k: str(repo / v) for k, v in config["annotation"].items()}
    reads = run / "reads"
    reads.mkdir(parents=True)
    samples = ["sample_id\tpatient_id\trole\tassay"]
    units = ["sample_id\tunit_id\tfastq_1\tfastq_2\tplatform"]
    record = b"@r1\nACGT\n+\nIIII\n"
    for i in range(1, pairs + 1):
        for role in ("tumor", "normal"):
            sample = f"P{i:04d}-{role}"
            samples.append(f"{sample}\tP{i:04d}\t{role}\tdna")
            fastqs = []
            for mate in (1, 2):
                path = reads / f"{sample}_R{mate}.fastq.gz"
                path.write_bytes(gzip.compress(record, mtime=0))
                fastqs.append(str(path))
            units.append(f"{sample}\tL001\t{fastqs[0]}\t{fastqs[1]}\tILLUMINA")
    (run / "config").mkdir()
    (run / "config" / "samples.tsv").write_text("\n".join(samples) + "\n")
    (run / "config" / "units.tsv").write_text("\n".join(units) + "\n")
    config["samples"] = str(run / "config" / "samples.tsv")
    config["units"] = str(run / "config" / "units.tsv")
    configfile = run / "config" / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    return configfile


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory(prefix="concord-startup-") as tmp:
        run = Path(tmp)
        configfile = write_run(repo, run, args.pairs)
        base = [sys.executable, "-m", "snakemake", "--snakefile", str(repo / "Snakefile"),
                "--directory", str(run), "--configfiles", str(configfile)]  # fmt: skip
        job = [*base, "--mode", "remote", "--target-jobs", "tool_version:env=bwa",
               "--allowed-rules", "tool_version", "--cores", "1", "--force", "--nolock",
               "--target-files-omit-workdir-adjustment", "--max-inventory-time", "0",
               "--no-hooks", "--ignore-incomplete", "--quiet", "all"]  # fmt: skip
        dry = [*base, "--dry-run", "--quiet", "rules", "--nolock"]
        timed(job, run)  # warm the file cache and Python's bytecode cache
        jobs = [timed(job, run) for _ in range(args.repeat)]
        drys = [timed(dry, run) for _ in range(args.repeat)]
    print(f"repo {repo}, {args.pairs} pairs, {args.repeat} runs each (median, min-max):")
    for name, times in (("cluster job (tool_version)", jobs), ("main process dry run", drys)):
        print(f"  {name}: {statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f})")


if __name__ == "__main__":
    main()
