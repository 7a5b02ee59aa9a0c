"""BAM/CRAM units: the checks before any job, and read groups made units (concord.bam_units)."""

from pathlib import Path

import pysam
import pytest
from concord import paths
from concord import workflow_inputs as wi
from concord.bam_units import with_bam_units
from concord.errors import InputError
from concord.reference import contig_md5s
from concord.samplesheet import load_schema, load_sheets
from conftest import DEMO, REPO

SCHEMAS = REPO / "rules" / "schemas"
FASTQ = [DEMO / "reads" / f"PT01-normal_L001_R{i}.fastq.gz" for i in (1, 2)]
OTHER_FASTQ = [DEMO / "reads" / f"PT02-normal_L001_R{i}.fastq.gz" for i in (1, 2)]
COLUMNS = ("sample_id", "unit_id", "fastq_1", "fastq_2", "bam", "platform", "library_id")
SEQ = "ACGT" * 25
CONTIGS = {"c1": "ACGTTGCA" * 40, "c2": "TTGACCAG" * 30}


def write_fasta(path: Path, contigs: dict[str, str]) -> str:
    lines = [
        f">{name}\n" + "".join(f"{seq[i : i + 60]}\n" for i in range(0, len(seq), 60))
        for name, seq in contigs.items()
    ]
    path.write_text("".join(lines))
    return str(path)


def write_reads(path: Path, groups=(), reads=None, sq=(), reference=None) -> str:
    """A BAM (or a CRAM when `reference` is given) with @RG lines `groups` (dicts) and records
    (name, flag, cigar, rg); by default 3 unaligned pairs of the first read group."""
    header = {"HD": {"VN": "1.6", "SO": "unsorted"}, "RG": list(groups)}
    header["SQ"] = [{"SN": name, "LN": length} for name, length in sq]
    if reads is None:
        rg = groups[0]["ID"] if groups else None
        reads = [(f"r{i}", flag, None, rg) for i in range(3) for flag in (77, 141)]
    mode = "wc" if reference else "wb"
    with pysam.AlignmentFile(str(path), mode, header=header, reference_filename=reference) as out:
        for name, flag, cigar, rg in reads:
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.flag = name, flag
            if cigar:
                read.reference_id, read.reference_start, read.cigarstring = 0, 10, cigar
                read.mapping_quality = 60
            length = read.infer_query_length() or len(SEQ)  # hard clips are not in SEQ
            read.query_sequence = SEQ[:length]
            read.query_qualities = pysam.qualitystring_to_array("F" * length)
            if rg:
                read.set_tag("RG", rg)
            out.write(read)
    return str(path)


def sheets(tmp_path, *units: dict):
    samples = tmp_path / "samples.tsv"
    samples.write_text(
        "sample_id\tpatient_id\trole\tassay\nS1\tP1\ttumor\tdna\nS2\tP1\tnormal\tdna\n"
    )
    table = tmp_path / "units.tsv"
    rows = [{"sample_id": "S2", "unit_id": "L1", "fastq_1": str(FASTQ[0]),
             "fastq_2": str(FASTQ[1]), "platform": "ILLUMINA"}, *units]  # fmt: skip
    table.write_text(
        "\t".join(COLUMNS)
        + "\n"
        + "".join("\t".join(r.get(c, "") for c in COLUMNS) + "\n" for r in rows)
    )
    return load_sheets(
        samples, table, load_schema(SCHEMAS / "samples.schema.yaml"),
        load_schema(SCHEMAS / "units.schema.yaml"),
    )  # fmt: skip


def reference(tmp_path, **extra) -> dict:
    return {"fasta": write_fasta(tmp_path / "ref.fa", CONTIGS), **extra}


