"""Good and bad sheets and configs against rules/schemas/*.schema.yaml."""

import copy

import pandas as pd
import pytest
import yaml
from concord.config import validate_config
from concord.errors import InputError
from concord.samplesheet import load_schema, read_sheet, validate_rows
from conftest import REPO
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

SCHEMAS = REPO / "rules" / "schemas"


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_bundled_config_and_sheets_pass_snakemake_validate(config):
    validate(copy.deepcopy(config), str(SCHEMAS / "config.schema.yaml"))
    validate(
        pd.read_csv(REPO / "config" / "samples.tsv", sep="\t", dtype=str, keep_default_na=False),
        str(SCHEMAS / "samples.schema.yaml"),
    )
    validate(
        pd.read_csv(REPO / "config" / "units.tsv", sep="\t", dtype=str, keep_default_na=False),
        str(SCHEMAS / "units.schema.yaml"),
    )


def test_the_demo_sheet_has_consent_and_one_sample_without_sharing_consent():
    sheet = pd.read_csv(REPO / "config" / "samples.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(sheet.columns[-5:]) == [
        "consent_share", "consent_permission", "consent_disease", "consent_modifiers",
        "consent_version",
    ]  # fmt: skip
    assert list(sheet.loc[sheet["consent_share"] != "yes", "sample_id"]) == ["PT02-tumor"]


def test_a_share_section_needs_the_duo_table_and_the_key(config):
    schema = load_schema(SCHEMAS / "config.schema.yaml")
    bad = copy.deepcopy(config)
    del bad["share"]["key"]
    with pytest.raises(InputError, match=r"c: share: 'key' is a required property"):
        validate_config(bad, schema, "c")
    bad["share"]["key"] = "k"
    bad["share"]["cbioportal_genome"] = "GRCh38"
    with pytest.raises(InputError, match=r"c: share.cbioportal_genome: 'GRCh38' is not one of"):
        validate_config(bad, schema, "c")
    del bad["share"]["cbioportal_genome"]
    assert validate_config(bad, schema, "c")["share"]["cancer_type"] == "brca"


def test_snakemake_validate_also_rejects_unknown_config_keys(config):
    bad = dict(config, outdir="elsewhere")
    with pytest.raises(WorkflowError):
        validate(bad, str(SCHEMAS / "config.schema.yaml"))


def test_schema_default_fills_panel(config):
    trimmed = {k: v for k, v in config.items() if k != "panel"}
    assert validate_config(trimmed, load_schema(SCHEMAS / "config.schema.yaml"), "c")["panel"] == []


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda c: c.update(output_dir="x"), r"c: \(top level\): unknown key 'output_dir'"),
        (
            lambda c: c["reference"].update(fasta_path="x"),
            r"c: reference: unknown key 'fasta_path'",
        ),
        (lambda c: c.pop("centre"), r"'centre' is a required property"),
        (
            lambda c: c.update(centre="Gustave Roussy"),
            r"c: centre: 'Gustave Roussy' does not match",
        ),
        (
            lambda c: c["reference"].update(expected_md5={"chr1": "xyz"}),
            r"reference.expected_md5.chr1",
        ),
        (lambda c: c["panel"].append({"gene": "BRCA1"}), r"panel.2: 'transcript' is a required"),
    ],
)
def test_bad_configs_name_the_key(config, mutate, message):
    bad = copy.deepcopy(config)
    mutate(bad)
    with pytest.raises(InputError, match=message):
        validate_config(bad, load_schema(SCHEMAS / "config.schema.yaml"), "c")


