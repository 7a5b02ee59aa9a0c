"""Units given as BAM or CRAM: checked before any job, and their read groups made units.

The rule revert_bam turns a BAM/CRAM unit back into paired FASTQ, which then takes the same
trimming and alignment as a FASTQ unit (docs/aligned-input.md). What can be known from the
file's header and first records is checked here, at parse time, so that a bad file stops the
run before any job: the file exists and is BAM or CRAM, its reads are paired and restorable, a
CRAM was written against the configured reference, and every read group can become a unit.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass

import pandas as pd
import pysam

from concord.errors import InputError
from concord.fastq_check import BGZF_EOF
from concord.reference import contig_md5s
from concord.samplesheet import Sheets, row_line

# How many primary records the paired-end check reads. Whether a read is paired is a property
# of the sequencing run, so a single-end file fails on its first record; 1,000 records are a
# few BGZF blocks (milliseconds, however large the file) and also catch a file whose first run
# is paired but a later one in the first blocks is not. A read without its mate anywhere else
# in the file stops the revert job (samtools fastq -s), never drops out silently.
CHECKED_RECORDS = 1000

# Records that are not reads as sequenced: secondary (0x100) and supplementary (0x800)
# alignments, and reads that failed the platform's filter (0x200), which bcl2fastq leaves out
# of FASTQ. The revert rule leaves out the same (samtools view -F 0xB00).
NOT_SEQUENCED_READS = 0xB00
PAIRED = 0x1

# What the checks read of each record: QNAME, FLAG, CIGAR and the RG tag (htslib's SAM_QNAME,
# SAM_FLAG, SAM_CIGAR, SAM_RGAUX); no bases, so a CRAM is read without its reference.
REQUIRED_FIELDS = 0x1 | 0x2 | 0x20 | 0x1000

# Columns the units get here: the @RG ID a unit's reads are selected by (empty: all of the
# file's reads) and the @RG PU (the platform unit when the sheet has no flowcell or lane).
DERIVED_COLUMNS = ("read_group", "platform_unit")

# @RG PL values (SAM spec, any case) -> the sheet's platform
PLATFORMS = {
    "ILLUMINA": "ILLUMINA",
    "MGI": "MGI",
    "DNBSEQ": "MGI",
    "ELEMENT": "ELEMENT",
    "ULTIMA": "ULTIMA",
}


@dataclass(frozen=True)
class ReadGroup:
    """The parts of an @RG line a unit takes (empty when the line lacks them)."""

    id: str
    sample: str = ""
    library: str = ""
    platform_unit: str = ""
    platform: str = ""


@dataclass(frozen=True)
class AlignedFile:
    path: str
    format: str  # "BAM" or "CRAM"
    read_groups: tuple[ReadGroup, ...]
    contigs: tuple[tuple[str, str], ...]  # (name, M5 or "") of every @SQ line


def file_format(path: str) -> str | None:
    """'BAM' or 'CRAM' by the file's magic bytes, else None."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head == b"CRAM":
        return "CRAM"
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                return "BAM" if fh.read(4) == b"BAM\x01" else None
        except (OSError, EOFError):
            return None
    return None


# the last bytes of a complete file: BGZF's empty end-of-file block (concord.fastq_check) and
# CRAM 3's end-of-file container (CRAM spec 9); htslib only warns when they are missing
CRAM3_EOF = bytes.fromhex(
    "0f000000ffffffff0fe0454f4600000000010005bdd94f0001000606010001000100ee63014b"
)


def check_complete(path: str, kind: str, where: str) -> None:
    """A BAM or CRAM 3 cut off (an interrupted copy) ends without its end-of-file marker."""
    with open(path, "rb") as fh:
        version = fh.read(5)[4:]
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        marker = BGZF_EOF if kind == "BAM" else CRAM3_EOF
        if kind == "CRAM" and version != b"\x03":
            return  # CRAM 2.1's end marker is another; concord's CRAMs are 3.x
        fh.seek(max(0, size - len(marker)))
        if fh.read() != marker:
            raise InputError(
                f"{where}: {kind} {path} ends without its end-of-file marker ({size:,} bytes): "
                "it is truncated (an interrupted copy or download?); copy it again"
            )


