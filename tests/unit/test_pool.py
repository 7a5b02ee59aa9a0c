"""The pooled database's pieces: variant keys, reference identity, consent checks, query
parameters, the kit's consent for a conformance run's bundle, and the SVG plots."""

import pytest
from concord.consent import load_duo
from concord.kit import parse_kit_consent
from concord.pool import (
    check_consent,
    concord_major,
    normalize_allele,
    reference_signature,
    variant_key,
    vartype,
)
from concord.pool_query import available, parse_value, query_params, sql_literal
from concord.svg_plots import box_plot, quantile
from conftest import REPO

DUO = REPO.parent / "shared" / "vocab" / "duo.csv"
MD5 = "a56c4b128a0eef3307a092c700bb9391"


def test_a_variant_key_names_the_contig_by_its_md5_and_the_allele_trimmed():
    assert variant_key(MD5, 100, "G", "T") == f"{MD5}:100:G:T"
    # a shared last base and a shared first base beyond the anchor are trimmed
    assert normalize_allele(100, "GCA", "GA") == (100, "GC", "G")
    assert normalize_allele(100, "ACGT", "ACTT") == (102, "G", "T")
    assert normalize_allele(100, "cag", "cat") == (102, "G", "T")
    assert variant_key(MD5, 100, "GCA", "GA") == variant_key(MD5, 100, "GC", "G")
    alleles = (("A", "T"), ("AC", "GT"), ("A", "AT"), ("AT", "A"), ("AT", "GCC"))
    assert [vartype(*a) for a in alleles] == ["SNV", "MNV", "INS", "DEL", "DELINS"]


def test_the_same_sequences_named_otherwise_are_the_same_reference():
    ucsc = [{"contig": "chr17", "length": "200", "md5": MD5.upper()}, {"contig": "chr13",
            "length": "100", "md5": "0" * 32}]  # fmt: skip
    ensembl = [{"contig": "13", "length": "100", "md5": "0" * 32}, {"contig": "17",
               "length": "200", "md5": MD5}]  # fmt: skip
    assert reference_signature(ucsc) == reference_signature(ensembl)
    other = [dict(c, length="201") if c["contig"] == "17" else c for c in ensembl]
    assert reference_signature(other) != reference_signature(ucsc)
    assert concord_major("0.3.0") == "0" and concord_major("1.12.4") == "1"


@pytest.mark.skipif(not DUO.is_file(), reason="../shared/vocab has no DUO table")
def test_every_sample_needs_a_known_duo_permission_and_a_consent_version():
    duo = load_duo(DUO)

    def sample(permission="DUO:0000042", disease="", modifiers=(), version="v1"):
        return {
            "sample": "S-1",
            "data_use": {
                "permission": {"id": permission},
                "disease": disease,
                "modifiers": [{"id": m} for m in modifiers],
                "consent_version": version,
            },
        }

    assert check_consent(sample(modifiers=["DUO:0000046"]), duo) == []
    assert check_consent(sample("DUO:0000007", "MONDO:0007254"), duo) == []
    assert check_consent(sample("DUO:0000007"), duo) == ["sample S-1: DS without a disease"]
    assert check_consent(sample("DUO:0000019"), duo) == [
        "sample S-1: no DUO data use permission of the network's table"
    ]
    assert check_consent(sample(modifiers=["DUO:0000042"]), duo) == [
        "sample S-1: modifier 'DUO:0000042' is not a DUO modifier"
    ]
    assert check_consent(sample(version=""), duo) == ["sample S-1: no consent form version"]
    assert check_consent({"sample": "S-2"}, duo)[0].startswith("sample S-2: no DUO")


def test_queries_declare_their_parameters_and_parse_them():
    assert available() == [
        "carriers", "clinvar_discordance", "expression_by_status", "insufficient_coverage",
        "permitted",
    ]  # fmt: skip
    assert query_params("carriers") == ["genes"]
    assert query_params("permitted") == [
        "aim", "disease", "commercial", "methods", "clinical_care", "genetic"
    ]  # fmt: skip
    assert parse_value("genes", "BRCA1, BRCA2") == ["BRCA1", "BRCA2"]
    assert parse_value("commercial", "yes") is True and parse_value("genetic", "no") is False
    assert parse_value("aim", "disease") == "disease"
    assert sql_literal("x'); DROP TABLE runs; --") == "'x''); DROP TABLE runs; --'"
    assert sql_literal(["BRCA1", "B'2"]) == "['BRCA1', 'B''2']::VARCHAR[]"
    assert sql_literal(True) == "true"
    with pytest.raises(ValueError, match="no query 'nope'"):
        query_params("nope")


def test_a_kit_consent_is_a_permission_its_disease_and_modifiers():
    assert parse_kit_consent("NRES") == {
        "consent_share": "yes",
        "consent_permission": "NRES",
        "consent_disease": "",
        "consent_modifiers": "",
        "consent_version": "conformance-kit",
    }
    ds = parse_kit_consent("DS:MONDO:0007254,NCU,IRB")
    assert (ds["consent_permission"], ds["consent_disease"], ds["consent_modifiers"]) == (
        "DS", "MONDO:0007254", "NCU,IRB",
    )  # fmt: skip


def test_box_plot_marks_the_patient_and_has_no_script():
    assert quantile([1, 2, 3, 4], 0.5) == 2.5 and quantile([5], 0.75) == 5
    svg = box_plot("GENA", {"network": [1.0, 2.0, 3.0]}, marker=("network", 2.5))
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    assert "this patient: 2.5" in svg and "network (n=3)" in svg


def test_a_conformance_runs_bundle_carries_the_certificates_verdict(tmp_path):
    from concord.bundle import certificate_summary

    certificate = tmp_path / "certificate.json"
    certificate.write_text(
        '{"certificate_version": 2, "conformance": {"verdict": "PASS", "reasons": []},'
        ' "kit": {"name": "brca-grch38-v1", "version": "03d5", "files_checked": 40}}'
    )
    assert certificate_summary(str(certificate)) == {
        "verdict": "PASS",
        "kit": "brca-grch38-v1",
        "kit_version": "03d5",
        "certificate_version": 2,
    }
    assert certificate_summary(None) is None
