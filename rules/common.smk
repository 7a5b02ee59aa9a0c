# Load and validate config and sheets before any job; wildcard constraints; input functions.
import sys
from pathlib import Path

from snakemake import __version__ as SNAKEMAKE_VERSION
from snakemake.exceptions import WorkflowError

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))

from concord.config import check_paths_exist, validate_config  # noqa: E402
from concord.errors import InputError  # noqa: E402
from concord.reference import check_gtf  # noqa: E402
from concord.samplesheet import load_schema, load_sheets  # noqa: E402
from concord import workflow_inputs as wi  # noqa: E402

SCHEMAS = Path(workflow.basedir) / "rules" / "schemas"
# a stable path: workflow.source_path() gives a new cache path per run, which re-runs the rule
SALMON_NO_MAPPING = str(Path(workflow.basedir) / "scripts" / "salmon_no_mapping.py")
CHECK_REPORT = str(Path(workflow.basedir) / "scripts" / "check_report.py")
MULTIQC_CONFIG = str(Path(workflow.basedir) / "config" / "multiqc_config.yaml")
REF = "results/reference/genome.fa"

try:
    config = validate_config(
        config, load_schema(SCHEMAS / "config.schema.yaml"), "config (config/config.yaml or --configfile)"
    )
    check_paths_exist(config, "config")
    check_gtf(
        config["annotation"]["gtf"],
        config["reference"]["fasta"],
        config["reference"].get("fai"),
        [p["transcript"] for p in config["panel"]],
    )
    SHEETS = load_sheets(
        config["samples"],
        config["units"],
        load_schema(SCHEMAS / "samples.schema.yaml"),
        load_schema(SCHEMAS / "units.schema.yaml"),
    )
except InputError as error:
    raise WorkflowError(f"concord input check failed (nothing was run):\n{error}") from None


wildcard_constraints:
    sample=wi.alternation(SHEETS.samples["sample_id"]),
    unit=wi.alternation(SHEETS.units["unit_id"]),
    patient=wi.alternation(SHEETS.samples["patient_id"]),
    tumor=wi.alternation(p.tumor for p in SHEETS.pairs) or "NO_PAIR",
    normal=wi.alternation(p.normal for p in SHEETS.pairs) or "NO_PAIR",
    chunk=r"\d+",


DNA_SAMPLE = wi.alternation(wi.dna_samples(SHEETS))
RNA_SAMPLES = wi.rna_samples(SHEETS)
RNA_SAMPLE = wi.alternation(RNA_SAMPLES) or "NO_RNA_SAMPLE"
EXPRESSION_OUTPUTS = wi.EXPRESSION_OUTPUTS


# the chunk count is part of the path: changing it re-scatters instead of reusing stale chunks
CALLING_CHUNK = f"results/somatic/chunks/{config['calling']['chunks']}-way/chunk{{chunk}}.bed"
CALLING_CHUNKS = expand(CALLING_CHUNK, chunk=wi.chunk_ids(config["calling"]["chunks"]))
SOMATIC_VCF = f"{wi.SOMATIC}.vcf.gz"
GERMLINE_VCF = f"{wi.GERMLINE}.vcf.gz"
# The harmonized freebayes call: joint tumour/normal, every allele that passes the input
# filters reported (pooled-continuous) while each sample is still genotyped as diploid.
FREEBAYES_OPTIONS = (
    "--pooled-discrete --pooled-continuous --genotype-qualities --allele-balance-priors-off "
    "--min-alternate-fraction 0.02 --min-alternate-count 2 "
    "--min-mapping-quality 20 --min-base-quality 20"
)


def mem_mb_on_attempt(base_mb):
    """Memory that grows with each retry: base, 2x base, 3x base."""

    def mem_mb(wildcards, attempt):
        return base_mb * attempt

    return mem_mb


def reference_outputs():
    return [f"{REF}.fai", "results/reference/genome.dict", "results/reference/genome.contigs.tsv"]


def dna_sample_outputs():
    return wi.dna_sample_outputs(SHEETS)


def fastp_reports():
    return wi.fastp_reports(SHEETS)


def unit_fastqs(wildcards):
    return wi.unit_fastqs(SHEETS, wildcards.sample, wildcards.unit)


def read_group(wildcards):
    return wi.read_group(SHEETS, wildcards.sample, wildcards.unit, config["centre"])


def sample_unit_bams(wildcards):
    return wi.sample_unit_bams(SHEETS, wildcards.sample)


def pair_outputs():
    return wi.pair_outputs(SHEETS)


def pair_bams(wildcards):
    return wi.pair_bams(wildcards.tumor, wildcards.normal)


def pair_chunk_vcfs(wildcards):
    return wi.pair_chunk_vcfs(wildcards, config["calling"]["chunks"])


def germline_joint_call(wildcards):
    return wi.germline_joint_call(SHEETS, wildcards.normal)


def somatic_provenance(wildcards):
    return wi.provenance_params(config, SHEETS, wildcards.patient, wildcards.tumor, wildcards.normal)


def germline_provenance(wildcards):
    return wi.provenance_params(config, SHEETS, wildcards.patient, None, wildcards.normal)


def conformance_outputs():
    return ["results/conformance/certificate.json"] if "conformance" in config else []


def certificate_patients(wildcards):
    return [p.patient for p in wi.first_pair_per_patient(SHEETS)]


def first_somatic_vcf_per_patient(wildcards):
    return [f"{wi.somatic_prefix(p)}.vcf.gz" for p in wi.first_pair_per_patient(SHEETS)]


def first_somatic_validation_per_patient(wildcards):
    return [f"{wi.somatic_prefix(p)}.validation.txt" for p in wi.first_pair_per_patient(SHEETS)]


def panel_transcripts(wildcards):
    return [p["transcript"] for p in config["panel"]]


def brca_outputs():
    return wi.brca_outputs(SHEETS) if config["panel"] else []


def brca_report_inputs(wildcards):
    return wi.brca_report_inputs(SHEETS, wildcards.patient, config["annotation"].get("clinvar"))


def brca_report_params(wildcards):
    return wi.brca_report_params(config, SHEETS, wildcards.patient)


def expression_outputs():
    return wi.EXPRESSION_OUTPUTS if RNA_SAMPLES else []


def rna_sample_fastqs(wildcards):
    return wi.rna_sample_fastqs(SHEETS, wildcards.sample)


def certificate_expression_inputs(wildcards):
    """genes.counts, genes.tpm and transcripts.tpm when the run has RNA samples."""
    return [wi.EXPRESSION_OUTPUTS[i] for i in (0, 1, 4)] if RNA_SAMPLES else []


def report_inputs(wildcards):
    return wi.report_inputs(SHEETS, bool(config["panel"]), "conformance" in config)


def report_section_files():
    return wi.report_section_files(SHEETS, bool(config["panel"]), "conformance" in config)


def report_units(wildcards):
    return sorted(set(SHEETS.units.index.get_level_values("unit_id")))
