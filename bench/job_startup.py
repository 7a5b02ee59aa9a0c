"""Time a cluster job's start-up on a sheet of many pairs: what each job pays before its tool.

A Slurm job of concord runs `python -m snakemake --mode remote --target-jobs ...` (twice with
the Slurm plugin: once in the batch step, once in the srun step), which parses the whole
workflow, rules/common.smk's checks included, then runs one job. This times that command for a
job that does almost nothing (`tool_version` of bwa), and, in one process, the part of the
parse that is concord's own input checking: what the main process checks, and what a job
repeats (before: everything; after: re-reading the sheets). Sheets: N patients, each a tumour
and a normal DNA sample with one unit of tiny FASTQs.

    .venv/bin/python bench/job_startup.py [--repo DIR] [--pairs 200] [--repeat 5] [--gtf-lines N]

--repo: the concord checkout to time (e.g. an older commit unpacked with `git archive`).
--gtf-lines: also time the checks with a GTF of about N lines (the demo's genes repeated; a
GENCODE GTF has about 3.4 million), instead of the demo's 66.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from common import write_sheets

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
    return write_sheets(run, config, samples, units)


def write_large_gtf(repo: Path, run: Path, lines: int) -> str:
    """The demo GTF's genes repeated under new ids (same contigs) to about `lines` lines."""
    demo = (repo / "resources" / "demo" / "annotation" / "demo.gtf").read_text().splitlines()
    out = run / "large.gtf"
    with out.open("w") as fh:
        fh.writelines(f"{line}\n" for line in demo)  # the panel transcripts keep their ids
        for copy in range(1, lines // len(demo) + 1):
            fh.writelines(line.replace('_id "', f'_id "c{copy}.') + "\n" for line in demo)
    return str(out)


# run in a fresh interpreter with the repo's own package: concord's parse-time checks only
CHECKS = """
import json, sys, time
from pathlib import Path
import yaml
repo, configfile, gtf = sys.argv[1:4]
sys.path.insert(0, f"{repo}/scripts")
from concord import samplesheet
from concord.config import check_paths_exist, validate_config
from concord.reference import check_gtf
schemas = Path(repo) / "rules" / "schemas"
config = yaml.safe_load(open(configfile))
if gtf:
    config["annotation"]["gtf"] = gtf
start = time.perf_counter()
config = validate_config(config, samplesheet.load_schema(schemas / "config.schema.yaml"), "c")
check_paths_exist(config, "c")
check_gtf(config["annotation"]["gtf"], config["reference"]["fasta"], None,
          [p["transcript"] for p in config["panel"]])
samplesheet.load_sheets(config["samples"], config["units"],
                        samplesheet.load_schema(schemas / "samples.schema.yaml"),
                        samplesheet.load_schema(schemas / "units.schema.yaml"))
checks = time.perf_counter() - start
start = time.perf_counter()
if hasattr(samplesheet, "read_checked_sheets"):
    validate_config(config, samplesheet.load_schema(schemas / "config.schema.yaml"), "c")
    samplesheet.read_checked_sheets(config["samples"], config["units"])
    job = time.perf_counter() - start
else:
    job = checks  # before: every parse, in every job, ran all the checks
print(json.dumps({"checks": checks, "job": job}))
"""


def concord_checks(repo: Path, configfile: Path, gtf: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHECKS, str(repo), str(configfile), gtf],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


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
    parser.add_argument("--gtf-lines", type=int, default=0)
    parser.add_argument("--no-snakemake", action="store_true", help="only concord's checks")
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
        gtf = write_large_gtf(repo, run, args.gtf_lines) if args.gtf_lines else ""
        checks = [concord_checks(repo, configfile, gtf) for _ in range(args.repeat)]
        timings = {
            "concord's checks in the main process": [c["checks"] for c in checks],
            "concord's checks in each parse of a job": [c["job"] for c in checks],
        }
        if not args.no_snakemake:
            timed(job, run)  # warm the file cache and Python's bytecode cache
            timings["a whole cluster job (tool_version)"] = [
                timed(job, run) for _ in range(args.repeat)
            ]
            timings["main process dry run"] = [timed(dry, run) for _ in range(args.repeat)]
    gtf_lines = f"a GTF of ~{args.gtf_lines} lines" if args.gtf_lines else "the demo GTF"
    print(f"repo {repo}, {args.pairs} pairs, {gtf_lines}, median of {args.repeat} (min-max):")
    for name, times in timings.items():
        print(f"  {name}: {statistics.median(times):.3f} s ({min(times):.3f}-{max(times):.3f})")


if __name__ == "__main__":
    main()
