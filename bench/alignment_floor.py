"""Benchmark: the floor is alignment (issue 18, target 3).

On a larger simulated tumour/normal pair, the whole pipeline's wall time against `bwa mem`
alone on the same reads with the same threads; target: pipeline <= 1.3 x bwa.

The data (not timed, made once into --keep DIR and reused): a random reference of --mb
megabases in five contigs (GC 42 %, the demo's gene designs on its first two contigs, so the
GTF and the panel steps have something to do), a normal at --normal-cov x and a tumour at
--tumour-cov x, 2 x 150 bp pairs (fragments 350 +- 50 bp), 1 heterozygous germline SNV per 2 kb
in both, and in the tumour 1 somatic SNV per 10 kb and 1 somatic 1-6 bp indel per 50 kb, each at
30 % of the tumour's fragments of its locus; reads get 0.1-1 % substitution errors. One seed
(--seed), so the same arguments give the same files byte for byte. No RNA sample: the pipeline
does not need one and the comparison is about the DNA path.

Timed, --repeat times each:
  (a) bwa mem -t T -K 100000000 -Y on the tumour pairs, then on the normal pairs, SAM to
      /dev/null: the floor (T = the local profile's cores, i.e. every core);
  (b) the pipeline end to end, `snakemake --profile profiles/local` in a fresh directory on the
      same FASTQs (everything from fastp to the standardized VCFs and the report).
The reference's bwa index is in neither: it is built once, untimed, into the data directory; the
config names it (`reference.bwa_index`, `reference.fai`), so the pipeline links it; (b) still
includes the pipeline's own small reference steps (dict, contig digests), which are seconds.

Default (--mb 5 --tumour-cov 60 --normal-cov 30, about 1.5 M pairs) with --repeat 1: one
pipeline run takes tens of minutes on 2 shared cores. Smaller sizes for the scaling: --mb 1, --mb 2.

Usage: .venv/bin/python bench/alignment_floor.py [--mb 5] [--repeat 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from common import REPO, Timing, median, summary, timed

sys.path.insert(0, str(REPO / "scripts"))
from concord.demo_data import design_genes, random_seq, write_fasta, write_gtf  # noqa: E402

TARGET = 1.3
READ = 150
SEED = 18_2026
CODE = np.frombuffer(b"ACGT", dtype=np.uint8)
COMPLEMENT = np.zeros(256, dtype=np.uint8)
COMPLEMENT[list(b"ACGTN")] = list(b"TGCAN")


def haplotypes(rng, seq: str, germline: np.ndarray, somatic: list) -> list[np.ndarray]:
    """Normal H1, normal H2 (germline SNVs), and H2 carrying the somatic changes too."""
    h1 = np.frombuffer(seq.encode(), dtype=np.uint8).copy()
    h2 = h1.copy()
    for p in germline:
        h2[p] = CODE[(list(b"ACGT").index(h2[p]) + 1 + rng.integers(3)) % 4]
    pieces, last = [], 0
    for p, kind, alt in somatic:  # sorted by position
        pieces.append(h2[last:p])
        if kind == "snv":
            pieces.append(np.array([alt], dtype=np.uint8))
            last = p + 1
        elif kind == "ins":
            pieces.append(h2[p : p + 1])
            pieces.append(alt)
            last = p + 1
        else:  # deletion of alt bases after p
            pieces.append(h2[p : p + 1])
            last = p + 1 + alt
    pieces.append(h2[last:])
    return [h1, h2, np.concatenate(pieces)]


def write_pairs(rng, haps: list[list[np.ndarray]], weights, n_pairs: int, prefix: str, out: Path):
    """n_pairs fragments drawn over contigs by length, haplotypes by weights; two FASTQ.gz."""
    lengths = np.array([len(h[0]) for h in haps], dtype=float)
    raw = [open(f"{out}_{m}.fastq.gz", "wb") for m in (1, 2)]
    files = [
        gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=1) for fh in raw
    ]
    err_rate = 0.001 + 0.009 * (np.arange(READ) / READ) ** 3
    done = 0
    while done < n_pairs:
        n = min(100_000, n_pairs - done)
        contig = rng.choice(len(haps), size=n, p=lengths / lengths.sum())
        which = rng.choice(3, size=n, p=weights)
        frag = np.clip(rng.normal(350, 50, size=n), 2 * READ // 2 + 100, 600).astype(int)
        r1 = np.empty((n, READ), dtype=np.uint8)
        r2 = np.empty((n, READ), dtype=np.uint8)
        for c in range(len(haps)):
            for h in range(3):
                sel = np.flatnonzero((contig == c) & (which == h))
                if not len(sel):
                    continue
                hap = haps[c][h]
                start = rng.integers(0, len(hap) - frag[sel])
                r1[sel] = hap[start[:, None] + np.arange(READ)]
                end = start + frag[sel]
                r2[sel] = COMPLEMENT[hap[end[:, None] - 1 - np.arange(READ)]]
        flip = rng.random(n) < 0.5  # which strand read 1 comes from
        r1[flip], r2[flip] = r2[flip].copy(), r1[flip].copy()
        quals = []
        for r in (r1, r2):
            err = rng.random(r.shape) < err_rate
            r[err] = CODE[(np.searchsorted(CODE, r[err]) + 1 + rng.integers(0, 3, err.sum())) % 4]
            q = np.full(r.shape, ord("F"), dtype=np.uint8)
            q[err] = ord(",")
            quals.append(q)
        for m, (r, q) in enumerate(((r1, quals[0]), (r2, quals[1]))):
            lines = []
            for i in range(n):
                lines.append(
                    b"@%s:%08d/%d\n%s\n+\n%s\n"
                    % (prefix.encode(), done + i + 1, m + 1, r[i].tobytes(), q[i].tobytes())
                )
            files[m].write(b"".join(lines))
        done += n
    for f in files + raw:
        f.close()


def generate(data: Path, mb: float, tumour_cov: float, normal_cov: float, seed: int) -> None:
    """The reference (indexed), GTF, the two samples' FASTQs, sheets and config in data/."""
    if (data / "config.yaml").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    size = int(mb * 1_000_000)
    names = ["chrD1", "chrD2", "chrD3", "chrD4", "chrD5"]
    lengths = [size // 5] * 4 + [size - 4 * (size // 5)]
    mutable = {n: list(random_seq(rng, length)) for n, length in zip(names, lengths, strict=True)}
    transcripts = design_genes(rng, mutable)
    genome = {n: "".join(s) for n, s in mutable.items()}
    write_fasta(data / "genome.fa", genome)
    write_gtf(data / "genes.gtf", transcripts)
    haps = []
    for n in names:
        seq = genome[n]
        germline = np.sort(rng.choice(np.arange(500, len(seq) - 500), len(seq) // 2000, False))
        snv = rng.choice(np.arange(500, len(seq) - 500), len(seq) // 10_000, False)
        indel = rng.choice(np.arange(500, len(seq) - 500), len(seq) // 50_000, False)
        somatic = []
        for p in snv:
            ref = seq[p]
            somatic.append((int(p), "snv", int(CODE[("ACGT".index(ref) + 1) % 4])))
        for p in indel:
            k = int(rng.integers(1, 7))
            if rng.random() < 0.5:
                somatic.append((int(p), "ins", CODE[rng.integers(0, 4, k)]))
            else:
                somatic.append((int(p), "del", k))
        somatic.sort(key=lambda v: v[0])
        kept, last = [], -100
        for v in somatic:  # no two changes within 20 bp
            if v[0] - last > 20:
                kept.append(v)
                last = v[0] + (v[2] if v[1] == "del" else 0)
        haps.append(haplotypes(rng, seq, germline, kept))
    pairs = {s: int(cov * size / (2 * READ)) for s, cov in (("T", tumour_cov), ("N", normal_cov))}
    write_pairs(rng, haps, [0.5, 0.2, 0.3], pairs["T"], "T", data / "T")
    write_pairs(rng, haps, [0.5, 0.5, 0.0], pairs["N"], "N", data / "N")
    subprocess.run(["bwa", "index", str(data / "genome.fa")], check=True, capture_output=True)
    subprocess.run(["samtools", "faidx", str(data / "genome.fa")], check=True)
    (data / "samples.tsv").write_text(
        "sample_id\tpatient_id\trole\tassay\nBT\tBP\ttumor\tdna\nBN\tBP\tnormal\tdna\n"
    )
    (data / "units.tsv").write_text(
        "sample_id\tunit_id\tfastq_1\tfastq_2\tplatform\n"
        + "".join(
            f"B{s}\tL001\t{data / s}_1.fastq.gz\t{data / s}_2.fastq.gz\tILLUMINA\n" for s in "TN"
        )
    )
    (data / "config.yaml").write_text(
        f"centre: BENCH\nsamples: {data / 'samples.tsv'}\nunits: {data / 'units.tsv'}\n"
        f"reference:\n  fasta: {data / 'genome.fa'}\n  assembly: bench-floor\n"
        f"  fai: {data / 'genome.fa.fai'}\n  bwa_index: {data / 'genome.fa'}\n"
        "  accessions:\n    chrD1: {accession: NC_000001.11}\n"
        "    chrD2: {accession: NC_000002.12}\n"
        f"annotation:\n  gtf: {data / 'genes.gtf'}\n"
        "panel:\n  - {gene: GENA, transcript: GENA-201}\n  - {gene: GENB, transcript: GENB-201}\n"
    )


def bwa_alone(data: Path, threads: int) -> Timing:
    """bwa mem on the tumour's pairs, then the normal's: wall and CPU seconds summed."""
    total = cpu = 0.0
    for s in "TN":
        with open(os.devnull, "wb") as sink:
            t = timed(
                [
                    "bwa",
                    "mem",
                    "-t",
                    str(threads),
                    "-K",
                    "100000000",
                    "-Y",
                    str(data / "genome.fa"),
                    f"{data / s}_1.fastq.gz",
                    f"{data / s}_2.fastq.gz",
                ],
                stdout=sink,
                stderr=subprocess.DEVNULL,
            )
        total += t.wall_s
        cpu += t.cpu_s
    return Timing(total, cpu, 0.0)


def steps_cpu(work: Path) -> str:
    """The pipeline's CPU by step (its benchmark files' cpu_time, a lower bound), largest first."""
    sys.path.insert(0, str(REPO / "bench"))
    from cpu_utilisation import bench_cpu

    cpu = sorted(bench_cpu(work).items(), key=lambda kv: -kv[1])
    return ", ".join(f"{step} {s:.0f}" for step, s in cpu if s >= 0.5)


def pipeline(data: Path, work: Path, checkout: Path):
    """The pipeline's Timing: wall, and the CPU of Snakemake and every job (rusage)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # the venv's tools on PATH, as `make` puts them (the pinned toolchain check wants them)
    env = {**os.environ, "PATH": f"{REPO / '.venv/bin'}:{os.environ['PATH']}"}
    with (work.parent / f"{work.name}.log").open("w") as log:
        t = timed(
            [
                str(REPO / ".venv/bin/snakemake"),
                "--profile",
                str(checkout / "profiles/local"),
                "--snakefile",
                str(checkout / "Snakefile"),
                "--directory",
                str(work),
                "--configfile",
                str(data / "config.yaml"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=env,
        )
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=float, default=5.0, help="reference size, megabases (at least 0.8)"
    )
    parser.add_argument("--tumour-cov", type=float, default=60)
    parser.add_argument("--normal-cov", type=float, default=30)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=1, help="default 1: a run takes long")
    parser.add_argument("--keep", help="data and run directory, kept and reused")
    parser.add_argument(
        "--workflow", default=str(REPO), help="the concord checkout to run (before/after)"
    )
    args = parser.parse_args()
    if args.mb < 0.8:  # the demo's gene designs need contigs of 160 kb
        parser.error("--mb must be at least 0.8")
    base = Path(args.keep or tempfile.mkdtemp(prefix="concord-floor-")).resolve()
    data = base / f"data-{args.mb:g}mb-{args.tumour_cov:g}x{args.normal_cov:g}x-{args.seed}"
    generate(data, args.mb, args.tumour_cov, args.normal_cov, args.seed)
    threads = os.cpu_count()
    bwa, pipe = [], []  # Timings
    for i in range(args.repeat):
        load = os.getloadavg()[0]
        bwa.append(bwa_alone(data, threads))
        pipe.append(pipeline(data, base / f"run{i + 1}", Path(args.workflow).resolve()))
        b, p = bwa[-1], pipe[-1]
        print(
            f"run {i + 1}/{args.repeat}: bwa mem -t {threads} alone {b.wall_s:.1f} s "
            f"(CPU {b.cpu_s:.0f} s), pipeline {p.wall_s:.1f} s (CPU {p.cpu_s:.0f} s, Snakemake "
            f"and every job), wall ratio {p.wall_s / b.wall_s:.2f}, CPU ratio "
            f"{p.cpu_s / b.cpu_s:.2f} (load {load:.2f} -> {os.getloadavg()[0]:.2f})\n"
            f"  CPU s by step (benchmark files, a lower bound): {steps_cpu(base / f'run{i + 1}')}",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    ratio = median(p.wall_s / b.wall_s for p, b in zip(pipe, bwa, strict=True))
    cpu_ratio = median(p.cpu_s / b.cpu_s for p, b in zip(pipe, bwa, strict=True))
    summary(
        "alignment_floor",
        f"pipeline/bwa wall {ratio:.2f}, CPU {cpu_ratio:.2f} (median of {args.repeat}: bwa mem "
        f"-t {threads} {median(b.wall_s for b in bwa):.0f} s, pipeline "
        f"{median(p.wall_s for p in pipe):.0f} s; {args.mb:g} Mb, "
        f"{args.tumour_cov:g}x/{args.normal_cov:g}x, 2x{READ} bp)",
        f"wall <= {TARGET}x",
        ratio <= TARGET,
    )


if __name__ == "__main__":
    main()
