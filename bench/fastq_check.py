"""Benchmark: the FASTQ content check (concord.fastq_check) on a realistic pair of files.

    .venv/bin/python bench/fastq_check.py [--pairs N] [--length L] [--level 6] [--keep DIR]

Writes N synthetic read pairs of L bp (Illumina-style names with a '1:N:0:ACGT' comment, random
bases and qualities) as two gzip files (compression level 6, as bcl2fastq and most tools write)
in a temporary directory, then times, on the same files: `gzip -dc` (decompression alone, C),
Python's zlib through concord's reader without record checks, and the whole check
(check_pair). Prints wall time, compressed and decompressed MB/s and reads/s of each.
Generating the files is not timed; with --keep DIR they are written there once and reused.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from concord.fastq_check import FastqReader, check_pair  # noqa: E402

BASES = bytes.maketrans(bytes(range(256)), b"ACGT" * 64)
QUALS = bytes.maketrans(bytes(range(256)), b"FFFF:F,F" * 32)


def write_pair(r1: Path, r2: Path, pairs: int, length: int, level: int) -> None:
    with (
        gzip.open(r1, "wb", compresslevel=level) as o1,
        gzip.open(r2, "wb", compresslevel=level) as o2,
    ):
        for start in range(0, pairs, 10_000):
            b1, b2 = [], []
            for i in range(start, min(pairs, start + 10_000)):
                name = f"@A00123:8:HVXXXDSXX:1:1101:{i % 30000}:{i // 30000}"
                seq1, seq2 = (os.urandom(length).translate(BASES) for _ in "12")
                q1, q2 = (os.urandom(length).translate(QUALS) for _ in "12")
                b1.append(f"{name} 1:N:0:ACGTACGT\n".encode() + seq1 + b"\n+\n" + q1 + b"\n")
                b2.append(f"{name} 2:N:0:ACGTACGT\n".encode() + seq2 + b"\n+\n" + q2 + b"\n")
            o1.write(b"".join(b1))
            o2.write(b"".join(b2))


def timed(what: str, run, compressed: int, plain: int, reads: int) -> None:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(
        f"{what:<44} {seconds:7.2f} s  {compressed / seconds / 1e6:7.1f} MB/s compressed  "
        f"{plain / seconds / 1e6:7.1f} MB/s FASTQ  {reads / seconds / 1e6:5.2f} M reads/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2_000_000)
    parser.add_argument("--length", type=int, default=150)
    parser.add_argument("--level", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="write the files here, or reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        stem = f"S{args.pairs}x{args.length}L{args.level}"
        r1, r2 = where / f"{stem}_R1.fastq.gz", where / f"{stem}_R2.fastq.gz"
        start = time.perf_counter()
        reused = r1.is_file() and r2.is_file()
        if not reused:
            write_pair(r1, r2, args.pairs, args.length, args.level)
        made = "reused" if reused else f"written in {time.perf_counter() - start:.0f} s"
        compressed = r1.stat().st_size + r2.stat().st_size
        plain = sum(len(c) for f in (r1, r2) for c in FastqReader(str(f))._chunks())
        reads = 2 * args.pairs
        print(
            f"{args.pairs:,} read pairs of {args.length} bp: {compressed / 1e6:.0f} MB gzip "
            f"(level {args.level}), {plain / 1e6:.0f} MB of FASTQ "
            f"({made}, not timed)"
        )

        def gzip_dc():
            for f in (r1, r2):
                subprocess.run(["gzip", "-dc", str(f)], stdout=subprocess.DEVNULL, check=True)

        def inflate_only():
            for f in (r1, r2):
                for _ in FastqReader(str(f))._chunks():
                    pass

        timed("gzip -dc R1 R2 (decompression, C)", gzip_dc, compressed, plain, reads)
        timed("zlib in Python, no record checks", inflate_only, compressed, plain, reads)
        timed("check_pair (concord's fastq_check)", lambda: check_pair(str(r1), str(r2)),
              compressed, plain, reads)  # fmt: skip


if __name__ == "__main__":
    main()