def check(tmp_path, bam, ref=None, extra=(), **row):
    """with_bam_units on a sheet whose unit S1/L1 is `bam` (the row's other cells in `row`),
    followed by the rows `extra`."""
    unit = {"sample_id": "S1", "unit_id": "L1", "bam": bam, "platform": "ILLUMINA", **row}
    return with_bam_units(sheets(tmp_path, unit, *extra), ref or reference(tmp_path))


GROUPS = (
    {"ID": "FC1.1", "SM": "lims-42", "LB": "lib1", "PU": "FC1.1.ACGT", "PL": "illumina"},
    {"ID": "FC1 2", "SM": "lims-42", "LB": "lib2", "PU": "FC1.2.ACGT", "PL": "DNBSEQ"},
)


def test_each_read_group_becomes_a_unit_with_its_rg_fields(tmp_path):
    bam = write_reads(tmp_path / "a.bam", GROUPS, reads=[
        ("r1", 77, None, "FC1.1"), ("r1", 141, None, "FC1.1"),
        ("r2", 77, None, "FC1 2"), ("r2", 141, None, "FC1 2"),
    ])  # fmt: skip
    s = with_bam_units(
        sheets(tmp_path, {"sample_id": "S1", "unit_id": "arch", "bam": bam}), reference(tmp_path)
    )
    assert list(s.units.index) == [("S2", "L1"), ("S1", "arch-FC1_1"), ("S1", "arch-FC1_2")]
    units = s.units.loc["S1"]
    assert list(units["library_id"]) == ["lib1", "lib2"]
    assert list(units["platform"]) == ["ILLUMINA", "MGI"]
    assert list(units["read_group"]) == ["FC1.1", "FC1 2"]
    assert wi.read_group(s, "S1", "arch-FC1_2", "C1") == (
        r"@RG\tID:S1.arch-FC1_2\tSM:S1\tLB:lib2\tPU:FC1.2.ACGT\tPL:MGI\tCN:C1"
    )
    assert wi.revert_selection(s, "S1", "arch-FC1_2") == "-r 'FC1 2'"
    assert wi.unit_bam(s, "S1", "arch-FC1_1") == bam
    assert wi.unit_fastqs(s, "S1", "arch-FC1_1") == {
        "r1": paths.REVERTED_R1.format(sample="S1", unit="arch-FC1_1"),
        "r2": paths.REVERTED_R2.format(sample="S1", unit="arch-FC1_1"),
    }
    # FASTQ units are as they were
    assert wi.unit_fastqs(s, "S2", "L1") == {"r1": str(FASTQ[0]), "r2": str(FASTQ[1])}
    assert wi.read_group(s, "S2", "L1", "C1") == (
        r"@RG\tID:S2.L1\tSM:S2\tLB:S2\tPU:L1\tPL:ILLUMINA\tCN:C1"
    )


def test_units_stay_in_sheet_order(tmp_path):
    """Units are merged in sheet order: a BAM row's units take the row's place."""
    bam = write_reads(tmp_path / "a.bam", GROUPS, reads=[("r1", 77, None, "FC1.1")])
    fastq = {"sample_id": "S1", "unit_id": "L9", "fastq_1": str(OTHER_FASTQ[0]),
             "fastq_2": str(OTHER_FASTQ[1]), "platform": "MGI"}  # fmt: skip
    s = check(tmp_path, bam, unit_id="arch", extra=[fastq])
    assert list(s.units.index) == [
        ("S2", "L1"), ("S1", "arch-FC1_1"), ("S1", "arch-FC1_2"), ("S1", "L9")
    ]  # fmt: skip
    assert wi.sample_unit_bams(s, "S1") == [
        paths.UNIT_BAM.format(sample="S1", unit=u) for u in ("arch-FC1_1", "arch-FC1_2", "L9")
    ]


