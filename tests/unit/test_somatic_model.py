import pytest
from concord.chunks import genome_chunks
from concord.somatic import (
    Counts,
    GermlineThresholds,
    SampleEvidence,
    SomaticThresholds,
    bias_lod,
    classify_germline,
    classify_somatic,
    genotype_normal,
    somatic_scores,
    variant_type,
)
from concord.vcfspec import trim_alleles

TH = SomaticThresholds()


def sample(ref: int, alt: int, q: int = 37, other: int = 0, **fields) -> SampleEvidence:
    """Fragments of one sample: REF and ALT at quality q, split evenly over strands and
    orientations unless given, ALT fragments mid-read at MAPQ 60."""
    split = {
        "ref_forward": ref // 2, "ref_reverse": ref - ref // 2,
        "alt_forward": alt // 2, "alt_reverse": alt - alt // 2,
        "ref_f1r2": ref // 2, "ref_f2r1": ref - ref // 2,
        "alt_f1r2": alt // 2, "alt_f2r1": alt - alt // 2,
        "alt_mapq_sum": 60 * alt, "alt_end_distance": 40.0 if alt else None,
    }  # fmt: skip
    return SampleEvidence(
        ref_quals=((q, ref),) if ref else (),
        alt_quals=((q, alt),) if alt else (),
        other=other,
        **(split | fields),
    )


def reasons(tumor, normal, kind="SNV"):
    return classify_somatic(tumor, normal, kind, TH)


def test_clean_somatic_snv_passes():
    assert reasons(sample(90, 10), sample(50, 0)) == []


def test_germline_het_in_normal():
    assert reasons(sample(50, 50), sample(25, 25)) == ["germline"]


def test_alt_fragments_in_the_normal_beyond_tumour_cells_are_normal_evidence():
    # tumour 0.2: 5 % of it (0.01) is tolerated; 6 of 50 normal fragments are far beyond
    assert reasons(sample(80, 20), sample(44, 6)) == ["normal_evidence"]
    # 4 of 50 is within what 1 % tumour-in-normal gives now and then (p ~ 0.002)
    assert reasons(sample(80, 20), sample(46, 4)) == []


def test_one_alt_fragment_in_the_normal_is_tolerated():
    assert reasons(sample(80, 20), sample(49, 1)) == []


def test_tumour_in_normal_is_tolerated():
    # a tumour at 0.4 may leave 2 % of its allele fraction in the normal (5 % of 0.4)
    assert reasons(sample(60, 40, q=40), sample(196, 4, q=40)) == []


def test_the_normal_must_be_deep_enough_to_rule_out_a_heterozygote():
    # NLOD of n clean fragments is about n x log10(2): 13 fragments reach 3.8, 12 do not
    assert reasons(sample(90, 10), sample(13, 0)) == []
    assert reasons(sample(90, 10), sample(12, 0)) == ["low_normal_depth"]


@pytest.mark.parametrize(
    "ref, alt, q, tlod",
    [(58, 2, 40, 5.15), (97, 3, 35, 6.1), (77, 3, 20, 1.97), (57, 3, 40, 8.3)],
)
def test_tumour_log_odds(ref, alt, q, tlod):
    scores = somatic_scores(sample(ref, alt, q=q), sample(40, 0), "SNV", TH)
    assert scores.tlod == pytest.approx(tlod, abs=0.05)


def test_quality_not_counts_decides():
    """The issue's two cases: three Q40 fragments pass at 60x; three Q20 bases at 80x (a
    sequencing-error coincidence) and two Q40 fragments (6 false positives per Mb) do not."""
    assert reasons(sample(57, 3, q=40), sample(30, 0)) == []
    assert reasons(sample(77, 3, q=20), sample(40, 0)) == ["low_evidence"]
    assert reasons(sample(58, 2, q=40), sample(30, 0)) == ["low_evidence"]


def test_an_indel_error_is_one_allele_not_a_third_of_one():
    """An error gives a given SNV base with a third of its probability, a given indel with all
    of it, so the same fragments are weaker evidence for an indel."""
    snv = somatic_scores(sample(57, 3, q=40), sample(30, 0), "SNV", TH).tlod
    indel = somatic_scores(sample(57, 3, q=40), sample(30, 0), "DEL", TH).tlod
    assert snv - indel == pytest.approx(3 * 0.477, abs=0.01)


def test_strand_and_orientation_bias():
    # 11 ALT fragments on one strand: log-odds 2.96 (a true variant does that with p ~ 1e-3)
    one_strand = sample(89, 11, alt_forward=11, alt_reverse=0)
    assert reasons(one_strand, sample(50, 0)) == ["strand_bias"]
    assert reasons(sample(92, 8, alt_forward=8, alt_reverse=0), sample(50, 0)) == []
    one_orientation = sample(80, 20, alt_f1r2=20, alt_f2r1=0)
    assert reasons(one_orientation, sample(50, 0)) == ["orientation_bias"]
    # an amplicon-like library with every REF fragment forward: a forward-only ALT is no bias
    assert bias_lod(20, 0, 80, 0, TH.bias_artifact_rate) < 1


def test_every_reason_is_listed_in_vocabulary_order():
    tumor = sample(8, 2, q=30, alt_forward=2, alt_reverse=0, alt_end_distance=1.0,
                   alt_mapq_sum=40)  # fmt: skip
    assert reasons(tumor, sample(3, 0)) == [
        "low_normal_depth",
        "low_evidence",
        "read_end",
        "low_mapq",
    ]


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
