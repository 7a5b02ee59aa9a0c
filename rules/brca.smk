# BRCA1/2: panel variants named on the MANE transcripts, ClinVar class, origin, exon coverage.


rule brca_regions:
    input:
        gtf=config["annotation"]["gtf"],
        checked=paths.ANNOTATION_CHECK,
    output:
        paths.PANEL_EXONS_BED,
    log:
        "logs/brca/brca_regions.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    params:
        transcripts=panel_transcripts,
    script:
        "../scripts/brca_regions.py"


# the exons' coverage (bases at >= 20, 50, 100x per exon) is written by rule mosdepth (qc.smk),
# a second pass in the job that measures the BAM's whole-genome coverage


rule brca_report:
    input:
        unpack(brca_report_inputs),
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
        gtf=config["annotation"]["gtf"],
        digests=paths.CONTIG_DIGESTS,
        versions=paths.SOFTWARE_VERSIONS,
    output:
        **paths.BRCA_OUTPUTS,
    log:
        "logs/brca/brca_report/{patient}.log",
    benchmark:
        "benchmarks/brca/brca_report/{patient}.tsv"
    conda:
        "../envs/hgvs.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    params:
        report=brca_report_params,
    script:
        "../scripts/brca_report.py"
