"""Reference identity: contig names and per-contig MD5 digests (the SAM @SQ M5 definition)."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

from concord.errors import InputError

# SAM spec: M5 is the MD5 of the sequence with all characters outside '!'..'~' removed, uppercased.
_DROP = bytes(range(33)) + bytes(range(127, 256))


def contig_digests(fasta: str | Path) -> list[tuple[str, int, str]]:
    """(name, length, md5) of every contig, in FASTA order."""
    out = []
    name, md5, length = None, None, 0
    first: dict[str, int] = {}
    with open_maybe_gzip(fasta) as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith(b">"):
                if name is not None:
                    out.append((name, length, md5.hexdigest()))
                name = _contig_name(line, fasta, n, first)
                md5, length = hashlib.md5(), 0
            else:
                seq = line.translate(None, _DROP).upper()
                md5.update(seq)
                length += len(seq)
    if name is not None:
        out.append((name, length, md5.hexdigest()))
    return out


def _contig_name(header: bytes, fasta, n: int, first: dict[str, int]) -> str:
    """The contig a '>' line starts; a name seen before stops the run (samtools faidx would
    index the first and ignore the second, so two different sequences would share one name)."""
    fields = header[1:].split()
    if not fields:
        raise InputError(f"{fasta}: line {n}: a '>' header line without a contig name")
    name = fields[0].decode()
    if name in first:
        raise InputError(
            f"{fasta}: line {n}: contig {name!r} appears twice in the FASTA (first on line "
            f"{first[name]}); contig names must be unique"
        )
    first[name] = n
    return name


def contig_lengths(fasta: str, fai: str | None = None) -> dict[str, int]:
    """{contig: length} in FASTA order, from the .fai (given, or beside the FASTA: checked
    against the FASTA by check_fai) or else from one pass over the FASTA, which also stops at a
    duplicate contig name."""
    fai = fai or f"{fasta}.fai"
    if os.path.isfile(fai):
        with open(fai) as fh:
            return {f[0]: int(f[1]) for f in (line.split("\t") for line in fh if line.strip())}
    lengths: dict[str, int] = {}
    first: dict[str, int] = {}
    name = None
    with open_maybe_gzip(fasta) as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith(b">"):
                name = _contig_name(line, fasta, n, first)
                lengths[name] = 0
            elif name is not None:
                lengths[name] += len(line.strip())
    return lengths


def check_fai(fasta: str, fai: str | None = None) -> None:
    """A FASTA index (given, or beside the FASTA) describes this FASTA: every contig's
    sequence starts right after its own '>' line and ends where the next contig's '>' line (or
    the file) begins. A few seeks per contig, however large the genome; a stale index (the
    FASTA edited or replaced after indexing) would make every tool read the wrong bases."""
    fai = fai or f"{fasta}.fai"
    if not os.path.isfile(fai):
        return
    stale = (
        "the index does not match the FASTA (changed after indexing?); "
        "rebuild it with samtools faidx"
    )
    with open(fasta, "rb") as fh:
        if fh.read(2) == b"\x1f\x8b":
            return  # a bgzipped FASTA's .fai counts uncompressed bytes (and needs its .gzi)
        size = os.fstat(fh.fileno()).st_size
        with open(fai) as index:
            entries = [line.rstrip("\n").split("\t") for line in index if line.strip()]
        for n, fields in enumerate(entries, start=1):
            where = f"{fai}: line {n}"
            try:
                name, length, offset, line_bases, line_width = fields[:5]
                length, offset = int(length), int(offset)
                line_bases, line_width = int(line_bases), int(line_width)
            except ValueError:
                raise InputError(
                    f"{where}: not a FASTA index line (name, length, offset, line bases, "
                    "line bytes)"
                ) from None
            fh.seek(max(0, offset - 65536))  # the contig's '>' line, however long
            before = fh.read(offset - fh.tell())
            header = before[:-1].rsplit(b"\n", 1)[-1].rstrip(b"\r")
            if not before.endswith(b"\n") or header[1:].split()[:1] != [name.encode()]:
                raise InputError(
                    f"{where}: contig {name!r} does not start at byte {offset:,} of {fasta}: "
                    + stale
                )
            newline = line_width - line_bases
            full_lines, rest = divmod(length, line_bases) if line_bases > 0 else (0, 0)
            end = offset + full_lines * line_width + (rest + newline if rest else 0)
            fh.seek(min(end, size))
            after = fh.read(1)
            if end > size + newline or after not in (b"", b">"):
                raise InputError(
                    f"{where}: contig {name!r} is {length:,} bases in the index, but another "
                    f"length in {fasta}: " + stale
                )
            if n == len(entries) and after == b">":
                raise InputError(
                    f"{where}: {fasta} has more contigs after {name!r}, the index's last: " + stale
                )


def renamed_contig(name: str, known) -> str | None:
    """The reference's name for a contig written in the other naming style ('17' for 'chr17',
    'chrM' for 'MT' and back), or None."""
    other = name[3:] if name.startswith("chr") else f"chr{name}"
    other = {"M": "MT", "chrMT": "chrM"}.get(other, other)
    return other if other in known else None


# How many records of a VCF resource are compared with the reference: enough to tell a build
# apart (REF alleles of another build agree at random, about a third of SNVs), few enough to be
# read in milliseconds before any job. Records come in file order, so on a sorted VCF they lie
# on its first contig, and a FASTA without an index is read only up to them.
CHECKED_VCF_RECORDS = 1000
# On the right build every REF allele is the reference's bases; a few may differ where the
# reference has IUPAC codes or soft differences between patch releases.
MAX_REF_DISAGREEMENT = 0.05


def check_vcf_on_reference(vcf: str, fasta: str, fai: str | None, what: str) -> None:
    """A VCF resource (ClinVar) uses the reference's contig names and its build: the first
    CHECKED_VCF_RECORDS records' REF alleles are the reference's bases."""
    lengths = contig_lengths(fasta, fai)
    records = []  # (line, contig, pos, ref)
    with open_maybe_gzip(vcf) as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith(b"#") or not line.strip():
                continue
            fields = line.rstrip(b"\r\n").split(b"\t", 5)
            if len(fields) < 5 or not fields[1].isdigit():
                raise InputError(f"{vcf}: line {n}: not a VCF record (CHROM, POS, ID, REF, ALT)")
            contig = fields[0].decode()
            if contig not in lengths:
                other = renamed_contig(contig, lengths)
                if other:
                    raise InputError(
                        f"{vcf}: line {n}, column 1 (CHROM): contig {contig!r} is not in the "
                        f"reference {fasta}, which names it {other!r}: {what} must use the "
                        "reference's contig names"
                    )
                continue  # a contig the reference leaves out (e.g. MT)
            records.append((n, contig, int(fields[1]), fields[3].decode().upper()))
            if len(records) == CHECKED_VCF_RECORDS:
                break
    if not records:
        raise InputError(
            f"{vcf}: none of its first records is on a contig of the reference {fasta} "
            f"({', '.join(list(lengths)[:3])}, ...): {what} must use the reference's contig names"
        )
    bases = reference_bases(fasta, fai, {(c, pos, len(ref)) for _, c, pos, ref in records}, lengths)
    wrong = [(n, c, pos, ref) for n, c, pos, ref in records if bases.get((c, pos, len(ref))) != ref]
    if len(wrong) > MAX_REF_DISAGREEMENT * len(records):
        n, contig, pos, ref = wrong[0]
        raise InputError(
            f"{vcf}: line {n}, column 4 (REF): {ref!r} at {contig}:{pos}, but the reference "
            f"has {bases.get((contig, pos, len(ref)), '')!r}; {len(wrong)} of the first "
            f"{len(records)} records disagree with {fasta}: {what} is on another build"
        )


def reference_bases(fasta: str, fai: str | None, wanted, lengths) -> dict:
    """{(contig, pos, n): the n uppercase bases at 1-based pos} for every wanted triple: read at
    the .fai's offsets when there is an index, else from the FASTA up to the last one."""
    fai = fai or f"{fasta}.fai"
    out = {}
    with open(fasta, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if not gz and os.path.isfile(fai):
        with open(fai) as index:
            entries = {f[0]: f for f in (line.split("\t") for line in index if line.strip())}
        with open(fasta, "rb") as fh:
            for contig, pos, n in wanted:
                _, _, offset, line_bases, line_width = entries[contig][:5]
                line_bases, line_width = int(line_bases), int(line_width)
                start = pos - 1
                fh.seek(int(offset) + start // line_bases * line_width + start % line_bases)
                chunk = fh.read(n + (n // line_bases + 2) * (line_width - line_bases))
                out[(contig, pos, n)] = chunk.translate(None, _DROP).upper()[:n].decode()
        return out
    needed: dict[str, int] = {}
    for contig, pos, n in wanted:
        needed[contig] = max(needed.get(contig, 0), pos + n)
    sequences: dict[str, bytearray] = {}
    name = None
    with open_maybe_gzip(fasta) as fh:
        for line in fh:
            if line.startswith(b">"):
                if all(len(sequences.get(c, b"")) >= e for c, e in needed.items()):
                    break
                name = line[1:].split()[0].decode()
                if name in needed:
                    sequences[name] = bytearray()
            elif name in sequences and len(sequences[name]) < needed[name]:
                sequences[name] += line.translate(None, _DROP).upper()
    for contig, pos, n in wanted:
        out[(contig, pos, n)] = bytes(sequences.get(contig, b"")[pos - 1 : pos - 1 + n]).decode()
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
                f"{source} reference.expected_md5: contig {contig!r} is not in {fasta}"
            )
        if found[contig] != md5:
            raise InputError(
                f"{fasta}: contig {contig!r} has MD5 {found[contig]}, but {source} "
                f"reference.expected_md5 expects {md5}: this is not the configured reference"
            )


def reference_contigs(fasta: str, fai: str | None = None) -> list[str]:
    """Contig names, from the .fai when there is one (fast), else from the FASTA headers."""
    return list(contig_lengths(fasta, fai))


def reference_lengths(fasta: str) -> dict[str, int]:
    """Contig lengths from the FASTA's .fai (built next to it when missing)."""
    import pysam

    with pysam.FastaFile(fasta) as fh:
        return dict(zip(fh.references, fh.lengths, strict=True))


def scan_gtf(gtf: str, transcript_ids=()) -> tuple[dict[str, int], dict[str, tuple[int, str]]]:
    """One pass over a GTF: the first line of each contig, and for each of `transcript_ids`
    that occurs, its first exon line and its gene (gene_name, else gene_id).

    An exon line without transcript_id is an error naming the line.
    """
    first: dict[str, int] = {}
    wanted = {f'transcript_id "{t}";'.encode(): t for t in transcript_ids}
    found: dict[str, tuple[int, str]] = {}
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
                    if key in line and tid not in found:
                        gene = _GENE_NAME.search(line) or _GENE_ID.search(line)
                        found[tid] = (n, gene.group(1).decode() if gene else "")
    return first, found


_GENE_NAME = re.compile(rb'gene_name "([^"]*)"')
_GENE_ID = re.compile(rb'gene_id "([^"]*)"')


def check_gtf(
    gtf: str, fasta: str, fai: str | None = None, transcript_ids=(), known=None, genes=None
) -> None:
    """Every GTF contig is a reference contig and every panel transcript has exons in the GTF
    (and, with `genes` {transcript: configured gene}, is of that gene there). `known`: the
    reference's contig names when the caller has them already."""
    known = set(known if known is not None else reference_contigs(fasta, fai))
    contigs, found = scan_gtf(gtf, transcript_ids)
    for contig, line in contigs.items():
        if contig not in known:
            other = renamed_contig(contig, known)
            why = (
                f"which names it {other!r}: the annotation must use the reference's contig names"
                if other
                else f"{len(known)} contigs, e.g. {sorted(known)[0]!r}"
            )
            raise InputError(
                f"{gtf}: line {line}, column 1 (seqname): contig {contig!r} is not in the "
                f"reference {fasta} ({why})"
            )
    for tid in transcript_ids:
        if tid not in found:
            raise InputError(f"{gtf}: panel transcript {tid!r} is not in the GTF (no exon lines)")
    for n, (tid, gene) in enumerate((genes or {}).items()):
        line, in_gtf = found[tid]
        if in_gtf and in_gtf != gene:
            raise InputError(
                f"{gtf}: line {line}, column 9 (attributes): panel transcript {tid!r} is of "
                f"gene {in_gtf!r} here, but config panel[{n}] says gene {gene!r}; the panel "
                "names each gene with its transcript as the GTF does"
            )


def open_maybe_gzip(path, text: bool = False):
    """Open a plain or gzip-compressed file (told apart by its magic bytes, not its name)."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if text:
        return gzip.open(path, "rt") if gz else open(path)
    return gzip.open(path, "rb") if gz else open(path, "rb")