def test_sheet_values_win_and_one_read_group_keeps_the_unit_id(tmp_path):
    bam = write_reads(tmp_path / "a.bam", GROUPS[:1])
    row = {"sample_id": "S1", "unit_id": "L7", "bam": bam, "platform": "ELEMENT",
           "library_id": "mylib"}  # fmt: skip
    s = with_bam_units(sheets(tmp_path, row), reference(tmp_path))
    unit = s.units.loc[("S1", "L7")]
    assert (unit["library_id"], unit["platform"], unit["read_group"]) == ("mylib", "ELEMENT", "")
    assert wi.revert_selection(s, "S1", "L7") == ""
    assert "\\tPU:FC1.1.ACGT\\t" in wi.read_group(s, "S1", "L7", "C1")


def test_a_file_without_read_groups_is_one_unit(tmp_path):
    bam = write_reads(tmp_path / "a.bam")
    s = check(tmp_path, bam, platform="MGI")
    assert wi.read_group(s, "S1", "L1", "C") == r"@RG\tID:S1.L1\tSM:S1\tLB:S1\tPU:L1\tPL:MGI\tCN:C"


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda p: str(p / "gone.bam"),
            r"line 3, column 'bam': BAM/CRAM .*gone.bam does not exist",
        ),
        (lambda p: str(FASTQ[0]), r"line 3, column 'bam': .*R1.fastq.gz is not a BAM or CRAM file"),
        (
            lambda p: write_reads(p / "se.bam", reads=[("r1", 4, None, None)]),
            r"line 3, column 'bam': BAM .*se.bam holds single-end reads \(read 'r1' has FLAG 4",
        ),
        (
            lambda p: write_reads(p / "none.bam", reads=[("r1", 77 | 0x200, None, None)]),
            r"line 3, column 'bam': BAM .*none.bam has no reads",
        ),
        (
            lambda p: write_reads(
                p / "clip.bam", sq=[("c1", 320)], reads=[("r1", 65, "5H95M", None)]
            ),
            r"read 'r1' has a hard-clipped primary alignment \(CIGAR 5H95M\)",
        ),
        (
            lambda p: write_reads(p / "rg.bam", GROUPS, reads=[("r1", 77, None, None)]),
            r"read 'r1' has no RG tag, but the file has 2 read groups",
        ),
        (
            lambda p: write_reads(
                p / "sm.bam",
                [GROUPS[0], {**GROUPS[1], "SM": "other"}],
                reads=[("r1", 77, None, "FC1.1")],
            ),  # fmt: skip
            r"holds read groups of several samples \(SM lims-42, other\)",
        ),
    ],
    ids=["missing", "not_bam", "single_end", "only_qc_failed", "hard_clipped", "no_rg", "two_sm"],
)
def test_bad_files_name_line_and_column(tmp_path, make, message):
    with pytest.raises(InputError, match=message):
        check(tmp_path, make(tmp_path))


def test_secondary_and_supplementary_records_are_not_reads(tmp_path):
    reads = [("r1", 65 | 0x100, "5H95M", None), ("r1", 65 | 0x800, "5H95M", None),
             ("r1", 65, "100M", None), ("r1", 129, "100M", None)]  # fmt: skip
    check(tmp_path, write_reads(tmp_path / "a.bam", sq=[("c1", 320)], reads=reads))


def test_platform_from_the_sheet_or_a_known_pl(tmp_path):
    bam = write_reads(tmp_path / "a.bam", [{"ID": "x", "PL": "PACBIO"}])
    with pytest.raises(
        InputError,
        match=r"line 3, column 'platform': empty, and read group 'x' of .*a.bam has PL 'PACBIO'",
    ):
        check(tmp_path, bam, platform="")


