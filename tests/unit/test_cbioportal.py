"""The cBioPortal study writer against concord's structural checks (cBioPortal's file formats)."""

import pytest
from concord.cbioportal import check_study, write_study
from concord.maf import Call, maf_row, maf_text

SAMPLES = [
    {"PATIENT_ID": "P-1", "SAMPLE_ID": "S-1", "ASSAY": "DNA", "TUMOR_PURITY": "0.8",
     "DATA_USE_PERMISSION": "GRU (DUO:0000042)", "CONSENT_VERSION": "v2"},
    {"PATIENT_ID": "P-1", "SAMPLE_ID": "S-3", "ASSAY": "RNA", "TUMOR_PURITY": "",
     "DATA_USE_PERMISSION": "GRU (DUO:0000042)", "CONSENT_VERSION": "v2"},
]  # fmt: skip


def study(tmp_path, **changes):
    call = Call("chr17", 100, "G", "T", 80, 60, 20, 40, 40, 0)
    maf = maf_text([maf_row(call, None, "S-1", "S-2", "C1", "GRCh38")], ["concord.centre C1"])
    settings = dict(
        study_id="concord_c1",
        cancer_type="brca",
        name="concord share bundle, centre C1",
        description="test",
        genome="hg38",
        patients=[{"PATIENT_ID": "P-1", "SEX": "Female"}],
        samples=SAMPLES,
        maf=maf,
        maf_samples=["S-1"],
        expression=(["S-3"], [["BRCA1", "12.5"], ["BRCA2", "NA"]]),
    )
    settings.update(changes)
    out = tmp_path / "study"
    files = write_study(out, **settings)
    return out, files


def test_a_written_study_passes_the_structure_checks(tmp_path):
    out, files = study(tmp_path)
    assert check_study(out) == []
    assert set(files) >= {
        "meta_study.txt", "meta_clinical_sample.txt", "data_clinical_sample.txt",
        "meta_clinical_patient.txt", "data_clinical_patient.txt", "meta_mutations.txt",
        "data_mutations.txt", "meta_expression.txt", "data_expression.txt",
        "case_lists/cases_sequenced.txt", "case_lists/cases_rna_seq_mrna.txt",
    }  # fmt: skip
    clinical = (out / "data_clinical_sample.txt").read_text().splitlines()
    assert [line.startswith("#") for line in clinical[:5]] == [True] * 4 + [False]
    assert "TUMOR_PURITY" in clinical[4] and "\tNA\t" in clinical[6]  # empty NUMBER is NA


def test_a_study_without_expression_or_mutations_is_still_whole(tmp_path):
    out, files = study(tmp_path, expression=None, samples=SAMPLES[:1])
    assert check_study(out) == [] and "meta_expression.txt" not in files


def edit(path, old, new):
    path.write_text(path.read_text().replace(old, new))


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda d: (d / "case_lists/cases_sequenced.txt").unlink(),
         "case list concord_c1_sequenced is missing"),
        (lambda d: edit(d / "data_mutations.txt", "\tS-1\t", "\tS-9\t"),
         "sample S-9 is not in the clinical file"),
        (lambda d: edit(d / "data_clinical_sample.txt", "#STRING\tSTRING\tSTRING\tSTRING\tNUMBER",
                        "#STRING\tSTRING\tSTRING\tSTRING\tFLOAT"), "datatype 'FLOAT'"),
        (lambda d: edit(d / "data_clinical_sample.txt", "\t0.8\t", "\t80%\t"),
         "TUMOR_PURITY '80%' not a number"),
        (lambda d: edit(d / "meta_study.txt", "concord_c1", "Concord-C1"),
         "identifier 'Concord-C1' is not lowercase"),
        (lambda d: edit(d / "meta_study.txt", "hg38", "GRCh38"), "reference_genome 'GRCh38'"),
        (lambda d: edit(d / "data_mutations.txt", "\tGRCh38\t", "\tGRCh37\t"),
         "NCBI_Build GRCh37 is not hg38's"),
        (lambda d: edit(d / "data_mutations.txt", "Targeted_Region", "Intergenic"),
         "class 'Intergenic'"),
        (lambda d: edit(d / "data_expression.txt", "12.5", "high"), "not a number or NA"),
        (lambda d: edit(d / "data_clinical_patient.txt", "P-1\tFemale", "P-2\tFemale"),
         "patient P-1 unknown"),
        (lambda d: edit(d / "meta_clinical_sample.txt", "SAMPLE_ATTRIBUTES", "SAMPLES"),
         "meta_clinical_sample.txt: unknown genetic_alteration_type/datatype"),
    ],
)  # fmt: skip
def test_the_checks_find_what_cbioportal_refuses(tmp_path, damage, problem):
    out, _ = study(tmp_path)
    damage(out)
    assert any(problem in p for p in check_study(out)), check_study(out)
