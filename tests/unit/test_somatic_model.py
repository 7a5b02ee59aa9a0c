import pytest
from concord.chunks import genome_chunks
from concord.somatic import (
    Counts,
    GermlineThresholds,
    SiteEvidence,
    SomaticThresholds,
    classify_germline,
    classify_somatic,
    genotype_normal,
    variant_type,
)
from concord.standardize import trim_alleles

TH = SomaticThresholds()
GOOD_SITE = SiteEvidence(alt_mapq=60.0, alt_forward=5, alt_reverse=5)


def test_clean_somatic_snv_passes():
    assert classify_somatic(Counts(90, 10, 370), Counts(50, 0), GOOD_SITE, TH) == []


def test_germline_het_in_normal():
    assert classify_somatic(Counts(50, 50, 1800), Counts(25, 25), GOOD_SITE, TH) == ["germline"]


def test_a_few_alt_reads_in_normal_are_normal_evidence():
    assert classify_somatic(Counts(80, 20, 700), Counts(46, 4), GOOD_SITE, TH) == [
        "normal_evidence"
    ]


def test_one_alt_read_in_normal_is_tolerated():
    assert classify_somatic(Counts(80, 20, 700), Counts(49, 1), GOOD_SITE, TH) == []


def test_every_reason_is_listed_in_vocabulary_order():
    reasons = classify_somatic(Counts(5, 2, 20), Counts(3, 0), SiteEvidence(12.0, 2, 0), TH)
    assert reasons == [
        "low_normal_depth",
        "low_tumor_depth",
        "low_alt_reads",
        "low_mapq",
        "low_base_quality",
    ]


def test_low_vaf_and_strand_bias():
    reasons = classify_somatic(Counts(990, 10, 370), Counts(60, 0), SiteEvidence(60.0, 10, 0), TH)
    assert reasons == ["low_vaf", "strand_bias"]


@pytest.mark.parametrize(
    "ref, alt, expected",
    [(30, 0, ("0/0", 89)), (15, 15, ("0/1", 99)), (0, 30, ("1/1", 89)), (0, 0, ("./.", 0))],
)
def test_genotype_from_counts(ref, alt, expected):
    gt, gq = genotype_normal(Counts(ref, alt))
    assert gt == expected[0]
    assert gq == expected[1]


def test_germline_needs_alt_and_quality():
    th = GermlineThresholds()
    assert classify_germline(Counts(40, 0), th) is None
    assert classify_germline(Counts(20, 18), th) == ("0/1", 99, [])
    gt, gq, reasons = classify_germline(Counts(3, 1), th)
    assert gt == "0/1" and reasons == ["low_depth", "low_genotype_quality"] and gq < 20


@pytest.mark.parametrize(
    "pos, ref, alt, expected",
    [
        (100, "A", "G", (100, "A", "G")),
        (100, "ACGT", "AGGT", (101, "C", "G")),  # MNV padded both sides
        (100, "ATTG", "ATG", (100, "AT", "A")),  # shared suffix removed, anchor kept
        (100, "CAT", "CGT", (101, "A", "G")),
    ],
)
def test_trim_alleles(pos, ref, alt, expected):
    assert trim_alleles(pos, ref, alt) == expected


def test_variant_types():
    assert [
        variant_type(*a) for a in [("A", "G"), ("AC", "GT"), ("A", "AT"), ("AT", "A"), ("AT", "G")]
    ] == ["SNV", "MNV", "INS", "DEL", "DELINS"]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 50])
def test_chunks_cover_the_genome_once_in_order(n):
    contigs = [("c1", 1000), ("c2", 333), ("c3", 10)]
    chunks = genome_chunks(contigs, n)
    assert len(chunks) == n
    flat = [iv for chunk in chunks for iv in chunk]
    assert sum(e - s for _, s, e in flat) == 1343
    merged = {}
    for c, s, e in flat:
        assert merged.get(c, 0) == s  # contiguous, in genome order
        merged[c] = e
    assert merged == {"c1": 1000, "c2": 333, "c3": 10}