def read_aligned_file(path: str, where: str) -> AlignedFile:
    """Open a BAM/CRAM unit, read its header and check its first records (see the module)."""
    if not os.path.isfile(path):
        raise InputError(f"{where}: BAM/CRAM {path} does not exist")
    try:
        kind = file_format(path)
    except OSError as exc:
        raise InputError(f"{where}: BAM/CRAM {path} cannot be read ({exc})") from None
    if kind is None:
        raise InputError(f"{where}: {path} is not a BAM or CRAM file")
    check_complete(path, kind, where)
    verbosity = pysam.set_verbosity(0)  # htslib's own lines (a CRAM without index) are noise
    try:
        with pysam.AlignmentFile(
            path, "rc" if kind == "CRAM" else "rb", check_sq=False,
            format_options=[f"required_fields={REQUIRED_FIELDS:#x}".encode()],
        ) as fh:  # fmt: skip
            header = fh.header.to_dict()
            records = _first_reads(fh)
    except (OSError, ValueError) as exc:
        raise InputError(f"{where}: {kind} {path} cannot be read ({exc})") from None
    finally:
        pysam.set_verbosity(verbosity)
    groups = tuple(
        ReadGroup(
            id=str(rg["ID"]),
            sample=str(rg.get("SM", "")),
            library=str(rg.get("LB", "")),
            platform_unit=str(rg.get("PU", "")),
            platform=str(rg.get("PL", "")),
        )
        for rg in header.get("RG", [])
    )
    contigs = tuple((sq["SN"], sq.get("M5", "")) for sq in header.get("SQ", []))
    found = AlignedFile(path, kind, groups, contigs)
    _check_reads(found, records, where)
    return found


def _first_reads(fh) -> list[tuple[str, int, str, str | None]]:
    """(name, flag, CIGAR, RG) of the first CHECKED_RECORDS reads as sequenced."""
    out = []
    for read in fh.fetch(until_eof=True):
        if read.flag & NOT_SEQUENCED_READS:
            continue
        group = read.get_tag("RG") if read.has_tag("RG") else None
        out.append((read.query_name, read.flag, read.cigarstring or "", group))
        if len(out) == CHECKED_RECORDS:
            break
    return out


def _check_reads(found: AlignedFile, records, where: str) -> None:
    path = found.path
    if not records:
        raise InputError(f"{where}: {found.format} {path} has no reads")
    groups = {g.id for g in found.read_groups}
    for name, flag, cigar, group in records:
        if not flag & PAIRED:
            raise InputError(
                f"{where}: {found.format} {path} holds single-end reads (read {name!r} has "
                f"FLAG {flag}, without 0x1 'paired'); concord needs paired-end reads"
            )
        if "H" in cigar:
            raise InputError(
                f"{where}: {found.format} {path}: read {name!r} has a hard-clipped primary "
                f"alignment (CIGAR {cigar}); the clipped bases are not in the file, so the read "
                "cannot be restored"
            )
        if len(groups) > 1 and group not in groups:
            what = f"read group {group!r}, not in the header" if group else "no RG tag"
            raise InputError(
                f"{where}: {found.format} {path}: read {name!r} has {what}, but the file has "
                f"{len(groups)} read groups, each a unit: which unit it belongs to is unknown"
            )


def check_cram_reference(found: AlignedFile, where: str, reference: ReferenceDigests) -> None:
    """A CRAM stores bases as differences from its reference: decoding it with another one
    silently changes the reads. Every @SQ's M5 must match the configured reference."""
    for contig, md5 in found.contigs:
        expected, source = reference.md5(contig)
        if expected is None:
            raise InputError(
                f"{where}: CRAM {found.path} names contig {contig!r}, which is not in the "
                f"reference {reference.fasta}: it was written against another reference"
            )
        if not md5:
            raise InputError(
                f"{where}: CRAM {found.path} has no M5 for contig {contig!r}, so it cannot be "
                "shown to match the configured reference (samtools writes M5 into every CRAM)"
            )
        if md5.lower() != expected:
            raise InputError(
                f"{where}: CRAM {found.path} was written against another reference: contig "
                f"{contig!r} has M5 {md5} in the CRAM, but {expected} in {source} (decoded "
                "with this reference, its reads would change)"
            )


class ReferenceDigests:
    """Per-contig MD5 of the configured reference: reference.expected_md5 where it names the
    contig, else computed from the FASTA, only for the contigs asked for, once."""

    def __init__(self, reference: dict):
        self.fasta = reference["fasta"]
        self.fai = reference.get("fai")
        self.expected = reference.get("expected_md5", {})
        self.computed: dict[str, str | None] = {}

    def prepare(self, contigs) -> None:
        """Compute in one pass the digests of all contigs that will be asked for."""
        todo = {c for c in contigs if c not in self.expected and c not in self.computed}
        if todo:
            found = contig_md5s(self.fasta, todo, self.fai)
            self.computed |= {c: found[c][1] if c in found else None for c in todo}

    def md5(self, contig: str) -> tuple[str | None, str]:
        """(md5 or None when the reference lacks the contig, where the digest comes from)."""
        if contig in self.expected:
            return self.expected[contig], "reference.expected_md5"
        self.prepare([contig])
        return self.computed[contig], self.fasta


