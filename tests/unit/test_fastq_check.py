"""concord.fastq_check on small hand-made FASTQs: plain, gzip, multi-member gzip and BGZF."""

import gzip
import re

import pysam
import pytest
from concord import fastq_check
from concord.errors import InputError
from concord.fastq_check import BGZF_EOF, check_pair, file_format, mate_names


def record(name: str, seq: str, qual: str | None = None, comment: str = "") -> str:
    return f"@{name}{comment}\n{seq}\n+\n{qual if qual is not None else 'F' * len(seq)}\n"


def pair_texts(n: int = 6) -> tuple[str, str]:
    """n read pairs with /1 and /2 names, R2 bases unlike R1's."""
    r1 = "".join(record(f"r{i}/1", "ACGT" * (i + 1)) for i in range(n))
    r2 = "".join(record(f"r{i}/2", "TTGCA" * (i + 1)) for i in range(n))
    return r1, r2


def write(tmp_path, name: str, text: str | bytes, how: str = "plain") -> str:
    data = text.encode() if isinstance(text, str) else text
    path = tmp_path / name
    if how == "plain":
        path.write_bytes(data)
    elif how == "gzip":
        path.write_bytes(gzip.compress(data, mtime=0))
    elif how == "bgzf":
        plain = tmp_path / f"{name}.txt"
        plain.write_bytes(data)
        pysam.tabix_compress(str(plain), str(path), force=True)
    return str(path)


def failure(r1: str, r2: str) -> str:
    with pytest.raises(InputError) as caught:
        check_pair(r1, r2)
    return str(caught.value)


@pytest.mark.parametrize("how", ["plain", "gzip", "bgzf"])
def test_a_good_pair_passes_and_is_counted(tmp_path, how):
    t1, t2 = pair_texts()
    r1, r2 = write(tmp_path, "a_R1.fq", t1, how), write(tmp_path, "a_R2.fq", t2, how)
    one, two = check_pair(r1, r2)
    assert file_format(r1) == how == one.format
    assert (one.records, two.records) == (6, 6)
    assert (one.bases, one.min_length, one.max_length) == (4 * 21, 4, 24)
    assert (two.bases, two.min_length, two.max_length) == (5 * 21, 5, 30)


def test_illumina_comments_names_without_suffix_and_a_missing_final_newline_pass(tmp_path):
    r1 = record("M1:7:FC:1:1:10:20", "ACGTA", comment=" 1:N:0:ACGT") * 1
    r1 += record("M1:7:FC:1:1:10:21", "ACGTT", comment=" 1:N:0:ACGT")
    r2 = record("M1:7:FC:1:1:10:20", "GGCCA", comment=" 2:N:0:ACGT")
    r2 += record("M1:7:FC:1:1:10:21", "GGCCT", comment=" 2:N:0:ACGT")
    one, _ = check_pair(write(tmp_path, "R1.fq", r1.rstrip("\n")), write(tmp_path, "R2.fq", r2))
    assert one.records == 2
    assert mate_names([b"@a/1", b"@a/2", b"@a", b"@a/3"]) == [b"@a", b"@a", b"@a", b"@a/3"]


def test_blank_lines_at_the_very_end_and_concatenated_gzip_members_pass(tmp_path):
    t1, t2 = pair_texts(4)
    halves = t1.split("@r2/1")
    members = gzip.compress(halves[0].encode()) + gzip.compress(("@r2/1" + halves[1]).encode())
    r1 = write(tmp_path, "R1.fq.gz", members)
    assert check_pair(r1, write(tmp_path, "R2.fq", t2 + "\n\n"))[0].records == 4


def test_a_gzip_cut_before_its_end(tmp_path):
    t1, t2 = pair_texts(200)
    whole = gzip.compress(t1.encode(), mtime=0)
    r1 = write(tmp_path, "R1.fq.gz", whole[:-40])
    message = failure(r1, write(tmp_path, "R2.fq", t2))
    assert re.fullmatch(
        rf"{re.escape(r1)}: the file stops in the middle of its gzip stream \(no end-of-stream "
        rf"marker after {len(whole) - 40:,} bytes\): it is truncated \(an interrupted copy or "
        r"download\?\); the whole records before it end with record \d+ \(line \d+\)",
        message,
    )
    kept = int(re.search(r"end with record (\d+)", message).group(1))
    assert 150 < kept < 200  # the records before the cut were read (and checked)


def test_a_bgzf_file_without_its_end_of_file_block_or_cut_inside_a_block(tmp_path):
    t1, t2 = pair_texts(50)
    r2 = write(tmp_path, "R2.fq", t2)
    whole_path = write(tmp_path, "whole_R1.fq.gz", t1, "bgzf")
    with open(whole_path, "rb") as fh:
        whole = fh.read()
    assert whole.endswith(BGZF_EOF)
    assert check_pair(whole_path, r2)[0].records == 50
    no_eof = write(tmp_path, "noeof_R1.fq.gz", whole[: -len(BGZF_EOF)])
    assert file_format(no_eof) == "bgzf"
    assert "is BGZF without its end-of-file block" in failure(no_eof, r2)
    inside = write(tmp_path, "cut_R1.fq.gz", whole[: -len(BGZF_EOF) - 10])
    assert "stops in the middle of its gzip stream" in failure(inside, r2)


