# Read trimming (fastp) per unit, and alignment QC per DNA sample.


rule fastp:
    input:
        unpack(unit_fastqs),
    output:
        r1=temp("results/trimmed/{sample}/{unit}_R1.fastq.gz"),
        r2=temp("results/trimmed/{sample}/{unit}_R2.fastq.gz"),
        json="results/qc/fastp/{sample}/{unit}.fastp.json",
        html="results/qc/fastp/{sample}/{unit}.fastp.html",
    log:
        "logs/qc/fastp/{sample}/{unit}.log",
    benchmark:
        "benchmarks/qc/fastp/{sample}/{unit}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/fastp.yaml"
    shell:
        # harmonized trimming: adapters detected per pair, 3' quality trimming at Q20,
        # reads shorter than 36 bp dropped with their mate
        """
        fastp --in1 {input.r1} --in2 {input.r2} --out1 {output.r1} --out2 {output.r2} \
            --detect_adapter_for_pe --cut_tail --cut_tail_mean_quality 20 --length_required 36 \
            --compression 1 --thread {threads} --report_title {wildcards.sample}.{wildcards.unit} \
            --json {output.json} --html {output.html} 2> {log}
        """


rule samtools_stats:
    input:
        bam="results/align/{sample}/{sample}.bam",
        ref=REF,
    output:
        "results/qc/samtools/{sample}/{sample}.stats.txt",
    log:
        "logs/qc/samtools_stats/{sample}.log",
    benchmark:
        "benchmarks/qc/samtools_stats/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=60,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools stats --reference {input.ref} {input.bam} > {output} 2> {log}"


rule samtools_flagstat:
    input:
        "results/align/{sample}/{sample}.bam",
    output:
        "results/qc/samtools/{sample}/{sample}.flagstat.txt",
    log:
        "logs/qc/samtools_flagstat/{sample}.log",
    benchmark:
        "benchmarks/qc/samtools_flagstat/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(500),
        runtime=30,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools flagstat {input} > {output} 2> {log}"


rule mosdepth:
    input:
        bam="results/align/{sample}/{sample}.bam",
        bai="results/align/{sample}/{sample}.bam.bai",
    output:
        "results/qc/mosdepth/{sample}/{sample}.mosdepth.summary.txt",
        "results/qc/mosdepth/{sample}/{sample}.mosdepth.global.dist.txt",
    params:
        prefix="results/qc/mosdepth/{sample}/{sample}",
    log:
        "logs/qc/mosdepth/{sample}.log",
    benchmark:
        "benchmarks/qc/mosdepth/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/mosdepth.yaml"
    shell:
        # duplicates and MAPQ 0 are not coverage that calling can use
        "mosdepth --threads {threads} --no-per-base --mapq 1 {params.prefix} {input.bam} 2> {log}"
