"""GA4GH DUO matching of the pooled database (sql/queries/permitted.sql): each rule of the
Data Use Oversight System (DUOS) that concord implements, on hand-made samples."""

import duckdb
import pytest
from concord.pool import DISEASES, SCHEMA, insert_rows, refresh_diseases
from concord.pool_query import run_query

BREAST, OVARIAN, CANCER, DIABETES = (
    "MONDO:0007254",
    "MONDO:0008170",
    "MONDO:0004992",
    ("MONDO:0005015"),
)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(SCHEMA.read_text())
    refresh_diseases(con, DISEASES)
    return con


def consent(con, sample: str, permission: str, disease: str | None = None, modifiers=()):
    insert_rows(
        con,
        "samples",
        [
            {
                "run_id": "R-1",
                "centre": "C",
                "patient": f"P-{sample}",
                "sample": sample,
                "role": "normal",
                "assay": "dna",
                "permission": permission,
                "disease": disease,
                "modifiers": list(modifiers),
                "consent_version": "v1",
            }
        ],
    )


def verdicts(con, **purpose) -> dict[str, tuple[str, str, str]]:
    columns, rows = run_query(con, "permitted", purpose)
    i = columns.index
    return {r[i("sample")]: (r[i("verdict")], r[i("reasons")], r[i("conditions")]) for r in rows}


def verdict(con, sample, **purpose) -> str:
    return verdicts(con, **purpose)[sample][0]


def test_nres_permits_every_purpose(con):
    consent(con, "s", "NRES")
    for purpose in (
        {"aim": "general"}, {"aim": "ancestry"}, {"aim": "disease", "disease": DIABETES},
        {"commercial": "yes", "methods": "yes", "clinical_care": "yes", "genetic": "no"},
    ):  # fmt: skip
        assert verdict(con, "s", **purpose) == "permitted", purpose


def test_gru_permits_any_research_but_not_clinical_care(con):
    consent(con, "s", "GRU")
    for aim in ("general", "health", "ancestry"):
        assert verdict(con, "s", aim=aim) == "permitted"
    assert verdict(con, "s", aim="disease", disease=BREAST) == "permitted"
    result = verdicts(con, clinical_care="yes")["s"]
    assert result[:2] == ("not permitted", "no clinical care use (CC) consented")


def test_hmb_permits_health_and_disease_research_only(con):
    consent(con, "s", "HMB")
    assert verdict(con, "s", aim="health") == "permitted"
    assert verdict(con, "s", aim="disease", disease=DIABETES) == "permitted"
    assert verdicts(con, aim="general")["s"][1] == "HMB: health/medical/biomedical research only"
    assert verdicts(con, aim="ancestry")["s"][1] == (
        "HMB: not population origins or ancestry research"
    )


def test_ds_permits_its_disease_and_the_kinds_of_it(con):
    consent(con, "breast", "DS", BREAST)
    consent(con, "cancer", "DS", CANCER)
    consent(con, "ovarian", "DS", OVARIAN)
    on_breast = verdicts(con, aim="disease", disease=BREAST)
    assert on_breast["breast"][0] == "permitted"
    assert on_breast["cancer"][0] == "permitted"  # breast cancer is a kind of cancer
    assert on_breast["ovarian"] == (
        "not permitted", f"DS: {BREAST} is not {OVARIAN} or a kind of it", ""
    )  # fmt: skip
    on_cancer = verdicts(con, aim="disease", disease=CANCER)
    assert on_cancer["cancer"][0] == "permitted"
    assert on_cancer["breast"][0] == "not permitted"  # consent narrower than the purpose
    assert verdicts(con, aim="health")["breast"][1] == f"DS: research on {BREAST} only"


def test_a_disease_outside_the_table_matches_only_itself(con):
    consent(con, "s", "DS", "MONDO:0099999")
    assert verdict(con, "s", aim="disease", disease="MONDO:0099999") == "permitted"
    assert verdict(con, "s", aim="disease", disease=BREAST) == "not permitted"


def test_poa_permits_ancestry_research_only(con):
    consent(con, "s", "POA")
    assert verdict(con, "s", aim="ancestry") == "permitted"
    for aim in ("general", "health"):
        assert verdicts(con, aim=aim)["s"][1] == "POA: population origins or ancestry research only"