def unit_id_of(unit: str, group: ReadGroup, several: bool) -> str:
    """A read group's unit id: the sheet's unit id, followed by the @RG ID when the file has
    several read groups (characters outside letters, digits, '-' and '_' become '_')."""
    return f"{unit}-{re.sub(r'[^A-Za-z0-9_-]', '_', group.id)}" if several else unit


def platform_of(row: dict, group: ReadGroup, found: AlignedFile, where: str) -> str:
    if row["platform"]:
        return row["platform"]
    platform = PLATFORMS.get(group.platform.upper())
    if platform is None:
        what = f"PL {group.platform!r}" if group.platform else "no PL"
        raise InputError(
            f"{where}: empty, and read group "
            f"{group.id!r} of {found.path} has {what}: fill the platform column "
            f"({', '.join(sorted(set(PLATFORMS.values())))})"
        )
    return platform


def with_bam_units(sheets: Sheets, reference: dict, check: bool = True) -> Sheets:
    """Check every BAM/CRAM unit and replace it by one unit per read group of its file.
    Without check (a cluster job re-reading what the main process checked) the CRAM's
    reference digests are not compared again.

    A unit takes library_id and platform from the sheet, or else from its @RG line (LB, PL);
    its platform unit is the sheet's flowcell.lane, or else the @RG PU, or else the unit id.
    The column read_group names the @RG ID whose reads the unit is (empty: all reads).
    """
    units = sheets.units
    path = units.attrs["path"]
    digests = ReferenceDigests(reference)
    rows: list[list[dict]] = []  # per sheet row, its units (a BAM row's filled in below)
    first_use, unit_line, files = {}, {}, []
    for i, row in enumerate(units.to_dict(orient="records")):
        line = row_line(units, i)
        unit_line[(row["sample_id"], row["unit_id"])] = line
        rows.append([row | dict.fromkeys(DERIVED_COLUMNS, "")])
        if not row["bam"]:
            continue
        where = f"{path}: line {line}, column 'bam'"
        key = os.path.realpath(row["bam"])
        if key in first_use:
            raise InputError(
                f"{where}: {row['bam']} is already used on line {first_use[key]}; "
                "each BAM/CRAM belongs to one row (its read groups become its units)"
            )
        first_use[key] = line
        files.append((i, row, read_aligned_file(row["bam"], where)))
    if check:
        digests.prepare(c for _, _, f in files if f.format == "CRAM" for c, _ in f.contigs)
    for i, row, found in files:
        line = row_line(units, i)
        where = f"{path}: line {line}, column 'bam'"
        if check and found.format == "CRAM":
            check_cram_reference(found, where, digests)
        samples = sorted({g.sample for g in found.read_groups if g.sample})
        if len(samples) > 1:
            raise InputError(
                f"{where}: {found.format} {found.path} holds read groups of several samples "
                f"(SM {', '.join(samples)}); one row is the reads of one sample"
            )
        several = len(found.read_groups) > 1
        rows[i] = []
        for group in found.read_groups or (ReadGroup(id=""),):
            unit = unit_id_of(row["unit_id"], group, several)
            if (row["sample_id"], unit) in unit_line and unit != row["unit_id"]:
                raise InputError(
                    f"{where}: read group {group.id!r} of {found.path} becomes unit {unit!r} of "
                    f"sample {row['sample_id']!r}, which line "
                    f"{unit_line[(row['sample_id'], unit)]} already has"
                )
            unit_line.setdefault((row["sample_id"], unit), line)
            rows[i].append(
                row
                | {
                    "unit_id": unit,
                    "library_id": row["library_id"] or group.library,
                    "platform": platform_of(
                        row, group, found, f"{path}: line {line}, column 'platform'"
                    ),
                    "read_group": group.id if several else "",
                    "platform_unit": group.platform_unit,
                }
            )
    expanded = pd.DataFrame(
        [unit for row_units in rows for unit in row_units],
        columns=[*units.columns, *DERIVED_COLUMNS],
        dtype=str,
    )
    expanded.attrs["path"] = path
    expanded = expanded.set_index(["sample_id", "unit_id"], drop=False)
    return Sheets(samples=sheets.samples, units=expanded, pairs=sheets.pairs)
