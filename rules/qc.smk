# QC: the content check of every FASTQ unit (before fastp reads it), BAM/CRAM units reverted to
# FASTQ, read trimming (fastp) per unit, alignment QC per DNA sample, and QC of the calls
# (bcftools stats of every standardized VCF; the tumour/normal identity of each pair is checked
# in the job that reads its joint call for the fragment evidence, rule fragment_evidence).


rule revert_bam:
    input:
        bam=unit_bam,
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
    output:
        r1=temp(paths.REVERTED_R1),
        r2=temp(paths.REVERTED_R2),
        unpaired=temp(paths.REVERTED_UNPAIRED),
    log:
        "logs/qc/revert_bam/{sample}/{unit}.log",
    benchmark:
        "benchmarks/qc/revert_bam/{sample}/{unit}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=240,
    params:
        read_group=revert_selection,
    shell:
        # the reads as sequenced (docs/aligned-input.md): the unit's read group, primary records
        # only (no secondary, supplementary or QC-failed ones), a CRAM decoded with the
        # configured reference; mates brought together (collate -f keeps the order of a file
        # whose mates already are together, such as an unaligned BAM, so its FASTQ is the
        # original's); reverse-strand reads turned back, original qualities (OQ) where a
        # recalibration kept them. A read without its mate fails the job instead of vanishing.
        """
        (samtools view -u -F 0xB00 {params.read_group} --reference {input.ref} -@ {threads} \
            {input.bam} \
            | samtools collate -f -u -O - {output.r1}.collate \
            | samtools fastq -n -O -c 1 -1 {output.r1} -2 {output.r2} \
                -0 {output.unpaired} -s {output.unpaired} -) 2>{log}
        if test -s {output.unpaired}; then
            echo "{input.bam}: reads without their mate, single-end or with the mate missing" \
                "from the file: concord needs paired-end reads" >>{log}
            exit 1
        fi
        """


rule fastq_check:
    input:
        unpack(unit_fastqs),
    output:
        paths.FASTQ_CHECK,
    log:
        "logs/qc/fastq_check/{sample}/{unit}.log",
    benchmark:
        "benchmarks/qc/fastq_check/{sample}/{unit}.tsv"
    group:
        "align_unit"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(500),
        runtime=120,
    script:
        # R1 and R2 read to their ends: whole gzip/BGZF streams, 4-line records with '@', '+'
        # and one quality per base, mates' names in step, R2 not a copy of R1
        # (docs/failure-modes.md); the verdict is kept, so unchanged FASTQs are read once
        "../scripts/fastq_check.py"


rule fastp:
    input:
        unpack(unit_fastqs),
        checked=fastq_verdict,
    output:
        r1=temp(paths.TRIMMED_R1),
        r2=temp(paths.TRIMMED_R2),
        json=paths.FASTP_JSON,
        html=paths.FASTP_HTML,
    log:
        "logs/qc/fastp/{sample}/{unit}.log",
    benchmark:
        "benchmarks/qc/fastp/{sample}/{unit}.tsv"
    group:
        "align_unit"
    conda:
        "../envs/fastp.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    params:
        check_written=workflow_script("check_written.py"),
    shell:
        # harmonized trimming: adapters detected per pair, 3' quality trimming at Q20,
        # reads shorter than 36 bp dropped with their mate. fastp exits 0 when it could not
        # write all of its output (a full disk): its outputs are checked whole here
        """
        fastp --in1 {input.r1} --in2 {input.r2} --out1 {output.r1} --out2 {output.r2} \
            --detect_adapter_for_pe --cut_tail --cut_tail_mean_quality 20 --length_required 36 \
            --compression 1 --thread {threads} --report_title {wildcards.sample}.{wildcards.unit} \
            --json {output.json} --html {output.html} 2>{log}
        python {params.check_written} {output.r1} {output.r2} {output.json} {output.html}
        """


# samtools stats and flagstat of one BAM in one job: two reads of seconds each
rule samtools_qc:
    input:
        bam=paths.BAM,
        ref=paths.REFERENCE,
    output:
        stats=paths.SAMTOOLS_STATS,
        flagstat=paths.FLAGSTAT,
    log:
        "logs/qc/samtools_qc/{sample}.log",
    benchmark:
        "benchmarks/qc/samtools_qc/{sample}.tsv"
    group:
        "bam_qc"
    conda:
        "../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=60,
    shell:
        """
        (samtools stats --reference {input.ref} {input.bam} >{output.stats} \
            && samtools flagstat {input.bam} >{output.flagstat}) 2>{log}
        """


# Coverage of one BAM in one job: the whole genome (QC), then, with a panel, its coding exons
# (the BRCA coverage verdicts): two passes of seconds each over the same BAM
rule mosdepth:
    input:
        **PANEL_DEPTH_INPUT,
        bam=paths.BAM,
        bai=paths.BAI,
    output:
        **PANEL_DEPTH_OUTPUTS,
        summary=paths.MOSDEPTH_SUMMARY,
        dist=paths.MOSDEPTH_DIST,
    log:
        "logs/qc/mosdepth/{sample}.log",
    benchmark:
        "benchmarks/qc/mosdepth/{sample}.tsv"
    conda:
        "../envs/mosdepth.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    params:
        prefix=prefix_of("summary", ".mosdepth.summary.txt"),
        panel=panel_depth,
    shell:
        # duplicates and MAPQ 0 are not coverage that calling can use, in either pass
        """
        mosdepth --threads {threads} --no-per-base --mapq 1 {params.prefix} {input.bam} 2>{log}
        if [ -n "{params.panel[bed]}" ]; then
            mosdepth --threads {threads} --no-per-base --mapq 1 --by {params.panel[bed]} \
                --thresholds 20,50,100 {params.panel[prefix]} {input.bam} 2>>{log}
        fi
        """


rule bcftools_stats:
    input:
        vcf=paths.STANDARD_VCF,
    output:
        paths.BCFTOOLS_STATS,
    log:
        "logs/qc/bcftools_stats/{patient}/{name}.{kind}.log",
    benchmark:
        "benchmarks/qc/bcftools_stats/{patient}/{name}.{kind}.tsv"
    group:
        "standard_vcf"
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=30,
    shell:
        "bcftools stats {input.vcf} > {output} 2> {log}"
