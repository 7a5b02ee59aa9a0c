"""FASTQs whose first bytes look right but whose contents are not: the early job fastq_check reads
each FASTQ unit's R1 and R2 to their ends and stops the sample before fastp or bwa reads them,
naming the file, the record and its line. Each case breaks unit L001 of PT01-normal (line 4 of the
units sheet) with a copy of the demo's reads written under the run directory."""

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from concord import paths
from conftest import DEMO

SAMPLE, UNIT, LINE = "PT01-normal", "L001", 4
VERDICT = paths.FASTQ_CHECK.format(sample=SAMPLE, unit=UNIT)
DEMO_READS = [DEMO / "reads" / f"{SAMPLE}_{UNIT}_R{i}.fastq.gz" for i in (1, 2)]


def use_fastq(w, mate: int, path: Path) -> None:
    """Line LINE of the units sheet reads `path` as its R`mate`."""
    rows = [r.split("\t") for r in w.units.splitlines()]
    rows[LINE - 1][rows[0].index(f"fastq_{mate}")] = str(path)
    w.units = "\n".join("\t".join(r) for r in rows) + "\n"


def demo_records(mate: int) -> list[bytes]:
    """The demo unit's R`mate` as a list of 4-line records (each ending in a newline)."""
    lines = gzip.decompress(DEMO_READS[mate - 1].read_bytes()).split(b"\n")[:-1]
    return [b"\n".join(lines[i : i + 4]) + b"\n" for i in range(0, len(lines), 4)]


def write_gzip(w, mate: int, records: list[bytes]) -> Path:
    path = w.path / f"{SAMPLE}_{UNIT}_R{mate}.fastq.gz"
    path.write_bytes(gzip.compress(b"".join(records), mtime=0))
    use_fastq(w, mate, path)
    return path


def empty_fastq(w):
    """A gzip of nothing: caught before any job, from its first bytes."""
    empty = w.path / "empty_R1.fastq.gz"
    empty.write_bytes(gzip.compress(b"", mtime=0))
    use_fastq(w, 1, empty)
    return r"units.tsv: line 4, column 'fastq_1': FASTQ .*/empty_R1.fastq.gz is empty \(no reads\)"


def truncated_gzip(w):
    """The demo's R1 with its last 2 KB cut off."""
    cut = w.path / f"{SAMPLE}_{UNIT}_R1.fastq.gz"
    cut.write_bytes(DEMO_READS[0].read_bytes()[:-2048])
    use_fastq(w, 1, cut)
    return (
        r"/PT01-normal_L001_R1.fastq.gz: the file stops in the middle of its gzip stream \(no "
        r"end-of-stream marker after 115,088 bytes\): it is truncated \(an interrupted copy or "
        r"download\?\); the whole records before it end with record 3,\d{3} \(line 12,\d{3}\)"
    )


def plain_fastq_cut_mid_record(w):
    """R2 as plain text, cut in the sequence line of record 1,001."""
    records = demo_records(2)
    cut = w.path / f"{SAMPLE}_{UNIT}_R2.fastq"
    cut.write_bytes(b"".join(records[:1000]) + records[1000][:60])
    use_fastq(w, 2, cut)
    return (
        r"/PT01-normal_L001_R2.fastq: the file ends inside record 1,001 \(line 4,001\), in its "
        r"sequence line \(line 4,002\): a record is 4 lines; the file is cut off"
    )


def short_quality_line(w):
    """Record 1,500 of R1 with one quality character less than its bases."""
    records = demo_records(1)
    head, seq, plus, qual, _ = records[1499].split(b"\n")
    records[1499] = b"\n".join([head, seq, plus, qual[:-1], b""])
    write_gzip(w, 1, records)
    return (
        r"/PT01-normal_L001_R1.fastq.gz: record 1,500, line 6,000: the quality has 99 "
        r"characters but the sequence \(line 5,998\) has 100"
    )


def mate_names_disagree(w):
    """R2's first two records in the other order."""
    records = demo_records(2)
    records[0], records[1] = records[1], records[0]
    write_gzip(w, 2, records)
    return (
        r"/PT01-normal_L001_R2.fastq.gz: record 1 \(line 1\) is read 'PT01-normal:L001:0000002', "
        r"but record 1 \(line 1\) of .*/PT01-normal_L001_R1.fastq.gz is 'PT01-normal:L001:0000001'"
    )


