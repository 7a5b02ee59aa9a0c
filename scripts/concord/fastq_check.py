"""A unit's paired FASTQs read completely, before any tool reads them (the early job
`fastq_check`): the compressed stream is whole, every record is a well-formed FASTQ record, and
R1 and R2 are mates of each other.

Parse time only opens the first bytes of each FASTQ (concord.samplesheet); a file cut off at its
end, a quality line one character short in its middle or an R2 that is a copy of R1 pass that and
let fastp and bwa run to the end with exit 0. Reading everything costs one pass of
decompression, linear in the file and small next to aligning it (bench/fastq_check.py measures
it; docs/failure-modes.md gives the figure).

Every problem raises concord.errors.InputError naming the file, the record and its line.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest

from concord.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
# the empty block that ends every BGZF file (SAM/BAM specification, section 4.1.2)
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
CHUNK = 1 << 20  # bytes read from disk at a time
BATCH = 1 << 14  # records checked, and compared between R1 and R2, at a time
LINE_NAMES = ("header", "sequence", "'+'")


@dataclass
class FastqSummary:
    """What the check read of one file."""

    path: str
    format: str  # "gzip", "bgzf" or "plain"
    bytes: int = 0
    records: int = 0
    bases: int = 0
    min_length: int = 0
    max_length: int = 0


class _StreamError(Exception):
    """The compressed stream is cut short or corrupt; the message completes 'the file ...'."""


def record_at(record: int) -> str:
    """'record N (line L)': a record's number and the line of its header (records from 1)."""
    return f"record {record:,} (line {4 * (record - 1) + 1:,})"


def file_format(path: str) -> str:
    """'bgzf', 'gzip' or 'plain', from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(14)
    if head[:2] != GZIP_MAGIC:
        return "plain"
    if len(head) == 14 and head[3] & 4 and head[12:14] == b"BC":
        return "bgzf"  # FEXTRA with the BC subfield
    return "gzip"


class FastqReader:
    """One FASTQ (plain, gzip or BGZF) read to its end, each record checked as it is read.
    `batches()` yields (first words of the headers, sequences) of BATCH records at a time, the
    last batch shorter, so two files' batches stay record for record side by side."""

    def __init__(self, path: str):
        self.path = path
        self.summary = FastqSummary(path=path, format=file_format(path))

    def error(self, what: str) -> InputError:
        return InputError(f"{self.path}: {what}")

    def _chunks(self) -> Iterator[bytes]:
        """The file's decompressed bytes; raises _StreamError when the stream stops early."""
        with open(self.path, "rb") as fh:
            if self.summary.format == "plain":
                while block := fh.read(CHUNK):
                    self.summary.bytes += len(block)
                    yield block
                return
            inflate, fed, tail = zlib.decompressobj(31), False, b""
            while block := fh.read(CHUNK):
                self.summary.bytes += len(block)
                tail = (tail + block)[-len(BGZF_EOF) :]
                data = block
                while data:
                    try:
                        out = inflate.decompress(data)
                    except zlib.error as exc:
                        start = self.summary.bytes - len(block)
                        raise _StreamError(
                            f"is corrupt: its gzip data cannot be decompressed between bytes "
                            f"{start:,} and {self.summary.bytes:,} (zlib: {exc})"
                        ) from None
                    fed = True
                    if out:
                        yield out
                    if inflate.eof:  # a gzip member ended; another may follow (BGZF: many)
                        data = inflate.unused_data
                        inflate, fed = zlib.decompressobj(31), False
                    else:
                        data = b""
            size = self.summary.bytes
            if fed:
                raise _StreamError(
                    f"stops in the middle of its gzip stream (no end-of-stream marker after "
                    f"{size:,} bytes): it is truncated (an interrupted copy or download?)"
                )
            if self.summary.format == "bgzf" and tail != BGZF_EOF:
                raise _StreamError(
                    f"is BGZF without its end-of-file block (after {size:,} bytes): it is "
                    "truncated at a block boundary (an interrupted copy or download?)"
                )

    def batches(self) -> Iterator[tuple[list[bytes], list[bytes]]]:
        lines: list[bytes] = []
        pending = b""
        truncated = None
        try:
            for chunk in self._chunks():
                parts = (pending + chunk if pending else chunk).split(b"\n")
                pending = parts.pop()
                lines += parts
                while len(lines) >= 4 * BATCH:
                    yield self._checked(lines[: 4 * BATCH])
                    del lines[: 4 * BATCH]
        except _StreamError as stop:
            truncated = stop
        unterminated = False  # the file's last line has no newline
        if truncated is None and pending.strip():
            lines.append(pending)
            unterminated = True
        while truncated is None and lines and not lines[-1].strip():
            lines.pop()  # blank lines at the very end
        whole = len(lines) - len(lines) % 4
        for start in range(0, whole, 4 * BATCH):
            end = min(whole, start + 4 * BATCH)
            yield self._checked(lines[start:end], unterminated and end == len(lines))
        records = self.summary.records
        if truncated is not None:
            before = (
                f"the whole records before it end with record {records:,} (line {4 * records:,})"
                if records
                else "no whole record before it"
            )
            raise self.error(f"the file {truncated}; {before}")
        if len(lines) > whole:
            record, kept = records + 1, len(lines) - whole
            where = "in" if unterminated else "after"
            raise self.error(
                f"the file ends inside {record_at(record)}, {where} its {LINE_NAMES[kept - 1]} "
                f"line (line {4 * records + kept:,}): a record is 4 lines; the file is cut off "
                "(an interrupted copy or download?)"
            )
        if records == 0:
            compressed = self.summary.format != "plain"
            inside = " (its compressed data holds nothing)" if compressed else ""
            raise self.error(f"no reads: the file holds no FASTQ record{inside}")

    def _checked(self, lines: list[bytes], unterminated: bool = False):
        """Check whole records (4 lines each); `unterminated`: the last of these lines ends the
        file without a newline."""
        first = self.summary.records + 1
        heads, seqs, seps, quals = lines[0::4], lines[1::4], lines[2::4], lines[3::4]
        seq_lengths = list(map(len, seqs))
        qual_lengths = list(map(len, quals))
        found = []  # (line, problem): the first line wins
        if not all(h[:1] == b"@" for h in heads):
            i = next(i for i, h in enumerate(heads) if h[:1] != b"@")
            found.append(
                (
                    4 * (first + i - 1) + 1,
                    f"{record_at(first + i)}, column 1: a record's first line starts with '@', "
                    f"this one is {_shown(heads[i])} (not FASTQ, or the records are out of step)",
                )
            )
        if not all(s[:1] == b"+" for s in seps):
            i = next(i for i, s in enumerate(seps) if s[:1] != b"+")
            line = 4 * (first + i - 1) + 3
            found.append(
                (
                    line,
                    f"record {first + i:,}, line {line:,}, column 1: a record's third line "
                    f"starts with '+', this one is {_shown(seps[i])} (not FASTQ, or a sequence "
                    "written on several lines)",
                )
            )
        if seq_lengths != qual_lengths:
            pairs = enumerate(zip(seq_lengths, qual_lengths, strict=True))
            i = next(i for i, (s, q) in pairs if s != q)
            line = 4 * (first + i - 1) + 4
            cut = unterminated and i == len(quals) - 1 and qual_lengths[i] < seq_lengths[i]
            ends = "; the file ends in this line: it is cut off (an interrupted copy?)"
            found.append(
                (
                    line,
                    f"record {first + i:,}, line {line:,}: the quality has {qual_lengths[i]} "
                    f"characters but the sequence (line {line - 2:,}) has {seq_lengths[i]}; a "
                    "record has one quality character per base" + (ends if cut else ""),
                )
            )
        if found:
            raise self.error(min(found)[1])
        s = self.summary
        if seq_lengths:
            s.bases += sum(seq_lengths)
            s.max_length = max(s.max_length, max(seq_lengths))
            shortest = min(seq_lengths)
            s.min_length = shortest if s.records == 0 else min(s.min_length, shortest)
        s.records += len(heads)
        return [h.split(None, 1)[0] for h in heads], seqs


