"""The validator against hand-made VCFs: one good file, and one file per kind of breakage."""

import pytest
from concord.vcfspec import Provenance, header_lines, validate_vcf, write_bgzipped_vcf

GOOD_RECORDS = [
    "c1\t5\t.\tA\tG\t.\tPASS\tSOMATIC;VARTYPE=SNV;MQM=60.0;SAF=3;SAR=4;TLOD=17.12;NLOD=9.03;NALOD=0.00\tGT:DP:AD:AF\t0/1:50:43,7:0.140\t0/0:30:30,0:0.000",
    "c1\t9\t.\tGT\tG\t.\tgermline\tVARTYPE=DEL;MQM=60.0;SAF=9;SAR=9;TLOD=52.00;NLOD=-8.95;NALOD=30.10\tGT:DP:AD:AF\t0/1:40:20,20:0.500\t0/1:30:15,15:0.500",
    "c2\t3\t.\tT\tTA\t.\tlow_evidence\tVARTYPE=INS;MQM=60.0;SAF=1;SAR=1;TLOD=3.20;NLOD=9.03;NALOD=0.00\tGT:DP:AD:AF\t0/1:90:88,2:0.022\t0/0:30:30,0:0.000",
]


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "ref.fa"
    path.write_text(">c1\nACGTAGCTGTCA\n>c2\nGGTCCA\n")
    import pysam

    pysam.faidx(str(path))
    return path


def provenance():
    return Provenance(
        concord_version="0.1.0",
        centre="TEST",
        assembly="toy",
        contigs=[("c1", 12, "0" * 32), ("c2", 6, "1" * 32)],
        tools={"freebayes": "1.3.6", "bcftools": "1.16"},
        commands={"freebayes": "--pooled-continuous"},
        model="min_tumor_lod=5.9",
        samples={"TUMOR": ("T1", "P1", "tumor"), "NORMAL": ("N1", "P1", "normal")},
    )


def make(tmp_path, records=GOOD_RECORDS, edit_header=None):
    lines = header_lines("somatic", provenance())
    if edit_header:
        lines = edit_header(lines)
    path = tmp_path / "calls.somatic.vcf.gz"
    try:
        write_bgzipped_vcf(lines + list(records), path)
    except OSError:  # tabix refuses unsorted input: validate the bgzipped file without index
        pass
    return path


def test_good_file_conforms(tmp_path, reference):
    assert validate_vcf(make(tmp_path), "somatic", reference) == []


def test_written_bytes_are_reproducible(tmp_path, reference):
    a = make(tmp_path).read_bytes()
    b = make(tmp_path).read_bytes()
    assert a == b


def replace_record(i, old, new):
    records = list(GOOD_RECORDS)
    records[i] = records[i].replace(old, new)
    return records


@pytest.mark.parametrize(
    "records, message",
    [
        (
            replace_record(0, "\tA\tG\t", "\tC\tG\t"),
            "REF C does not match the reference (A) at c1:5",
        ),
        (replace_record(0, "\tPASS\t", "\tLowQual\t"), "FILTER 'LowQual' is not in the vocabulary"),
        (replace_record(0, "\tPASS\t", "\tPASS;germline\t"), "PASS cannot be combined"),
        (replace_record(0, "\tG\t.\tPASS", "\tG,T\t.\tPASS"), "multiallelic ALT G,T"),
        (replace_record(0, "GT:DP:AD:AF", "GT:AD:DP:AF"), "FORMAT must be GT:DP:AD:AF"),
        (replace_record(0, "SOMATIC;", "SOMATIC;DB;"), "INFO key 'DB' is not in the spec"),
        ([GOOD_RECORDS[1], GOOD_RECORDS[0], GOOD_RECORDS[2]], "c1:5 is out of order"),
        (GOOD_RECORDS + [GOOD_RECORDS[2]], "c2:3 T>TA appears twice"),
        (replace_record(2, "\tT\tTA\t", "\tT\tTG\t").__add__([]), None),  # TG after T: fine
        (
            [*GOOD_RECORDS[:2], GOOD_RECORDS[2].replace("\t3\t.\tT\tTA\t", "\t4\t.\tCC\tC\t")],
            "c2:4 CC>C: indel can be shifted left",
        ),
        (replace_record(0, "\t5\t.\tA\tG\t", "\t5\t.\tAG\tGG\t"), "share their last base"),
        (replace_record(0, "\tTUMOR", "\tTUMOR"), None),
    ],
)
def test_broken_records_are_named(tmp_path, reference, records, message):
    errors = validate_vcf(make(tmp_path, records), "somatic", reference)
    if message is None:
        assert errors == []
    else:
        assert any(message in e for e in errors), errors


def test_shifted_left_check_uses_the_right_rule(tmp_path, reference):
    # c1 = ACGTAGCTGTCA: deleting the G at 6 after anchor A(5) cannot shift (A != G) -> fine
    records = [
        "c1\t5\t.\tAG\tA\t.\tPASS\tSOMATIC;VARTYPE=DEL;MQM=60.0;SAF=3;SAR=4\tGT:DP:AD:AF\t0/1:50:43,7:0.140\t0/0:30:30,0:0.000"
    ]
    assert validate_vcf(make(tmp_path, records), "somatic", reference) == []


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda ls: [line for line in ls if not line.startswith("##concordCentre")],
            "no ##concordCentre line",
        ),
        (lambda ls: ls[:1] + ["##fileDate=20261123"] + ls[1:], "no dates and no absolute paths"),
        (
            lambda ls: [
                line.replace('Options="--pooled', 'Options="/opt/fb --pooled') for line in ls
            ],
            "absolute paths",
        ),
        (
            lambda ls: [line for line in ls if "ID=strand_bias" not in line],
            "##FILTER IDs must be exactly",
        ),
        (
            lambda ls: [line.replace("ID=AD,Number=R", "ID=AD,Number=.") for line in ls],
            "##FORMAT lines must declare",
        ),
        (
            lambda ls: [line.replace(",md5=" + "1" * 32, "") for line in ls],
            "##contig c2 has no md5",
        ),
        (
            lambda ls: [line for line in ls if not line.startswith("##SAMPLE=<ID=NORMAL")],
            "no ##SAMPLE line for column NORMAL",
        ),
        (
            lambda ls: ls[:-1] + [ls[-1].replace("TUMOR\tNORMAL", "P1_T\tP1_N")],
            "sample columns must be TUMOR, NORMAL",
        ),
    ],
)
def test_broken_headers_are_named(tmp_path, reference, edit, message):
    errors = validate_vcf(make(tmp_path, edit_header=edit), "somatic", reference)
    assert any(message in e for e in errors), errors


def test_plain_gzip_and_missing_index(tmp_path, reference):
    import gzip

    path = tmp_path / "plain.vcf.gz"
    path.write_bytes(gzip.compress(b"##fileformat=VCFv4.2\n"))
    assert validate_vcf(path, "somatic", reference) == [f"{path}: not bgzip-compressed"]
    good = make(tmp_path)
    (tmp_path / "calls.somatic.vcf.gz.tbi").unlink()
    assert any("no tabix index" in e for e in validate_vcf(good, "somatic", reference))
