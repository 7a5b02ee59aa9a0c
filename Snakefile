# concord: tumour/normal DNA and tumour RNA FASTQs (or BAM/CRAM) to harmonized results.
# This file is the table of contents; every stage lives in rules/, logic in scripts/concord/.
from snakemake.utils import min_version

min_version("9.27")


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/reference.smk"
include: "rules/provenance.smk"
include: "rules/qc.smk"
include: "rules/align.smk"
include: "rules/somatic.smk"
include: "rules/brca.smk"
include: "rules/expression.smk"
include: "rules/conformance.smk"
include: "rules/share.smk"
include: "rules/report.smk"


rule all:
    default_target: True
    input:
        reference_outputs(),
        dna_sample_outputs(),
        fastp_reports(),
        pair_outputs(),
        brca_outputs(),
        expression_outputs(),
        conformance_outputs(),
        share_outputs(),
        paths.REPORT_HTML,
