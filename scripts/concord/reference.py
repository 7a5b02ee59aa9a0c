"""Reference identity: contig names and per-contig MD5 digests (the SAM @SQ M5 definition)."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from concord.errors import InputError

# SAM spec: M5 is the MD5 of the sequence with all characters outside '!'..'~' removed, uppercased.
_DROP = bytes(range(33)) + bytes(range(127, 256))


def contig_digests(fasta: str | Path) -> list[tuple[str, int, str]]:
    """(name, length, md5) of every contig, in FASTA order."""
    out = []
    name, md5, length = None, None, 0
    with open_maybe_gzip(fasta) as fh:
        for line in fh:
            if line.startswith(b">"):
                if name is not None:
                    out.append((name, length, md5.hexdigest()))
                name = line[1:].split()[0].decode()
                md5, length = hashlib.md5(), 0
            else:
                seq = line.translate(None, _DROP).upper()
                md5.update(seq)
                length += len(seq)
    if name is not None:
        out.append((name, length, md5.hexdigest()))
    return out


def contig_md5s(fasta: str, contigs, fai: str | None = None) -> dict[str, tuple[int, str]]:
    """{contig: (length, md5)} for those of `contigs` the FASTA has. With a .fai (given, or
    beside the FASTA) only those contigs are read; otherwise the whole FASTA is."""
    wanted = set(contigs)
    fai = fai or f"{fasta}.fai"
    with open(fasta, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"  # a .fai of a bgzipped FASTA counts uncompressed bytes
    if gz or not os.path.isfile(fai):
        return {name: (n, md5) for name, n, md5 in contig_digests(fasta) if name in wanted}
    out = {}
    with open(fai) as index, open(fasta, "rb") as fh:
        for line in index:
            name, length, offset, line_bases, line_width = line.split("\t")[:5]
            if name not in wanted:
                continue
            length, line_bases, line_width = int(length), int(line_bases), int(line_width)
            full_lines, rest = divmod(length, line_bases)
            fh.seek(int(offset))
            seq = fh.read(full_lines * line_width + rest).translate(None, _DROP).upper()
            out[name] = (len(seq), hashlib.md5(seq).hexdigest())
    return out


def write_digests(digests: list[tuple[str, int, str]], path: str | Path) -> None:
    with open(path, "w") as fh:
        fh.write("contig\tlength\tmd5\n")
        fh.writelines(f"{name}\t{length}\t{md5}\n" for name, length, md5 in digests)


def check_expected_md5(digests, expected: dict[str, str], fasta: str, source: str) -> None:
    """Stop when a configured contig digest differs from the FASTA, naming the contig."""
    found = {name: md5 for name, _, md5 in digests}
    for contig, md5 in expected.items():
        if contig not in found:
            raise InputError(
                f"{source}: reference.expected_md5: contig {contig!r} is not in {fasta}"
            )
        if found[contig] != md5:
            raise InputError(
                f"{fasta}: contig {contig!r} has MD5 {found[contig]}, but {source} "
                f"(reference.expected_md5) expects {md5}: this is not the configured reference"
            )


def reference_contigs(fasta: str, fai: str | None = None) -> list[str]:
    """Contig names, from the .fai when there is one (fast), else from the FASTA headers."""
    fai = fai or f"{fasta}.fai"
    if os.path.isfile(fai):
        with open(fai) as fh:
            return [line.split("\t", 1)[0] for line in fh if line.strip()]
    with open_maybe_gzip(fasta) as fh:
        return [line[1:].split()[0].decode() for line in fh if line.startswith(b">")]


def reference_lengths(fasta: str) -> dict[str, int]:
    """Contig lengths from the FASTA's .fai (built next to it when missing)."""
    import pysam

    with pysam.FastaFile(fasta) as fh:
        return dict(zip(fh.references, fh.lengths, strict=True))


def scan_gtf(gtf: str, transcript_ids=()) -> tuple[dict[str, int], set[str]]:
    """One pass over a GTF: the first line of each contig, and which of `transcript_ids` occur.

    An exon line without transcript_id is an error naming the line.
    """
    first: dict[str, int] = {}
    wanted = {f'transcript_id "{t}";'.encode(): t for t in transcript_ids}
    found: set[str] = set()
    with open_maybe_gzip(gtf) as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith(b"#") or not line.strip():
                continue
            fields = line.split(b"\t", 3)
            contig = fields[0].decode()
            if contig not in first:
                first[contig] = n
            if len(fields) > 2 and fields[2] == b"exon":
                if b"transcript_id" not in line:
                    raise InputError(
                        f"{gtf}: line {n}, column 9 (attributes): exon without transcript_id"
                    )
                for key, tid in wanted.items():
                    if key in line:
                        found.add(tid)
    return first, found


def check_gtf(gtf: str, fasta: str, fai: str | None = None, transcript_ids=()) -> None:
    """Every GTF contig is a reference contig and every panel transcript has exons in the GTF."""
    known = set(reference_contigs(fasta, fai))
    contigs, found = scan_gtf(gtf, transcript_ids)
    for contig, line in contigs.items():
        if contig not in known:
            raise InputError(
                f"{gtf}: line {line}, column 1 (seqname): contig {contig!r} is not in the "
                f"reference {fasta} ({len(known)} contigs, e.g. {sorted(known)[0]!r})"
            )
    for tid in transcript_ids:
        if tid not in found:
            raise InputError(f"{gtf}: panel transcript {tid!r} is not in the GTF (no exon lines)")


def open_maybe_gzip(path, text: bool = False):
    """Open a plain or gzip-compressed file (told apart by its magic bytes, not its name)."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if text:
        return gzip.open(path, "rt") if gz else open(path)
    return gzip.open(path, "rb") if gz else open(path, "rb")