def test_a_file_is_used_once_and_unit_ids_stay_unique(tmp_path):
    bam = write_reads(tmp_path / "a.bam")
    twice = [{"sample_id": "S1", "unit_id": u, "bam": bam, "platform": "MGI"} for u in ("A", "B")]
    with pytest.raises(
        InputError, match=r"line 4, column 'bam': .*a.bam is already used on line 3"
    ):
        with_bam_units(sheets(tmp_path, *twice), reference(tmp_path))
    groups = write_reads(tmp_path / "g.bam", GROUPS, reads=[("r1", 77, None, "FC1.1")])
    clash = [
        {"sample_id": "S1", "unit_id": "arch-FC1_1", "fastq_1": str(OTHER_FASTQ[0]),
         "fastq_2": str(OTHER_FASTQ[1]), "platform": "MGI"},
        {"sample_id": "S1", "unit_id": "arch", "bam": groups},
    ]  # fmt: skip
    with pytest.raises(
        InputError,
        match=r"line 4, column 'bam': read group 'FC1.1' .* becomes unit 'arch-FC1_1' of sample "
        r"'S1', which line 3 already has",
    ):
        with_bam_units(sheets(tmp_path, *clash), reference(tmp_path))


def test_cram_on_the_configured_reference_passes(tmp_path):
    ref = reference(tmp_path)
    cram = write_reads(
        tmp_path / "a.cram", sq=[("c1", 320), ("c2", 240)], reference=ref["fasta"],
        reads=[("r1", 65, "100M", None), ("r1", 129, "100M", None)],
    )  # fmt: skip
    assert check(tmp_path, cram, ref).units.loc[("S1", "L1"), "bam"] == cram


def cram_on_another_reference(tmp_path) -> str:
    other = write_fasta(tmp_path / "other.fa", {**CONTIGS, "c2": "A" + CONTIGS["c2"][1:]})
    return write_reads(
        tmp_path / "a.cram", sq=[("c1", 320), ("c2", 240)], reference=other,
        reads=[("r1", 65, "100M", None), ("r1", 129, "100M", None)],
    )  # fmt: skip


def test_cram_on_another_reference_names_the_contig(tmp_path):
    cram = cram_on_another_reference(tmp_path)
    ref = reference(tmp_path)
    good = contig_md5s(ref["fasta"], ["c2"])["c2"][1]
    with pytest.raises(
        InputError,
        match=rf"line 3, column 'bam': CRAM .*a.cram was written against another reference: "
        rf"contig 'c2' has M5 [0-9a-f]{{32}} in the CRAM, but {good} in .*ref.fa",
    ):
        check(tmp_path, cram, ref)


def test_cram_is_checked_against_expected_md5_when_configured(tmp_path):
    cram = cram_on_another_reference(tmp_path)
    ref = reference(tmp_path, expected_md5={"c2": "0" * 32})
    with pytest.raises(
        InputError, match=r"contig 'c2' has M5 .* but 0{32} in reference.expected_md5"
    ):
        check(tmp_path, cram, ref)


def test_cram_contig_missing_from_the_reference(tmp_path):
    cram = cram_on_another_reference(tmp_path)
    ref = {"fasta": write_fasta(tmp_path / "small.fa", {"c1": CONTIGS["c1"]})}
    with pytest.raises(InputError, match=r"names contig 'c2', which is not in the reference"):
        check(tmp_path, cram, ref)


def cut(path: str, n: int) -> str:
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:-n])
    return path


@pytest.mark.parametrize("kind", ["bam", "cram"])
def test_a_file_cut_off_at_a_block_boundary_is_truncated(tmp_path, kind):
    """Without its end-of-file marker every earlier block still reads: htslib only warns."""
    ref = reference(tmp_path)
    made = write_reads(
        tmp_path / f"a.{kind}", sq=[("c1", 320), ("c2", 240)],
        reference=ref["fasta"] if kind == "cram" else None,
        reads=[("r1", 65, "100M", None), ("r1", 129, "100M", None)],
    )  # fmt: skip
    check(tmp_path, made, ref)  # complete: passes
    cut(made, 28 if kind == "bam" else 38)
    with pytest.raises(InputError, match=rf"line 3, column 'bam': {kind.upper()} .* ends without"):
        check(tmp_path, made, ref)
