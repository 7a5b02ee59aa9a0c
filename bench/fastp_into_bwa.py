"""Benchmark: would streaming fastp into bwa mem make a sample's alignment faster? (issue 18)

Sections 2 and 3 of docs/benchmarks.md named "fastp streamed into bwa mem in one job" as a way
to keep both cores busy and to cut the cost beyond alignment. This measures it before anyone
builds it, on one simulated sample (alignment_floor's data: `--mb`, `--cov`; made once, untimed,
and reused with --keep DIR):

  (a) the workflow today: fastp writing the trimmed pairs (gzip level 1), then
      bwa mem -t T -K 100000000 -Y | samtools fixmate -m | samtools sort -@ T -l 1;
  (b) the pipe: fastp --stdout (interleaved pairs) | bwa mem -p -t T ... - | fixmate | sort.

Both with the workflow's fastp options and T = every core. Each is run --repeat times; the
figures are medians of wall and CPU seconds (the job and all its children). Because concord's
product is byte-identical outputs, each run's BAM records (`samtools view`, header aside) are
digested: (b) can only replace (a) if every run gives (a)'s records.

Not measured here because it cannot finish: fastp writing --out1/--out2 into two named pipes
that bwa mem reads as its R1 and R2 (tried on 5 Mb at 60x: both stopped within a minute, fastp
holding 2 GB of queued reads, neither using CPU). bwa reads the two files a record at a time
in step; the likely cause is that fastp writes a block of one file before the other's, so once
a pipe's buffer is full each waits for the other.

Usage: .venv/bin/python bench/fastp_into_bwa.py [--mb 2] [--cov 60] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from alignment_floor import SEED, generate
from common import Timing, median, summary, timed

# rules/qc.smk's fastp options (the harmonized trimming)
FASTP_OPTIONS = "--detect_adapter_for_pe --cut_tail --cut_tail_mean_quality 20 --length_required 36"


def align(reads: str, data: Path, out: Path, threads: int, interleaved: bool) -> str:
    """bwa mem | fixmate | sort as rules/align.smk runs it, on `reads` (shell words)."""
    return (
        f"bwa mem {'-p ' if interleaved else ''}-t {threads} -K 100000000 -Y "
        f"-R '@RG\\tID:T\\tSM:T' {data / 'genome.fa'} {reads} 2>/dev/null "
        f"| samtools fixmate -m -u - - "
        f"| samtools sort -@ {threads} -l 1 -m 768M -T {out}.tmp -o {out} - 2>/dev/null"
    )


def two_steps(data: Path, work: Path, threads: int) -> Timing:
    """(a): trimmed FASTQs written, then aligned."""
    r1, r2 = work / "trimmed_R1.fastq.gz", work / "trimmed_R2.fastq.gz"
    fastp = (
        f"fastp --in1 {data / 'T_1.fastq.gz'} --in2 {data / 'T_2.fastq.gz'} --out1 {r1} "
        f"--out2 {r2} {FASTP_OPTIONS} --compression 1 --thread {threads} "
        f"--json {work / 'a.json'} --html {work / 'a.html'} 2>/dev/null"
    )
    t1 = timed(["bash", "-o", "pipefail", "-c", fastp])
    t2 = timed(
        ["bash", "-o", "pipefail", "-c", align(f"{r1} {r2}", data, work / "a.bam", threads, False)]
    )
    r1.unlink()
    r2.unlink()
    return Timing(t1.wall_s + t2.wall_s, t1.cpu_s + t2.cpu_s, max(t1.peak_mib, t2.peak_mib))


def piped(data: Path, work: Path, threads: int) -> Timing:
    """(b): fastp's interleaved stdout straight into bwa mem -p."""
    fastp = (
        f"fastp --in1 {data / 'T_1.fastq.gz'} --in2 {data / 'T_2.fastq.gz'} --stdout "
        f"{FASTP_OPTIONS} --thread {threads} --json {work / 'b.json'} "
        f"--html {work / 'b.html'} 2>/dev/null"
    )
    cmd = f"{fastp} | {align('-', data, work / 'b.bam', threads, True)}"
    return timed(["bash", "-o", "pipefail", "-c", cmd])


def records_digest(bam: Path) -> str:
    """SHA-256 of the BAM's records as SAM text (the header, with its command lines, aside)."""
    view = subprocess.run(["samtools", "view", str(bam)], check=True, capture_output=True)
    return hashlib.sha256(view.stdout).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="reference size, megabases")
    parser.add_argument("--cov", type=float, default=60, help="the sample's coverage")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="data directory, kept and reused")
    args = parser.parse_args()
    if args.mb < 0.8:  # alignment_floor's gene designs need contigs of 160 kb
        parser.error("--mb must be at least 0.8")
    base = Path(args.keep or tempfile.mkdtemp(prefix="concord-fastp-bwa-")).resolve()
    # alignment_floor's data layout; its normal (half the coverage) is made too and not used
    data = base / f"data-{args.mb:g}mb-{args.cov:g}x{args.cov / 2:g}x-{SEED}"
    generate(data, args.mb, args.cov, args.cov / 2, SEED)
    threads = os.cpu_count()
    work = base / "fastp-into-bwa"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    variants = {"two steps": (two_steps, "a"), "pipe": (piped, "b")}
    timings = {name: [] for name in variants}
    digests = {name: [] for name in variants}
    for i in range(args.repeat):
        figures = []
        for name, (run, stem) in variants.items():
            t = run(data, work, threads)
            timings[name].append(t)
            digests[name].append(records_digest(work / f"{stem}.bam"))
            figures.append(
                f"{name} {t.wall_s:.1f} s (CPU {t.cpu_s:.0f} s, records {digests[name][-1][:12]})"
            )
        print(
            f"run {i + 1}/{args.repeat}: {'; '.join(figures)} (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
    reference = digests["two steps"][0]
    base_wall = median(t.wall_s for t in timings["two steps"])
    figures = []
    for name in variants:
        wall = median(t.wall_s for t in timings[name])
        same = sum(d == reference for d in digests[name])
        figures.append(
            f"{name} {wall:.1f} s wall ({wall / base_wall:.2f}x), "
            f"{median(t.cpu_s for t in timings[name]):.0f} s CPU, the two-step records in "
            f"{same}/{args.repeat} runs"
        )
    summary(
        "fastp_into_bwa",
        f"{'; '.join(figures)} (median of {args.repeat}; {args.mb:g} Mb at {args.cov:g}x, "
        f"{threads} threads)",
        "none (design check: streaming fastp into bwa mem, faster and the same records?)",
        None,
    )


if __name__ == "__main__":
    main()
