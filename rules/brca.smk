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


rule mosdepth_brca:
    input:
        bam=paths.BAM,
        bai=paths.BAI,
        bed=paths.PANEL_EXONS_BED,
    output:
        thresholds=paths.PANEL_THRESHOLDS,
        regions=paths.PANEL_REGIONS,
    log:
        "logs/brca/mosdepth/{sample}.log",
    benchmark:
        "benchmarks/brca/mosdepth/{sample}.tsv"
    conda:
        "../envs/mosdepth.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    params:
        prefix=prefix_of("regions", ".regions.bed.gz"),
    shell:
        # same read filter as the alignment QC: duplicates and MAPQ 0 do not count
        "mosdepth --threads {threads} --no-per-base --mapq 1 --by {input.bed} "
        "--thresholds 20,50,100 {params.prefix} {input.bam} 2> {log}"


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