def r2_is_a_copy_of_r1(w):
    """R1 copied under another name, given as R2."""
    copy = w.path / f"{SAMPLE}_{UNIT}_R2.fastq.gz"
    shutil.copyfile(DEMO_READS[0], copy)
    use_fastq(w, 2, copy)
    return (
        r"/PT01-normal_L001_R1.fastq.gz and .*/PT01-normal_L001_R2.fastq.gz hold the same reads "
        r"\(all 3,174 records have the same sequence in both\): R2 is a copy of R1"
    )


def record_counts_differ(w):
    """R2 without its last record (a whole gzip file: only the count tells)."""
    write_gzip(w, 2, demo_records(2)[:-1])
    return (
        r"/PT01-normal_L001_R1.fastq.gz has 3,174 records but .*/PT01-normal_L001_R2.fastq.gz has "
        r"3,173: record 3,174 \(line 12,693\) of .*R1.fastq.gz has no mate"
    )


FASTQ_CASES = [
    empty_fastq,
    truncated_gzip,
    plain_fastq_cut_mid_record,
    short_quality_line,
    mate_names_disagree,
    r2_is_a_copy_of_r1,
    record_counts_differ,
]


@pytest.mark.parametrize("case", FASTQ_CASES, ids=[c.__name__ for c in FASTQ_CASES])
def test_a_bad_fastq_stops_its_unit_before_any_tool_reads_it(workdir, case):
    message = case(workdir)
    result = workdir.run("--cores", "1", VERDICT)
    assert result.returncode != 0
    assert re.search(message, result.stderr), result.stderr[-3000:]
    results = workdir.path / "results"
    assert not (workdir.path / VERDICT).exists()
    assert not list(results.glob(f"align/{SAMPLE}/**/*.bam"))
    assert not list(results.glob(f"trimmed/{SAMPLE}/*")) + list(
        results.glob(f"qc/fastp/{SAMPLE}/*")
    )


def test_a_fastq_still_being_copied_when_the_run_starts_is_stopped_before_alignment(workdir):
    """The run starts while R1 is still arriving: half of its gzip bytes are there (whole records
    at the start, so the first bytes read at parse time look fine). The content check stops the
    sample before fastp and bwa; once the copy is complete the check passes, a further run keeps
    its verdict instead of reading the files again, and a FASTQ replaced is read again."""
    whole = DEMO_READS[0].read_bytes()
    r1 = workdir.path / "incoming" / f"{SAMPLE}_{UNIT}_R1.fastq.gz"
    r1.parent.mkdir()
    r1.write_bytes(whole[: len(whole) // 2])
    use_fastq(workdir, 1, r1)
    started = workdir.run("--cores", "2", paths.BAM.format(sample=SAMPLE))
    assert started.returncode != 0
    assert re.search(
        r"FASTQ check of sample 'PT01-normal', unit 'L001' failed: .*/incoming/"
        r"PT01-normal_L001_R1.fastq.gz: the file stops in the middle of its gzip stream .*: it "
        r"is truncated \(an interrupted copy or download\?\)",
        started.stderr,
    ), started.stderr[-3000:]
    results = workdir.path / "results"
    assert not (workdir.path / VERDICT).exists()
    assert not list(results.glob(f"align/{SAMPLE}/**/*.bam"))
    assert not list(results.glob(f"qc/fastp/{SAMPLE}/*"))

    r1.write_bytes(whole)  # the copy finished
    finished = workdir.run("--cores", "1", VERDICT)
    assert finished.returncode == 0, finished.stderr[-3000:]
    verdict = json.loads((workdir.path / VERDICT).read_text())
    assert verdict["verdict"] == "pass" and verdict["read_pairs"] == 3174
    assert verdict["r1"]["path"] == str(r1) and verdict["r1"]["bytes"] == len(whole)
    again = workdir.run("--cores", "1", VERDICT)
    assert again.returncode == 0
    assert "Nothing to be done" in again.stderr
    # R1 replaced by another interrupted copy: the kept verdict does not hide it
    r1.write_bytes(whole[: len(whole) // 3])
    later = (workdir.path / VERDICT).stat().st_mtime + 10
    os.utime(r1, (later, later))
    replaced = workdir.run("--cores", "1", VERDICT)
    assert replaced.returncode != 0
    assert re.search(r"R1.fastq.gz: the file stops in the middle of its gzip", replaced.stderr)
    assert not (workdir.path / VERDICT).exists()
