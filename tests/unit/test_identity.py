from concord.identity import IdentityResult, IdentityRule, site_concordance
from concord.somatic import Counts

RULE = IdentityRule(min_depth=15, min_gq=20, min_concordance=0.8, min_sites=5)


def test_germline_sites_of_the_normal_must_be_in_the_tumour():
    het, ref, hom = Counts(20, 20), Counts(40, 0), Counts(0, 40)
    assert site_concordance(tumor=Counts(25, 15), normal=het, rule=RULE) is True
    assert site_concordance(tumor=ref, normal=het, rule=RULE) is False  # another person
    assert site_concordance(tumor=hom, normal=hom, rule=RULE) is True
    assert site_concordance(tumor=hom, normal=ref, rule=RULE) is False


def test_somatic_and_uncertain_sites_are_not_counted():
    assert site_concordance(tumor=Counts(30, 10), normal=Counts(40, 0), rule=RULE) is None
    assert site_concordance(tumor=Counts(20, 20), normal=Counts(5, 5), rule=RULE) is None  # depth
    assert site_concordance(tumor=Counts(40, 0), normal=Counts(40, 0), rule=RULE) is None


def test_verdicts():
    assert IdentityResult(sites=30, concordant=30).verdict(RULE) == "pass"
    assert IdentityResult(sites=30, concordant=5).verdict(RULE) == "fail"
    assert IdentityResult(sites=30, concordant=24).verdict(RULE) == "pass"  # 0.8 is enough
    assert IdentityResult(sites=4, concordant=0).verdict(RULE) == "warn"  # too few to judge
    assert IdentityResult(sites=0, concordant=0).concordance is None