def _shown(line: bytes, width: int = 30) -> str:
    text = line.decode("utf-8", "replace").rstrip("\r")
    return repr(text if len(text) <= width else text[:width] + "...")


def mate_names(words: list[bytes]) -> list[bytes]:
    """Headers' first words as the name both mates share: '@' kept, a /1 or /2 suffix dropped
    (an Illumina comment, '1:N:0:ACGT' after a space, is not in the first word)."""
    return [w[:-2] if w.endswith((b"/1", b"/2")) else w for w in words]


def check_pair(r1: str, r2: str) -> tuple[FastqSummary, FastqSummary]:
    """Read R1 and R2 to their ends side by side and raise InputError at the first problem, or
    return what was read. Each must be a whole FASTQ with reads; they must hold the same number
    of records, the mates' names must agree record for record, and they must not be the same
    reads."""
    one, two = FastqReader(r1), FastqReader(r2)
    same_reads = True
    for first, second in zip_longest(one.batches(), two.batches()):
        if first is None or second is None:
            continue  # one file has more records: read to its end, reported below
        (words1, seqs1), (words2, seqs2) = first, second
        n = min(len(words1), len(words2))
        if words1[:n] != words2[:n]:
            names1, names2 = mate_names(words1[:n]), mate_names(words2[:n])
            if names1 != names2:
                i = next(i for i, (a, b) in enumerate(zip(names1, names2, strict=True)) if a != b)
                record = one.summary.records - len(words1) + i + 1
                raise two.error(
                    f"{record_at(record)} is read {_name(names2[i])}, but {record_at(record)} of "
                    f"{r1} is {_name(names1[i])}: R1 and R2 must list the mates of each pair in "
                    "the same order (names compared without /1, /2 and the comment after them)"
                )
        same_reads = same_reads and seqs1 == seqs2
    c1, c2 = one.summary.records, two.summary.records
    if c1 != c2:
        longer, shorter = (r1, r2) if c1 > c2 else (r2, r1)
        raise InputError(
            f"{r1} has {c1:,} records but {r2} has {c2:,}: {record_at(min(c1, c2) + 1)} of "
            f"{longer} has no mate in {shorter} (one file cut short at a record boundary, or "
            "not the mate file of the other)"
        )
    if same_reads:
        raise InputError(
            f"{r1} and {r2} hold the same reads (all {c1:,} records have the same sequence in "
            "both): R2 is a copy of R1, not its mate file"
        )
    return one.summary, two.summary


def _name(word: bytes) -> str:
    return repr(word[1:].decode("utf-8", "replace"))
