"""From a freebayes-like joint call, through the real bcftools split, to records (the identity
check's input): multiallelic sites are genotyped from all their alleles; germline filters for
allele balance and pile-ups; the standardized lines written from fragment evidence."""

import subprocess

import pytest
from concord.evidence import Candidate, CandidateEvidence
from concord.joint_call import read_joint_calls
from concord.somatic import (
    Counts,
    GermlineThresholds,
    SampleEvidence,
    SomaticThresholds,
    classify_germline,
    heterozygote_p,
    max_normal_depth,
)
from concord.vcfspec import Provenance

REFERENCE = "ACGTACGTAC" * 10  # contig c1, 100 bp

HEADER = """##fileformat=VCFv4.2
##contig=<ID=c1,length=100>
##INFO=<ID=MQM,Number=A,Type=Float,Description="x">
##INFO=<ID=SAF,Number=A,Type=Integer,Description="x">
##INFO=<ID=SAR,Number=A,Type=Integer,Description="x">
##FORMAT=<ID=GT,Number=1,Type=String,Description="x">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="x">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="x">
##FORMAT=<ID=RO,Number=1,Type=Integer,Description="x">
##FORMAT=<ID=AO,Number=A,Type=Integer,Description="x">
##FORMAT=<ID=QA,Number=A,Type=Integer,Description="x">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\tN
"""


def joint_call(tmp_path, records: list[str], keep_sum: bool = True) -> str:
    """A freebayes-like joint VCF split the way rule gather_joint_calls splits it."""
    (tmp_path / "ref.fa").write_text(f">c1\n{REFERENCE}\n")
    raw = tmp_path / "raw.vcf"
    raw.write_text(HEADER + "".join(r + "\n" for r in records))
    out = tmp_path / "joint.vcf"
    cmd = ["bcftools", "norm", "--no-version", "-f", str(tmp_path / "ref.fa"), "-m", "-any"]
    cmd += ["--keep-sum", "AD"] if keep_sum else []
    subprocess.run([*cmd, "-o", str(out), str(raw)], check=True, capture_output=True)
    return str(out)


# position 2 is C: the normal has C>A and C>T and no reference reads (a 1/2 heterozygote)
ONE_TWO = (
    "c1\t2\t.\tC\tA,T\t.\t.\tMQM=60,60;SAF=10,10;SAR=10,10\tGT:DP:AD:RO:AO:QA\t"
    "1/2:40:0,20,20:0:20,20:700,700\t1/2:30:0,16,14:0:16,14:560,490"
)


def germline_genotypes(path: str) -> list[tuple[str, str]]:
    th = GermlineThresholds()
    out = []
    for r in read_joint_calls(path, "T", "N"):
        called = classify_germline(r.normal, th)
        out.append((r.alt, called[0] if called else None))
    return out


def test_a_one_two_heterozygote_is_heterozygous_for_each_alt(tmp_path):
    records = list(read_joint_calls(joint_call(tmp_path, [ONE_TWO]), "T", "N"))
    assert [(r.alt, r.normal.ref, r.normal.alt, r.normal.other) for r in records] == [
        ("A", 0, 16, 14),
        ("T", 0, 14, 16),
    ]
    assert all(r.normal.depth == 30 for r in records)
    assert germline_genotypes(joint_call(tmp_path, [ONE_TWO])) == [("A", "0/1"), ("T", "0/1")]


def test_without_the_other_alleles_the_split_records_look_homozygous(tmp_path):
    """The defect this guards against: each split ALT genotyped from its own counts."""
    path = joint_call(tmp_path, [ONE_TWO], keep_sum=False)
    assert germline_genotypes(path) == [("A", "1/1"), ("T", "1/1")]


def test_a_biallelic_site_is_unchanged_by_the_split(tmp_path):
    het = (
        "c1\t6\t.\tC\tG\t.\t.\tMQM=60;SAF=5;SAR=5\tGT:DP:AD:RO:AO:QA\t"
        "0/1:20:10,10:10:10:350\t0/1:22:12,10:12:10:350"
    )
    (r,) = read_joint_calls(joint_call(tmp_path, [het]), "T", "N")
    assert (r.normal.ref, r.normal.alt, r.normal.other, r.normal.depth) == (12, 10, 0, 22)


