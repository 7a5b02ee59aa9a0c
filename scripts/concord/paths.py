"""Every file concord writes under results/, defined once.

Rules take their `output:` from here and input functions build their lists from the same
templates, so renaming a file is a one-line change. Templates use the workflow's wildcards
({sample}, {unit}, {patient}, {tumor}, {normal}, {chunk}, {n_chunks}, {kind}, {name}).
`DELIVERABLES` are the files a centre reads or sends on; `INTERMEDIATE` are the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

RESULTS = "results"

# --- reference --------------------------------------------------------------------------------
REFERENCE = f"{RESULTS}/reference/genome.fa"
REFERENCE_FAI = f"{REFERENCE}.fai"
REFERENCE_DICT = f"{RESULTS}/reference/genome.dict"
BWA_INDEX_EXTENSIONS = (".amb", ".ann", ".bwt", ".pac", ".sa")
BWA_INDEX = tuple(f"{REFERENCE}{ext}" for ext in BWA_INDEX_EXTENSIONS)
CONTIG_DIGESTS = f"{RESULTS}/reference/genome.contigs.tsv"
ANNOTATION_CHECK = f"{RESULTS}/reference/annotation_check.json"
SOFTWARE_VERSIONS = f"{RESULTS}/provenance/software_versions.tsv"
TOOL_VERSION = f"{RESULTS}/provenance/versions/{{env}}.txt"

# --- reads and alignment ----------------------------------------------------------------------
# a FASTQ unit's R1 and R2 read to their ends (concord.fastq_check): fastp reads none before it
FASTQ_CHECK = f"{RESULTS}/checks/fastq/{{sample}}/{{unit}}.json"
# a BAM/CRAM unit's reads as paired FASTQ; reads without their mate go to UNPAIRED (must be empty)
REVERTED_R1 = f"{RESULTS}/reverted/{{sample}}/{{unit}}_R1.fastq.gz"
REVERTED_R2 = f"{RESULTS}/reverted/{{sample}}/{{unit}}_R2.fastq.gz"
REVERTED_UNPAIRED = f"{RESULTS}/reverted/{{sample}}/{{unit}}.unpaired.fastq"
TRIMMED_R1 = f"{RESULTS}/trimmed/{{sample}}/{{unit}}_R1.fastq.gz"
TRIMMED_R2 = f"{RESULTS}/trimmed/{{sample}}/{{unit}}_R2.fastq.gz"
FASTP_JSON = f"{RESULTS}/qc/fastp/{{sample}}/{{unit}}.fastp.json"
FASTP_HTML = f"{RESULTS}/qc/fastp/{{sample}}/{{unit}}.fastp.html"
UNIT_BAM = f"{RESULTS}/align/{{sample}}/units/{{unit}}.bam"
BAM = f"{RESULTS}/align/{{sample}}/{{sample}}.bam"
BAI = f"{BAM}.bai"
MARKDUP_STATS = f"{RESULTS}/qc/markdup/{{sample}}/{{sample}}.markdup.txt"
SAMTOOLS_STATS = f"{RESULTS}/qc/samtools/{{sample}}/{{sample}}.stats.txt"
FLAGSTAT = f"{RESULTS}/qc/samtools/{{sample}}/{{sample}}.flagstat.txt"
MOSDEPTH_SUMMARY = f"{RESULTS}/qc/mosdepth/{{sample}}/{{sample}}.mosdepth.summary.txt"
MOSDEPTH_DIST = f"{RESULTS}/qc/mosdepth/{{sample}}/{{sample}}.mosdepth.global.dist.txt"

# --- somatic and germline calling -------------------------------------------------------------
# the chunk count is part of the path: changing it re-scatters instead of reusing stale chunks
CALLING_CHUNK = f"{RESULTS}/somatic/chunks/{{n_chunks}}-way/chunk{{chunk}}.bed"
CHUNK_VCF = f"{RESULTS}/somatic/{{patient}}/chunks/{{tumor}}_vs_{{normal}}.chunk{{chunk}}.vcf"
JOINT_VCF = f"{RESULTS}/somatic/{{patient}}/{{tumor}}_vs_{{normal}}.joint.vcf.gz"
JOINT_TBI = f"{JOINT_VCF}.tbi"
# every candidate allele of the pair with its fragment evidence (the somatic model's input)
FRAGMENT_EVIDENCE = f"{RESULTS}/somatic/{{patient}}/{{tumor}}_vs_{{normal}}.evidence.tsv.gz"
# somatic and germline VCFs share one layout, so their stats have one rule
STANDARD_PREFIX = f"{RESULTS}/{{kind}}/{{patient}}/{{name}}.{{kind}}"
STANDARD_VCF = f"{STANDARD_PREFIX}.vcf.gz"
STANDARD_VALIDATION = f"{STANDARD_PREFIX}.validation.txt"
SOMATIC_NAME = "{tumor}_vs_{normal}"
GERMLINE_NAME = "{normal}"


def fill(template: str, **values) -> str:
    """Fill some wildcards of a template and keep the others: fill("{a}/{b}", a=1) == "1/{b}"."""
    for key, value in values.items():
        template = template.replace(f"{{{key}}}", str(value))
    return template


SOMATIC_VCF = fill(STANDARD_VCF, kind="somatic", name=SOMATIC_NAME)
SOMATIC_TBI = f"{SOMATIC_VCF}.tbi"
SOMATIC_VALIDATION = fill(STANDARD_VALIDATION, kind="somatic", name=SOMATIC_NAME)
GERMLINE_VCF = fill(STANDARD_VCF, kind="germline", name=GERMLINE_NAME)
GERMLINE_TBI = f"{GERMLINE_VCF}.tbi"
GERMLINE_VALIDATION = fill(STANDARD_VALIDATION, kind="germline", name=GERMLINE_NAME)

# --- QC of the calls --------------------------------------------------------------------------
BCFTOOLS_STATS = f"{RESULTS}/qc/bcftools/{{patient}}/{{name}}.{{kind}}.stats.txt"
IDENTITY = f"{RESULTS}/qc/identity/{{patient}}/{{tumor}}_vs_{{normal}}.identity.json"

# --- panel (BRCA1/2) --------------------------------------------------------------------------
PANEL_EXONS_BED = f"{RESULTS}/brca/panel/coding_exons.bed"
PANEL_THRESHOLDS = f"{RESULTS}/brca/coverage/{{sample}}/{{sample}}.thresholds.bed.gz"
PANEL_REGIONS = f"{RESULTS}/brca/coverage/{{sample}}/{{sample}}.regions.bed.gz"
BRCA_PREFIX = f"{RESULTS}/brca/{{patient}}/{{patient}}"
BRCA_OUTPUTS = {
    "variants": f"{BRCA_PREFIX}.brca.tsv",
    "coverage": f"{BRCA_PREFIX}.brca_coverage.tsv",
    "json": f"{BRCA_PREFIX}.brca.json",
    "vcf": f"{BRCA_PREFIX}.brca.vcf.gz",
    "tbi": f"{BRCA_PREFIX}.brca.vcf.gz.tbi",
}

# --- expression -------------------------------------------------------------------------------
EXPRESSION = f"{RESULTS}/expression"
ALL_TRANSCRIPTS_FASTA = f"{EXPRESSION}/annotation/all_transcripts.fa"
EXPRESSION_ANNOTATION = {
    "fasta": f"{EXPRESSION}/annotation/transcripts.fa",
    "tx2gene": f"{EXPRESSION}/annotation/tx2gene.tsv",
    "left_out": f"{EXPRESSION}/annotation/left_out.tsv",
}
SALMON_INDEX = f"{EXPRESSION}/salmon_index"
# the library-type check: salmon as unstranded (IU) on the sample's first read pairs, and the
# strandedness concord reads from it (the JSON) with the library type salmon then quantifies with
LIBRARY_TYPE_SALMON = f"{EXPRESSION}/library_type/salmon/{{sample}}"
LIBRARY_TYPE = {
    "json": f"{EXPRESSION}/library_type/{{sample}}.strandedness.json",
    "salmon_type": f"{EXPRESSION}/library_type/{{sample}}.salmon_library_type.txt",
}
SALMON_DIR = f"{EXPRESSION}/salmon/{{sample}}"
SALMON_OUTPUTS = {
    "eq": f"{SALMON_DIR}/aux_info/eq_classes.txt.gz",
    "meta": f"{SALMON_DIR}/aux_info/meta_info.json",
    "lib": f"{SALMON_DIR}/lib_format_counts.json",
    "quant": f"{SALMON_DIR}/quant.sf",
    "flen": f"{SALMON_DIR}/libParams/flenDist.txt",
    "salmon_log": f"{SALMON_DIR}/logs/salmon_quant.log",
}
SAMPLE_QUANT = f"{EXPRESSION}/quant/{{sample}}.quant.tsv"
SAMPLE_QUANT_QC = f"{EXPRESSION}/quant/{{sample}}.qc.json"
# the matrix step's outputs, by matrix ("genes.counts" is genes x samples, fragment counts)
MATRIX_NAMES = (
    "genes.counts", "genes.tpm", "genes.length_scaled_counts", "transcripts.counts",
    "transcripts.tpm",
)  # fmt: skip


def output_key(name: str) -> str:
    """A matrix name as a Snakemake output name ("genes.counts" -> "genes_counts")."""
    return name.replace(".", "_")


EXPRESSION_MATRICES = {output_key(n): f"{EXPRESSION}/{n}.tsv" for n in MATRIX_NAMES}
EXPRESSION_QC = f"{EXPRESSION}/qc.tsv"

# --- conformance and the report ---------------------------------------------------------------
CERTIFICATE = f"{RESULTS}/conformance/certificate.json"
KIT_CHECK = f"{RESULTS}/conformance/kit_check.json"
CONFORMANCE_SITES = f"{RESULTS}/conformance/normalized/{{patient}}.{{which}}.vcf"
REPORT_DIR = f"{RESULTS}/report"
REPORT_HTML = f"{REPORT_DIR}/multiqc.html"
REPORT_DATA = f"{REPORT_DIR}/multiqc_data"
REPORT_FILE_LIST = f"{REPORT_DIR}/multiqc_inputs.txt"
REPORT_RUN_CONFIG = f"{REPORT_DIR}/multiqc_run_config.yaml"
REPORT_VERSIONS = f"{REPORT_DIR}/concord_mqc_versions.yml"
REPORT_SECTION = f"{REPORT_DIR}/sections/{{section}}_mqc.json"

# --- sharing (docs/sharing.md) ----------------------------------------------------------------
# the SHA-256 of a unit's read files (its FASTQ pair or its BAM/CRAM), for the bundle's provenance
INPUT_CHECKSUMS = f"{RESULTS}/provenance/inputs/{{sample}}/{{unit}}.sha256.tsv"
# What may leave the centre: one directory, pseudonyms only, laid out as BUNDLE (relative to
# SHARE_DIR; {patient}, {tumor}, {normal} are pseudonyms there). A TSV table has its metadata in
# a sidecar, BUNDLE_SIDECAR. One job writes it all; its declared outputs are SHARE_OUTPUTS.
SHARE_DIR = f"{RESULTS}/share"
BUNDLE = {
    "crate": "ro-crate-metadata.json",
    "manifest": "bundle.json",
    "checksums": "SHA256SUMS",
    "readme": "README.md",
    "somatic_vcf": "somatic/{patient}/{tumor}_vs_{normal}.somatic.vcf.gz",
    "germline_vcf": "germline/{patient}/{normal}.germline.vcf.gz",
    "brca_variants": "brca/{patient}/{patient}.brca.tsv",
    "brca_coverage": "brca/{patient}/{patient}.brca_coverage.tsv",
    "expression": "expression/{name}.tsv",
    "expression_qc": "expression/qc.tsv",
    "maf": "maf/somatic.maf",
    "contigs": "reference/genome.contigs.tsv",
    "versions": "provenance/software_versions.tsv",
    "workflow": "workflow/{name}",
    "cbioportal": "cbioportal",
}
BUNDLE_SIDECAR = "{table}.meta.json"
SHARE_OUTPUTS = {key: f"{SHARE_DIR}/{BUNDLE[key]}" for key in ("crate", "manifest", "checksums")}
# what stays at the centre: the id -> pseudonym table (mode 0600) and the report's counts
SHARE_PSEUDONYMS = f"{RESULTS}/share_local/pseudonyms.tsv"
SHARE_SUMMARY = f"{RESULTS}/share_local/summary.json"

# What a centre reads or sends on (README "What comes out where").
DELIVERABLES = (
    REFERENCE, REFERENCE_FAI, REFERENCE_DICT, CONTIG_DIGESTS, ANNOTATION_CHECK, SOFTWARE_VERSIONS,
    FASTP_JSON, FASTP_HTML, BAM, BAI, MARKDUP_STATS, SAMTOOLS_STATS, FLAGSTAT,
    MOSDEPTH_SUMMARY, MOSDEPTH_DIST,
    SOMATIC_VCF, SOMATIC_TBI, SOMATIC_VALIDATION, GERMLINE_VCF, GERMLINE_TBI, GERMLINE_VALIDATION,
    BCFTOOLS_STATS, IDENTITY, *BRCA_OUTPUTS.values(), *EXPRESSION_MATRICES.values(), EXPRESSION_QC,
    CERTIFICATE, REPORT_HTML, REPORT_FILE_LIST, REPORT_SECTION, *SHARE_OUTPUTS.values(),
    SHARE_PSEUDONYMS, SHARE_SUMMARY,
)  # fmt: skip

# Everything else the workflow writes (kept for re-runs and for the report, or temporary).
INTERMEDIATE = (
    FASTQ_CHECK,
    *BWA_INDEX, TOOL_VERSION, REVERTED_R1, REVERTED_R2, REVERTED_UNPAIRED, TRIMMED_R1, TRIMMED_R2,
    UNIT_BAM, CALLING_CHUNK, CHUNK_VCF, JOINT_VCF, JOINT_TBI, FRAGMENT_EVIDENCE, PANEL_EXONS_BED,
    PANEL_THRESHOLDS, PANEL_REGIONS, ALL_TRANSCRIPTS_FASTA, *EXPRESSION_ANNOTATION.values(),
    *LIBRARY_TYPE.values(), SAMPLE_QUANT, SAMPLE_QUANT_QC, CONFORMANCE_SITES, KIT_CHECK,
    REPORT_RUN_CONFIG, REPORT_VERSIONS, INPUT_CHECKSUMS,
)  # fmt: skip

# Directories written as a whole (their files are the tools' own layout).
DIRECTORIES = (SALMON_INDEX, LIBRARY_TYPE_SALMON, SALMON_DIR, REPORT_DATA, SHARE_DIR)

# Files a tool writes beside its declared outputs, which nothing reads (mosdepth's summaries and
# indexes of the panel coverage run).
SIDE_FILES = (f"{RESULTS}/brca/coverage/{{sample}}/{{sample}}.{{side}}",)


def job_file(files: Iterable[str], path: str) -> str:
    """The one file among a job's inputs or outputs that stands for `path` (a template filled
    in): the path itself, or a storage provider's local copy of it, which ends with the path
    (`.snakemake/storage/<provider>/<prefix>/results/...` when there is no shared filesystem)."""
    found = [f for f in files if f == path or f.endswith(f"/{path}")]
    if len(found) != 1:
        raise ValueError(f"{path}: {len(found)} of the job's files stand for it: {found}")
    return found[0]


def template_regex(template: str) -> re.Pattern:
    """A regex matching the files a template stands for (any wildcard value without '/')."""
    parts = re.split(r"(\{\w+\})", template)
    return re.compile(
        "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    )


def owning_template(path: str) -> str | None:
    """The template (or directory template) a results path belongs to, if any."""
    for template in (*DELIVERABLES, *INTERMEDIATE):
        if template_regex(template).fullmatch(path):
            return template
    for directory in DIRECTORIES:
        if template_regex(directory + "/").match(path):
            return directory
    for template in SIDE_FILES:
        if template_regex(template).fullmatch(path):
            return template
    return None
