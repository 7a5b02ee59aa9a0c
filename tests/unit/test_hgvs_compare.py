import pytest
from concord.csq import csq_term
from concord.hgvs_compare import equivalent_p, normalize_p, strip_deleted_bases


@pytest.mark.parametrize(
    "ours, clinvar",
    [
        ("p.(Gln1756ProfsTer74)", "NP_009225.1:p.Gln1756Profs"),
        ("p.(Asn615Ter)", "NP_000050.2:p.Asn615Terfs"),  # 2016 wording of a nonsense
        ("p.(Leu1844=)", "NP_009225.1:p.Leu1844="),
        ("p.(Glu1115dup)", "NP_009225.1:p.Glu1115_Val1116insGlu"),
        ("p.(Ser770Ter)", "p.Ser770*"),
    ],
)
def test_equivalent(ours, clinvar):
    assert equivalent_p(ours, clinvar)


@pytest.mark.parametrize(
    "ours, clinvar",
    [
        ("p.(Gln1756ProfsTer74)", "p.Gln1757Profs"),
        ("p.(Glu1115dup)", "p.Glu1115_Val1116insAsp"),
        ("p.(Ser770Leu)", "p.Ser770Ter"),
    ],
)
def test_not_equivalent(ours, clinvar):
    assert not equivalent_p(ours, clinvar)


def test_normalize_and_strip():
    assert normalize_p("NP_1.1:p.(Lys12Ter)") == "p.Lys12Ter"
    assert strip_deleted_bases("c.68_69delAG") == "c.68_69del"
    assert strip_deleted_bases("c.1854delinsAA") == "c.1854delinsAA"


def test_csq_term_takes_the_most_severe_entry():
    assert csq_term("splice_region|G|T|protein_coding,missense|G|T|protein_coding|+|23D>23Y") == (
        "missense_variant"
    )
    assert csq_term("5_prime_utr|G|T|protein_coding") == "5_prime_UTR_variant"
    assert csq_term("") is None
