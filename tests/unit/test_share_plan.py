"""What enters the bundle, decided before any job: only samples with sharing consent, and a
file holding several samples only when all of them may be shared."""

import pandas as pd
from concord.consent import Consent
from concord.samplesheet import Pair, Sheets, tumor_normal_pairs
from concord.share import share_params, share_plan

ROWS = [
    ("T1", "P1", "tumor", "dna"), ("N1", "P1", "normal", "dna"), ("R1", "P1", "tumor", "rna"),
    ("T2", "P2", "tumor", "dna"), ("N2", "P2", "normal", "dna"), ("R2", "P2", "tumor", "rna"),
    ("T3", "P3", "tumor", "dna"), ("N3", "P3", "normal", "dna"),
]  # fmt: skip


def sheets() -> Sheets:
    samples = pd.DataFrame(ROWS, columns=["sample_id", "patient_id", "role", "assay"])
    pairs = tumor_normal_pairs(samples)
    units = pd.DataFrame(
        [(s, "L1", f"{s}_1.fq", f"{s}_2.fq", "") for s, *_ in ROWS]
        + [("T1", "L2", "T1b_1.fq", "T1b_2.fq", "")],
        columns=["sample_id", "unit_id", "fastq_1", "fastq_2", "bam"],
    )
    return Sheets(
        samples=samples.set_index("sample_id", drop=False),
        units=units.set_index(["sample_id", "unit_id"], drop=False),
        pairs=tuple(pairs),
    )


def consents(no_share: set[str]) -> dict[str, Consent]:
    return {s: Consent(share=s not in no_share) for s, *_ in ROWS}


def test_a_tumour_without_consent_takes_its_pair_but_not_its_normal():
    plan = share_plan(sheets(), consents({"T2"}), panel=True)
    assert plan.excluded == ["T2"]
    assert plan.pairs == [Pair("P1", "T1", "N1"), Pair("P3", "T3", "N3")]
    assert [p.normal for p in plan.germline] == ["N1", "N2", "N3"]
    assert plan.brca_patients == ["P1", "P3"]  # P2's tables hold T2
    assert plan.rna == ["R1", "R2"]
    assert plan.units["T1"] == ["L1", "L2"] and "T2" not in plan.units


def test_a_normal_without_consent_takes_its_patients_somatic_and_germline_data():
    plan = share_plan(sheets(), consents({"N3", "R1"}), panel=True)
    assert [p.patient for p in plan.pairs] == ["P1", "P2"]
    assert [p.normal for p in plan.germline] == ["N1", "N2"]
    assert plan.brca_patients == ["P1", "P2"]
    assert plan.rna == ["R2"] and plan.has_expression


def test_nothing_shared_and_no_panel():
    plan = share_plan(sheets(), consents({s for s, *_ in ROWS}), panel=False)
    assert plan.shared == [] and plan.pairs == [] and plan.germline == [] and plan.rna == []
    assert plan.brca_patients == [] and plan.has_expression


def test_the_jobs_params_carry_no_description_or_lims_column():
    s = sheets()
    s.samples["description"] = "collected 2024-03-02 at ward 7"
    s.samples["meta_lims"] = "LIMS-123"
    plan = share_plan(s, consents({"T2"}), panel=True)
    settings = {"cancer_type": "brca", "cbioportal_genome": "hg38"}
    config = {"centre": "C1", "reference": {"assembly": "GRCh38"}}
    params = share_params(plan, s, consents({"T2"}), settings, config)
    text = repr(params)
    assert "2024-03-02" not in text and "LIMS-123" not in text
    assert params["excluded"] == ["T2"]
    assert [p["tumor"] for p in params["pairs"]] == ["T1", "T3"]