def test_corrupt_gzip_data_is_named_with_its_bytes(tmp_path):
    t1, t2 = pair_texts(200)
    data = bytearray(gzip.compress(t1.encode(), mtime=0))
    for i in range(200, 260):
        data[i] ^= 0x5A
    message = failure(write(tmp_path, "R1.fq.gz", bytes(data)), write(tmp_path, "R2.fq", t2))
    assert re.fullmatch(
        r".*/R1.fq.gz: the file is corrupt: its gzip data cannot be decompressed between bytes 0 "
        r"and [\d,]+ \(zlib: .*\); no whole record before it",
        message,
    )


def test_a_plain_fastq_cut_inside_a_record(tmp_path):
    t1, t2 = pair_texts(4)
    r2 = write(tmp_path, "R2.fq", t2)
    lines = t1.splitlines(keepends=True)
    after_header = write(tmp_path, "h_R1.fq", "".join(lines[:13]))
    assert failure(after_header, r2).endswith(
        "h_R1.fq: the file ends inside record 4 (line 13), after its header line (line 13): a "
        "record is 4 lines; the file is cut off (an interrupted copy or download?)"
    )
    in_plus = write(tmp_path, "p_R1.fq", "".join(lines[:14]) + "+")
    assert "inside record 4 (line 13), in its '+' line (line 15)" in failure(in_plus, r2)
    in_quality = write(tmp_path, "q_R1.fq", "".join(lines[:15]) + "FFF")
    assert failure(in_quality, r2).endswith(
        "q_R1.fq: record 4, line 16: the quality has 3 characters but the sequence (line 14) has "
        "16; a record has one quality character per base; the file ends in this line: it is cut "
        "off (an interrupted copy?)"
    )


def test_pysam_fastxfile_does_not_see_a_plain_fastq_cut_in_its_last_record(tmp_path):
    """Why the check reads records itself: pysam returns the cut record as if it were whole."""
    t1, _ = pair_texts(4)
    cut = write(tmp_path, "cut.fq", "".join(t1.splitlines(keepends=True)[:14]))
    with pysam.FastxFile(cut) as fh:
        last = list(fh)[-1]
    assert last.name == "r3/1" and len(last.sequence) == 16 and not last.quality


def test_record_structure_is_named_with_record_line_and_column(tmp_path):
    t1, t2 = pair_texts(4)
    r2 = write(tmp_path, "R2.fq", t2)
    lines = t1.splitlines(keepends=True)
    no_at = write(tmp_path, "at_R1.fq", "".join(lines[:4] + ["r1/1\n"] + lines[5:]))
    assert failure(no_at, r2).endswith(
        "at_R1.fq: record 2 (line 5), column 1: a record's first line starts with '@', this one "
        "is 'r1/1' (not FASTQ, or the records are out of step)"
    )
    no_plus = write(tmp_path, "plus_R1.fq", "".join(lines[:10] + ["-\n"] + lines[11:]))
    assert "plus_R1.fq: record 3, line 11, column 1: a record's third line starts with '+', " in (
        failure(no_plus, r2)
    )
    wrapped = t1.replace("ACGTACGTACGT\n", "ACGTAC\nGTACGT\n", 1)  # a sequence on two lines
    assert "record 3, line 11, column 1" in failure(write(tmp_path, "w_R1.fq", wrapped), r2)


def test_a_quality_line_shorter_than_its_sequence_in_the_middle(tmp_path):
    t1, t2 = pair_texts(6)
    lines = t1.splitlines(keepends=True)
    lines[15] = lines[15][1:]  # record 4's quality, 15 of 16
    r1 = write(tmp_path, "R1.fq.gz", "".join(lines), "gzip")
    assert failure(r1, write(tmp_path, "R2.fq", t2)) == (
        f"{r1}: record 4, line 16: the quality has 15 characters but the sequence (line 14) has "
        "16; a record has one quality character per base"
    )


@pytest.mark.parametrize("how", ["plain", "gzip"])
def test_empty_files(tmp_path, how):
    _, t2 = pair_texts(2)
    empty = write(tmp_path, "R1.fq", "", how)
    inside = " (its compressed data holds nothing)" if how == "gzip" else ""
    assert failure(empty, write(tmp_path, "R2.fq", t2)) == (
        f"{empty}: no reads: the file holds no FASTQ record{inside}"
    )


def test_mates_out_of_step_same_reads_and_counts(tmp_path, monkeypatch):
    monkeypatch.setattr(fastq_check, "BATCH", 2)  # records compared across several batches
    t1, t2 = pair_texts(7)
    r1 = write(tmp_path, "R1.fq", t1)
    swapped = t2.replace("@r4/2", "@r9/2")
    r2 = write(tmp_path, "R2.fq", swapped)
    assert failure(r1, r2) == (
        f"{r2}: record 5 (line 17) is read 'r9', but record 5 (line 17) of {r1} is 'r4': R1 and "
        "R2 must list the mates of each pair in the same order (names compared without /1, /2 "
        "and the comment after them)"
    )
    copy = write(tmp_path, "copy_R2.fq", t1)
    assert failure(r1, copy) == (
        f"{r1} and {copy} hold the same reads (all 7 records have the same sequence in both): "
        "R2 is a copy of R1, not its mate file"
    )
    short = write(tmp_path, "short_R2.fq", "".join(t2.splitlines(keepends=True)[:-8]))
    assert failure(r1, short) == (
        f"{r1} has 7 records but {short} has 5: record 6 (line 21) of {r1} has no mate in "
        f"{short} (one file cut short at a record boundary, or not the mate file of the other)"
    )
    assert failure(short, r1).startswith(
        f"{short} has 5 records but {r1} has 7: record 6 (line 21) of {r1} has no mate in {short}"
    )
