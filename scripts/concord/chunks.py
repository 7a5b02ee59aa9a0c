"""Genomic chunks for scatter/gather calling: N pieces of about equal length, in genome order."""

from __future__ import annotations

from concord.errors import InputError

# A chunk is one calling job per pair, which reads both BAMs' indexes and starts freebayes:
# below about 10 kb a job's start-up outweighs its work, and reads of a few hundred bases
# would span most chunks' edges.
MIN_CHUNK_BASES = 10_000


def chunk_ids(n: int) -> list[str]:
    """The ids of n chunks, zero-padded so that they sort in genome order."""
    return [f"{i:03d}" for i in range(n)]


def genome_chunks(contigs: list[tuple[str, int]], n: int) -> list[list[tuple[str, int, int]]]:
    """Split the genome (contig, length) into n chunks of BED intervals, 0-based half-open.

    Chunk i covers genome offsets [i*L/n, (i+1)*L/n); a chunk may span contig ends. Concatenating
    per-chunk calls in chunk order gives genome order.
    """
    total = sum(length for _, length in contigs)
    bounds = [total * i // n for i in range(n + 1)]
    chunks: list[list[tuple[str, int, int]]] = [[] for _ in range(n)]
    offset = 0
    for name, length in contigs:
        for i in range(n):
            start, end = max(bounds[i], offset), min(bounds[i + 1], offset + length)
            if start < end:
                chunks[i].append((name, start - offset, end - offset))
        offset += length
    return chunks


def read_fai(path: str) -> list[tuple[str, int]]:
    with open(path) as fh:
        return [(f[0], int(f[1])) for f in (line.split("\t") for line in fh if line.strip())]


def check_chunk_count(n: int, lengths: dict[str, int], fasta: str, source: str) -> None:
    """calling.chunks must leave every chunk at least MIN_CHUNK_BASES of the genome."""
    total = sum(lengths.values())
    most = max(1, total // MIN_CHUNK_BASES)
    if n > most:
        raise InputError(
            f"{source}: calling.chunks: {n} chunks of the {total:,} bases of {fasta} would be "
            f"{total // n:,} bases each; a chunk needs at least {MIN_CHUNK_BASES:,} bases "
            f"(at most {most} chunks for this reference)"
        )