@pytest.mark.parametrize("modifier", ["NCU", "NPU", "NPUNCU"])
def test_commercial_use_needs_neither_ncu_nor_npu(con, modifier):
    consent(con, "s", "GRU", modifiers=[modifier])
    assert verdict(con, "s", commercial="no") == "permitted"
    result = verdicts(con, commercial="yes")["s"]
    assert result[0] == "not permitted" and result[1].startswith(f"{modifier}: ")


def test_npoa_forbids_ancestry_research(con):
    consent(con, "s", "GRU", modifiers=["NPOA"])
    assert verdict(con, "s", aim="health") == "permitted"
    assert verdicts(con, aim="ancestry")["s"][1] == (
        "NPOA: population origins or ancestry research prohibited"
    )


def test_nmds_allows_methods_development_only_within_the_consented_disease(con):
    consent(con, "hmb", "HMB", modifiers=["NMDS"])
    consent(con, "ds", "DS", BREAST, modifiers=["NMDS"])
    consent(con, "gru", "GRU", modifiers=["NMDS"])
    methods = verdicts(con, aim="disease", disease=BREAST, methods="yes")
    assert methods["hmb"] == (
        "not permitted", "NMDS: methods development only within the consented disease", ""
    )  # fmt: skip
    assert methods["ds"][0] == "permitted" and methods["gru"][0] == "permitted"
    assert verdicts(con, aim="disease", disease=BREAST)["hmb"][0] == "permitted"


def test_gso_forbids_phenotype_only_studies(con):
    consent(con, "s", "HMB", modifiers=["GSO"])
    assert verdict(con, "s") == "permitted"
    assert verdicts(con, genetic="no")["s"][1] == "GSO: genetic studies only"


def test_clinical_care_needs_cc(con):
    consent(con, "cc", "HMB", modifiers=["CC"])
    consent(con, "no", "HMB")
    care = verdicts(con, clinical_care="yes")
    assert care["cc"][0] == "permitted" and care["no"][0] == "not permitted"


def test_user_project_institution_region_and_research_type_need_review(con):
    for modifier in ("US", "PS", "IS", "GS", "RS"):
        consent(con, modifier, "GRU", modifiers=[modifier])
    result = verdicts(con)
    assert {v[0] for v in result.values()} == {"needs review"}
    assert result["GS"][1] == "GS: restricted to a geographic region the consent names"


def test_duties_are_conditions_not_refusals(con):
    consent(con, "s", "GRU", modifiers=["IRB", "PUB", "COL", "RTN", "MOR", "TS"])
    assert verdicts(con, commercial="yes")["s"] == ("permitted", "", "IRB,PUB,COL,RTN,MOR,TS")


def test_commercial_research_on_breast_cancer(con):
    """The issue's example: NCU samples and DS samples of another disease are excluded."""
    consent(con, "gru", "GRU", modifiers=["PUB"])
    consent(con, "ds-breast-ncu", "DS", BREAST, modifiers=["NCU", "IRB"])
    consent(con, "ds-ovarian", "DS", OVARIAN)
    consent(con, "ds-breast", "DS", BREAST, modifiers=["IRB"])
    result = verdicts(con, aim="disease", disease=BREAST, commercial="yes")
    assert {s for s, v in result.items() if v[0] == "permitted"} == {"gru", "ds-breast"}
    assert result["ds-breast-ncu"][1] == "NCU: non-commercial use only"
    assert result["ds-breast"][2] == "IRB"


def test_every_reason_is_given_at_once(con):
    consent(con, "s", "DS", OVARIAN, modifiers=["NCU"])
    reasons = verdicts(con, aim="disease", disease=BREAST, commercial="yes")["s"][1]
    assert reasons == f"DS: {BREAST} is not {OVARIAN} or a kind of it; NCU: non-commercial use only"


def test_a_purpose_that_is_not_one_is_an_error(con):
    consent(con, "s", "GRU")
    with pytest.raises(duckdb.Error, match="aim must be general, health, disease or ancestry"):
        verdicts(con, aim="fun")
    with pytest.raises(duckdb.Error, match="aim disease needs the disease param"):
        verdicts(con, aim="disease")
    with pytest.raises(ValueError, match="no parameter 'colour'"):
        verdicts(con, colour="red")
