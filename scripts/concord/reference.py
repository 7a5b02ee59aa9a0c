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
    with _open(fasta) as fh:
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
    with _open(fasta) as fh:
        return [line[1:].split()[0].decode() for line in fh if line.startswith(b">")]


def gtf_contigs(gtf: str) -> dict[str, int]:
    """Contig names used in a GTF, each with the first line it appears on."""
    first: dict[str, int] = {}
    with _open(gtf) as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith(b"#"):
                continue
            contig = line.split(b"\t", 1)[0].decode()
            if contig not in first and contig.strip():
                first[contig] = n
    return first


def check_gtf_contigs(gtf: str, fasta: str, fai: str | None = None) -> None:
    known = set(reference_contigs(fasta, fai))
    for contig, line in gtf_contigs(gtf).items():
        if contig not in known:
            raise InputError(
                f"{gtf}: line {line}, column 1 (seqname): contig {contig!r} is not in the "
                f"reference {fasta} ({len(known)} contigs, e.g. {min(known)!r})"
            )


def _open(path):
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else open(path, "rb")