@pytest.mark.parametrize(
    "alt, depth, low",
    [(15, 30, False), (8, 30, False), (5, 30, True), (30, 187, True), (2, 10, False)],
)
def test_heterozygote_p(alt, depth, low):
    assert (heterozygote_p(alt, depth) < 0.001) == low


def test_germline_allele_imbalance_and_pile_up():
    th = GermlineThresholds()
    # the real-data case: 0/1 at VAF 0.16 with 187 reads where the sample's median is 6x
    depths = [6] * 50 + [5] * 30 + [7] * 30 + [187]
    max_depth = max_normal_depth(depths, th)
    assert max_depth == 18
    gt, _, reasons = classify_germline(Counts(157, 30), th, max_depth)
    assert gt == "0/1" and reasons == ["allele_imbalance", "high_depth"]
    assert classify_germline(Counts(10, 8), th, max_depth)[2] == []
    # a homozygous call is not judged for balance
    assert classify_germline(Counts(0, 12), th, max_depth)[2] == []
    assert max_normal_depth([], th) is None


def provenance(*columns) -> Provenance:
    prov = Provenance("0", "C", "A", [("c1", 100, "0" * 32)], {}, model="m,max_depth=90")
    prov.samples = {c: (c, "P", c.lower()) for c in columns}
    return prov


def fragments(ref: int, alt: int, other: int = 0, q: int = 37) -> SampleEvidence:
    return SampleEvidence(
        ref_quals=((q, ref),) if ref else (),
        alt_quals=((q, alt),) if alt else (),
        other=other,
        ref_forward=ref // 2, ref_reverse=ref - ref // 2,
        alt_forward=alt // 2, alt_reverse=alt - alt // 2,
        ref_f1r2=ref // 2, ref_f2r1=ref - ref // 2,
        alt_f1r2=alt // 2, alt_f2r1=alt - alt // 2,
        alt_mapq_sum=60 * alt, alt_end_distance=40.0 if alt else None,
    )  # fmt: skip


def test_germline_header_states_the_depth_limit():
    from concord.standardize import germline_lines

    # the normal is a 1/2 heterozygote at c1:2: each ALT's other fragments carry the other ALT
    records = [
        CandidateEvidence(Candidate("c1", 2, "C", "A"), fragments(0, 20, 20), fragments(0, 16, 14)),
        CandidateEvidence(Candidate("c1", 2, "C", "T"), fragments(0, 20, 20), fragments(0, 14, 16)),
    ]
    lines = germline_lines(records, provenance("NORMAL"), GermlineThresholds(), 90)
    assert any("max_depth=90" in line for line in lines if line.startswith("##concordModel"))
    body = [line.split("\t") for line in lines if not line.startswith("#")]
    assert [(f[4], f[6], f[9].split(":")[0]) for f in body] == [
        ("A", "PASS", "0/1"),
        ("T", "PASS", "0/1"),
    ]
    assert body[0][9].split(":")[2:] == ["30", "0,16", "0.533"]  # DP counts every allele


def test_somatic_lines_carry_the_log_odds():
    from concord.standardize import somatic_lines

    records = [
        CandidateEvidence(Candidate("c1", 5, "A", "G"), fragments(90, 10), fragments(50, 0)),
        CandidateEvidence(Candidate("c1", 9, "GT", "G"), fragments(58, 2), fragments(30, 0)),
    ]
    lines = somatic_lines(records, provenance("TUMOR", "NORMAL"), SomaticThresholds())
    body = [line.split("\t") for line in lines if not line.startswith("#")]
    assert [f[6] for f in body] == ["PASS", "low_evidence"]
    info = dict(item.split("=") for item in body[0][7].split(";")[1:])
    assert body[0][7].startswith("SOMATIC;VARTYPE=SNV;MQM=60.0;SAF=5;SAR=5;TLOD=")
    assert float(info["TLOD"]) > 20 and float(info["NLOD"]) > 14 and info["NALOD"] == "0.00"
    assert body[1][7].startswith("VARTYPE=DEL;")
    assert body[0][9:] == ["0/1:100:90,10:0.100", "0/0:50:50,0:0.000"]
