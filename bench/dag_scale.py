"""Time `snakemake -n` (the whole DAG, no job run) on generated sheets of many pairs.

A network-wide sample sheet must not make Snakemake crawl before the first job (issue 18,
target 1). Each size is a run directory with the demo's config (reference, annotation, panel,
expression, share bundle) and N patients, each a tumour and a normal DNA sample and a tumour
RNA sample with one unit of tiny real FASTQs (one gzip record, hard-linked: every unit names
its own files, as the sheet check requires, without N copies on disk). The command timed is
what a user types, from the repository's Snakefile, with the dry run's job list written to a
file (its table of jobs per rule gives the job count):

    snakemake --snakefile Snakefile --directory RUN --configfile RUN/config/config.yaml -n

    .venv/bin/python bench/dag_scale.py [--pairs 200,1000,10000] [--repeat 3] [--once-from 10000]
        [--chunks N]

Sizes of --once-from pairs and more are run once (a 10,000-pair dry run takes minutes).
--trivial also times, once per size, a workflow of as many jobs that do nothing (chains as deep
as concord's per pair): Snakemake's own cost of planning that many jobs.
Targets: 1,000 pairs <= 60 s and <= 1 GB peak; 10,000 pairs <= 10 min and <= 8 GB.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from common import REPO, median, summary, timed, write_sheets

SNAKEMAKE = REPO / ".venv" / "bin" / "snakemake"
KEY = "concord-bench-centre-key-" + "5f" * 20
CONSENT = "yes\tGRU\t\tPUB\tv2"
TARGETS = {1000: (60.0, 1e9 / 2**20), 10000: (600.0, 8e9 / 2**20)}  # pairs: (s, MiB); GB = 1e9 B


def write_run(run: Path, pairs: int, chunks: int | None = None) -> Path:
    """A run directory for `pairs` patients (tumour + normal DNA, tumour RNA); its configfile.
    `chunks`: the config's `calling.chunks` (freebayes jobs per pair) instead of the demo's."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    if chunks is not None:
        config.setdefault("calling", {})["chunks"] = chunks
    config["reference"]["fasta"] = str(REPO / config["reference"]["fasta"])
    config["annotation"] = {k: str(REPO / v) for k, v in config["annotation"].items()}
    config["share"]["duo"] = str((REPO / config["share"]["duo"]).resolve())
    run.mkdir(parents=True)
    key = run / "centre.key"
    key.write_text(KEY + "\n")
    key.chmod(0o600)
    config["share"]["key"] = str(key)
    reads = run / "reads"
    reads.mkdir()
    one = run / "one.fastq.gz"
    one.write_bytes(gzip.compress(b"@r1\nACGTACGTAC\n+\nIIIIIIIIII\n", mtime=0))
    samples = [
        "sample_id\tpatient_id\trole\tassay\ttissue\tsex\ttumor_content\tconsent_share"
        "\tconsent_permission\tconsent_disease\tconsent_modifiers\tconsent_version"
    ]
    units = ["sample_id\tunit_id\tfastq_1\tfastq_2\tplatform\tlibrary_id"]
    for i in range(1, pairs + 1):
        patient = f"P{i:05d}"
        for role, assay, tissue, content in (
            ("tumor", "dna", "breast", "0.8"),
            ("normal", "dna", "blood", ""),
            ("tumor", "rna", "breast", "0.8"),
        ):
            sample = f"{patient}-{'rna' if assay == 'rna' else role}"
            samples.append(
                f"{sample}\t{patient}\t{role}\t{assay}\t{tissue}\tfemale\t{content}\t{CONSENT}"
            )
            fastqs = []
            for mate in (1, 2):
                path = reads / f"{sample}_L001_R{mate}.fastq.gz"
                os.link(one, path)
                fastqs.append(str(path))
            units.append(f"{sample}\tL001\t{fastqs[0]}\t{fastqs[1]}\tILLUMINA\t{sample}-lib1")
    return write_sheets(run, config, samples, units)


def write_trivial(run: Path, jobs: int, chain: int) -> Path:
    """Snakemake's own floor: a workflow of `jobs` jobs that do nothing, in chains of `chain`
    rules (one chain per pair, as deep as concord's), no input functions, no resources, no
    conda: what any workflow of that size costs Snakemake to plan."""
    run.mkdir(parents=True)
    chains = max(1, round(jobs / chain))
    rules = [f"rule all:\n    input:\n        expand('t/{{i}}.{chain - 1}', i=range({chains}))\n"]
    for k in range(chain):
        source = f"    input:\n        't/{{i}}.{k - 1}',\n" if k else ""
        rules.append(
            f"rule r{k}:\n{source}    output:\n        't/{{i}}.{k}',\n"
            "    shell:\n        'touch {output}'\n"
        )
    snakefile = run / "Snakefile"
    snakefile.write_text("\n\n".join(rules))
    return snakefile


