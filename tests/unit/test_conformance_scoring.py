from concord.conformance import Site, certificate, in_regions

REFERENCE = "A" * 30 + "T" + "A" * 169  # A everywhere but position 31


def fetch(contig, start, end):
    return REFERENCE[start:end]


def s(pos, ref="A", alt="G"):
    return Site("c1", pos, ref, alt)


def test_scoring_with_vaf_stratification():
    truth = {
        s(10): {"vaf": 0.4, "sim_alt_reads": 30},
        s(20): {"vaf": 0.05, "sim_alt_reads": 2},
        s(30, "AT", "A"): {"vaf": 0.2, "sim_alt_reads": 15},
        s(40): {"vaf": 0.05, "sim_alt_reads": 4},
    }
    calls = {s(10), s(20), s(99), s(50, "A", "AT")}
    germline = {s(99), s(77)}
    cert = certificate({"P": {"truth": truth, "calls": calls, "germline": germline}}, fetch)
    assert cert["overall"]["snv"] == {
        "tp": 2,
        "tp_call": 2,
        "fp": 1,
        "fn": 1,
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
    }
    assert cert["overall"]["indel"]["tp"] == 0 and cert["overall"]["indel"]["fp"] == 1
    assert cert["overall"]["indel"]["fn"] == 1
    # below VAF 0.10: truth left out, and the call matching it counts as nothing
    assert cert["vaf_ge_010"]["snv"] == {
        "tp": 1,
        "tp_call": 1,
        "fp": 1,
        "fn": 0,
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
    }
    assert cert["recall_by_vaf"] == {
        "0.05": {"recall": 0.5, "found": 1, "total": 2},
        "0.20": {"recall": 0.0, "found": 0, "total": 1},
        "0.40": {"recall": 1.0, "found": 1, "total": 1},
    }
    assert cert["germline_as_somatic"] == 1
    assert cert["truth_sites_with_sim_alt_reads_lt3"] == 1
    assert cert["patients"]["P"]["germline_as_somatic"] == 1


def test_no_calls_gives_null_precision_not_a_crash():
    cert = certificate(
        {"P": {"truth": {s(10): {"vaf": 0.4}}, "calls": set(), "germline": set()}}, fetch
    )
    assert cert["overall"]["snv"]["precision"] is None
    assert cert["overall"]["snv"]["recall"] == 0.0


def test_confident_regions_are_bed_half_open():
    regions = {"c1": [(99, 200)]}
    assert in_regions(s(100), regions)  # BED start 99 = position 100
    assert not in_regions(s(99), regions)
    assert in_regions(s(200), regions)
    assert not in_regions(Site("c1", 200, "AT", "A"), regions)  # REF runs past the end


def test_a_delins_called_as_a_deletion_and_an_snv_is_one_true_positive():
    """The scoring defect the certificate had: a 4-base delins called as a 1-base deletion and
    an SNV three bases apart counted as two false positives and one false negative."""
    reference = "CCCCCCCCCC" + "GATTACAGGC" + "CCCCCCCCCC"

    def fetch10(contig, start, end):
        return reference[start:end]

    delins = Site("c1", 12, "ATTA", "TTG")  # GATTACA -> GTTGCA
    pieces = {Site("c1", 11, "GA", "G"), Site("c1", 15, "A", "G")}
    patients = {"P": {"truth": {delins: {"vaf": 0.4}}, "calls": pieces, "germline": set()}}
    cert = certificate(patients, fetch10)
    indel, snv = cert["overall"]["indel"], cert["overall"]["snv"]
    assert (indel["tp"], indel["fn"], indel["fp"], indel["tp_call"]) == (1, 0, 0, 1)
    assert (snv["tp"], snv["fn"], snv["fp"], snv["tp_call"]) == (0, 0, 0, 1)
    assert indel["recall"] == 1.0 and snv["precision"] == 1.0
    assert cert["recall_by_vaf"]["0.40"] == {"recall": 1.0, "found": 1, "total": 1}
