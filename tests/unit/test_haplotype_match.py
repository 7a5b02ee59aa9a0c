"""Haplotype-aware matching: equivalent representations of one change count as one match."""

from concord.haplotype_match import Allele, apply, match

#            1234567890123456789012345678901234567890
REFERENCE = "GATTACAGGCATCGTTTTTTACGGATCCAGTCAGTCAACG"


def fetch(contig, start, end):
    return REFERENCE[start:end]


def v(pos, ref, alt, chrom="c1"):
    assert REFERENCE[pos - 1 : pos - 1 + len(ref)] == ref, (pos, ref)
    return Allele(chrom, pos, ref, alt)


def test_apply_and_overlap():
    assert apply([v(2, "A", "C")], 0, REFERENCE[:5]) == "GCTTA"
    assert apply([v(2, "A", "C"), v(2, "AT", "A")], 0, REFERENCE[:5]) is None


def test_a_delins_written_as_a_deletion_and_an_snv_matches():
    delins = v(11, "ATC", "TG")  # CATC -> CTG, one change
    calls = {v(10, "CA", "C"), v(13, "C", "G")}  # the same change as a deletion and an SNV
    assert apply(calls, 0, REFERENCE) == apply([delins], 0, REFERENCE)
    truth_hit, calls_hit, partners = match({delins}, calls, fetch)
    assert truth_hit == {delins} and calls_hit == calls
    assert partners[v(13, "C", "G")] == {delins}
    # record by record, nothing would match
    assert not {delins} & calls


def test_an_mnv_written_as_snvs_matches():
    mnv = v(22, "CG", "TA")
    snvs = {v(22, "C", "T"), v(23, "G", "A")}
    assert match({mnv}, snvs, fetch)[:2] == ({mnv}, snvs)
    assert match(snvs, {mnv}, fetch)[:2] == (snvs, {mnv})


def test_left_and_right_shifted_deletions_in_a_repeat_match():
    left = v(14, "GT", "G")  # deletes the first T of TTTTTT (15-20)
    right = v(19, "TT", "T")  # deletes the last T
    assert left != right
    assert match({left}, {right}, fetch)[:2] == ({left}, {right})


def test_a_wrong_call_is_not_matched_and_distant_variants_stay_apart():
    truth = {v(2, "A", "C"), v(35, "T", "G")}
    calls = {v(2, "A", "G"), v(35, "T", "G")}
    truth_hit, calls_hit, _ = match(truth, calls, fetch)
    assert truth_hit == {v(35, "T", "G")} and calls_hit == {v(35, "T", "G")}


def test_nearby_variants_each_found_when_called_separately():
    truth = {v(25, "A", "G"), v(29, "A", "T")}
    assert match(truth, set(truth), fetch)[:2] == (truth, truth)
    # only one of the two called: one true positive, one false negative, no false positive
    truth_hit, calls_hit, _ = match(truth, {v(29, "A", "T")}, fetch)
    assert truth_hit == {v(29, "A", "T")} and calls_hit == {v(29, "A", "T")}