def write(tmp_path, text):
    path = tmp_path / "sheet.tsv"
    path.write_text(text)
    return read_sheet(path)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "sample_id\tpatient_id\trole\tassay\nS 1\tP\ttumor\tdna\n",
            r"line 2, column 'sample_id': 'S 1' has characters",
        ),
        (
            "sample_id\tpatient_id\trole\tassay\nS1\tP/1\ttumor\tdna\n",
            r"line 2, column 'patient_id'",
        ),
        (
            "sample_id\tpatient_id\trole\tassay\nS1\tP\ttumor\twgs\n",
            r"line 2, column 'assay': 'wgs' is not one of 'dna', 'rna'",
        ),
        ("sample_id\tpatient_id\trole\nS1\tP\ttumor\n", r"required column 'assay' is missing"),
        (
            "sample_id\tpatient_id\trole\tassay\tbatch\nS1\tP\ttumor\tdna\t3\n",
            r"line 1: unknown column 'batch'.*meta_ prefix",
        ),
        (
            "sample_id\tpatient_id\trole\tassay\ttumor_content\nS1\tP\ttumor\tdna\t80%\n",
            r"column 'tumor_content': '80%'",
        ),
        (
            "sample_id\tpatient_id\trole\tassay\tconsent_share\nS1\tP\ttumor\tdna\tmaybe\n",
            r"column 'consent_share': 'maybe' is not one of 'yes', 'no'",
        ),
        (
            "sample_id\tpatient_id\trole\tassay\tconsent_disease\nS1\tP\ttumor\tdna\tMONDO:12\n",
            r"column 'consent_disease': 'MONDO:12'",
        ),
        (
            "sample_id\tpatient_id\trole\tassay\tconsent_version\nS1\tP\ttumor\tdna\tv 2\n",
            r"column 'consent_version': 'v 2' has characters",
        ),
    ],
)
def test_bad_sample_rows(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        validate_rows(write(tmp_path, text), load_schema(SCHEMAS / "samples.schema.yaml"))


def test_lims_metadata_columns_with_meta_prefix_are_accepted(tmp_path):
    df = write(
        tmp_path,
        "sample_id\tpatient_id\trole\tassay\tmeta_lims_id\nS1\tP\tnormal\tdna\tLIMS-0042\n",
    )
    validate_rows(df, load_schema(SCHEMAS / "samples.schema.yaml"))


def test_unknown_platform(tmp_path):
    df = write(
        tmp_path, "sample_id\tunit_id\tfastq_1\tfastq_2\tplatform\nS1\tL1\ta.fq\tb.fq\tillumina\n"
    )
    with pytest.raises(
        InputError, match=r"line 2, column 'platform': 'illumina' is not one of 'ILLUMINA'"
    ):
        validate_rows(df, load_schema(SCHEMAS / "units.schema.yaml"))


UNITS_HEADER = "sample_id\tunit_id\tfastq_1\tfastq_2\tbam\tplatform\n"


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "S1\tL1\ta.fq\tb.fq\tx.bam\tILLUMINA\n",
            r"line 2, column 'fastq_1': must be empty \(bam is given, and a unit is either paired "
            r"FASTQ or one BAM/CRAM, not both\)",
        ),
        (
            "S1\tL1\t\tb.fq\tx.bam\t\n",
            r"line 2, column 'fastq_2': must be empty \(bam is given",
        ),
        (
            "S1\tL1\t\t\t\tILLUMINA\n",
            r"line 2, column 'fastq_1': must not be empty \(a unit's reads are fastq_1 and "
            r"fastq_2, or one BAM/CRAM in bam\)",
        ),
        (
            "S1\tL1\ta.fq\tb.fq\t\t\n",
            r"line 2, column 'platform': must not be empty \(the platform of FASTQ reads",
        ),
    ],
    ids=["fastq_and_bam", "fastq_2_and_bam", "neither", "fastq_without_platform"],
)
def test_a_unit_is_fastq_or_bam(tmp_path, row, message):
    with pytest.raises(InputError, match=message):
        validate_rows(
            write(tmp_path, UNITS_HEADER + row), load_schema(SCHEMAS / "units.schema.yaml")
        )


def test_bam_units_need_no_fastq_columns_and_may_leave_platform_to_the_rg(tmp_path):
    schema = load_schema(SCHEMAS / "units.schema.yaml")
    validate_rows(write(tmp_path, "sample_id\tunit_id\tbam\nS1\tL1\tx.cram\n"), schema)
    validate_rows(write(tmp_path, UNITS_HEADER + "S1\tL1\t\t\tx.bam\t\n"), schema)
    with pytest.raises(InputError, match=r"required column 'fastq_1' is missing \(a unit's reads"):
        validate_rows(write(tmp_path, "sample_id\tunit_id\tplatform\nS1\tL1\tMGI\n"), schema)
