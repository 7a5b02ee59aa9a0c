# BRCA1/2: panel variants named on the MANE transcripts, ClinVar class, origin, exon coverage.


rule brca_regions:
    input:
        gtf=config["annotation"]["gtf"],
    output:
        "results/brca/panel/coding_exons.bed",
    params:
        transcripts=panel_transcripts,
    log:
        "logs/brca/brca_regions.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/brca_regions.py"


rule mosdepth_brca:
    input:
        bam="results/align/{sample}/{sample}.bam",
        bai="results/align/{sample}/{sample}.bam.bai",
        bed="results/brca/panel/coding_exons.bed",
    output:
        "results/brca/coverage/{sample}/{sample}.thresholds.bed.gz",
        "results/brca/coverage/{sample}/{sample}.regions.bed.gz",
    params:
        prefix="results/brca/coverage/{sample}/{sample}",
    log:
        "logs/brca/mosdepth/{sample}.log",
    benchmark:
        "benchmarks/brca/mosdepth/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/mosdepth.yaml"
    shell:
        # same read filter as the alignment QC: duplicates and MAPQ 0 do not count
        "mosdepth --threads {threads} --no-per-base --mapq 1 --by {input.bed} "
        "--thresholds 20,50,100 {params.prefix} {input.bam} 2> {log}"


rule brca_report:
    input:
        unpack(brca_report_inputs),
        ref=REF,
        fai=f"{REF}.fai",
        gtf=config["annotation"]["gtf"],
        digests="results/reference/genome.contigs.tsv",
    output:
        variants="results/brca/{patient}/{patient}.brca.tsv",
        coverage="results/brca/{patient}/{patient}.brca_coverage.tsv",
        json="results/brca/{patient}/{patient}.brca.json",
        vcf="results/brca/{patient}/{patient}.brca.vcf.gz",
        tbi="results/brca/{patient}/{patient}.brca.vcf.gz.tbi",
    params:
        report=brca_report_params,
    log:
        "logs/brca/brca_report/{patient}.log",
    benchmark:
        "benchmarks/brca/brca_report/{patient}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/hgvs.yaml"
    script:
        "../scripts/brca_report.py"