def measure_trivial(pairs: int, jobs: int, root: Path) -> dict:
    """The trivial workflow with concord's job count for `pairs` pairs, timed once."""
    run = root / f"trivial{pairs}"
    snakefile = write_trivial(run, jobs, chain=round(jobs / pairs))
    cmd = [str(SNAKEMAKE), "--snakefile", str(snakefile), "--directory", str(run), "-n"]
    before = load()
    out = run / "dry-run.txt"
    with out.open("w") as fh:
        t = timed(cmd, stdout=fh, stderr=fh)
    n = job_count(out.read_text())
    print(
        f"trivial workflow, {n} jobs: {t.wall_s:.1f} s wall, {t.cpu_s:.1f} s CPU, "
        f"peak {t.peak_mib:.0f} MiB ({before} before, {load()} after)",
        flush=True,
    )
    shutil.rmtree(run)
    return {"jobs": n, "wall": t.wall_s, "cpu": t.cpu_s, "peak": t.peak_mib}


def job_count(dry_run_output: str) -> int:
    """The `total N` line of the dry run's job table."""
    totals = re.findall(r"^total\s+(\d+)\s*$", dry_run_output, re.MULTILINE)
    if not totals:
        raise SystemExit("the dry run printed no job table (`total N`)")
    return int(totals[-1])


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def measure(pairs: int, repeat: int, root: Path, chunks: int | None = None) -> dict:
    run = root / f"pairs{pairs}"
    configfile = write_run(run, pairs, chunks)
    cmd = [
        str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(run),
        "--configfile", str(configfile), "-n",
    ]  # fmt: skip
    env = dict(os.environ, PATH=f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}")
    walls, cpus, peaks, jobs = [], [], [], 0
    for n in range(1, repeat + 1):
        before = load()
        out = run / f"dry-run.{n}.txt"
        with out.open("w") as fh:
            t = timed(cmd, stdout=fh, stderr=fh, env=env)
        jobs = job_count(out.read_text())
        walls.append(t.wall_s)
        cpus.append(t.cpu_s)
        peaks.append(t.peak_mib)
        print(
            f"{pairs} pairs run {n}/{repeat}: {jobs} jobs, {t.wall_s:.1f} s wall, "
            f"{t.cpu_s:.1f} s CPU, peak {t.peak_mib:.0f} MiB ({before} before, {load()} after)",
            flush=True,
        )
    shutil.rmtree(run)
    return {
        "pairs": pairs,
        "jobs": jobs,
        "wall": median(walls),
        "cpu": median(cpus),
        "peak": median(peaks),
        "n": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default="200,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--once-from", type=int, default=10000)
    parser.add_argument(
        "--trivial",
        action="store_true",
        help="also time a do-nothing workflow of the same job count (Snakemake's own cost)",
    )
    parser.add_argument(
        "--chunks",
        type=int,
        help="calling.chunks for every run (freebayes jobs per pair; default: the demo config's)",
    )
    args = parser.parse_args()
    sizes = [int(p) for p in args.pairs.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="concord-dag-") as tmp:
        for pairs in sizes:
            repeat = 1 if pairs >= args.once_from else args.repeat
            rows.append(measure(pairs, repeat, Path(tmp), args.chunks))
            if args.trivial:
                rows[-1]["trivial"] = measure_trivial(pairs, rows[-1]["jobs"], Path(tmp))
    # the CPU seconds are what the machine's other load leaves alone (the wall time is not)
    print("\npairs    jobs  jobs/pair  wall s  CPU s  peak MiB  s/pair  CPU ms/job  runs")
    for r in rows:
        print(
            f"{r['pairs']:>5} {r['jobs']:>7} {r['jobs'] / r['pairs']:>10.1f} {r['wall']:>7.1f} "
            f"{r['cpu']:>6.1f} {r['peak']:>9.0f} {r['wall'] / r['pairs']:>7.3f} "
            f"{1000 * r['cpu'] / r['jobs']:>11.2f} {r['n']:>5}"
        )
    for r in rows:
        if "trivial" in r:
            t = r["trivial"]
            print(
                f"{r['pairs']:>5} pairs: Snakemake alone (trivial jobs) {t['cpu']:.1f} s CPU of "
                f"concord's {r['cpu']:.1f} s ({100 * t['cpu'] / r['cpu']:.0f} %), "
                f"{1000 * t['cpu'] / t['jobs']:.2f} ms/job, peak {t['peak']:.0f} MiB"
            )
    figures, met = [], []
    for r in rows:
        figures.append(
            f"{r['pairs']} pairs ({r['jobs']} jobs): {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, "
            f"{r['peak']:.0f} MiB (median of {r['n']}, load {os.getloadavg()[0]:.1f} at the end)"
        )
        if r["pairs"] in TARGETS:
            seconds, mib = TARGETS[r["pairs"]]
            met.append(r["wall"] <= seconds and r["peak"] <= mib)
    summary(
        "dag_scale",
        "; ".join(figures),
        "1,000 pairs <= 60 s and <= 1 GB; 10,000 pairs <= 10 min and <= 8 GB",
        all(met) if met else None,
    )


if __name__ == "__main__":
    main()
