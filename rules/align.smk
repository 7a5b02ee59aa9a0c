# DNA: bwa mem per unit, then merge the units of a sample and mark duplicates.


rule bwa_mem:
    input:
        r1=paths.TRIMMED_R1,
        r2=paths.TRIMMED_R2,
        index=multiext(paths.REFERENCE, *paths.BWA_INDEX_EXTENSIONS),
        ref=paths.REFERENCE,
        digests=paths.CONTIG_DIGESTS,
    output:
        temp(paths.UNIT_BAM),
    log:
        "logs/align/bwa_mem/{sample}/{unit}.log",
    benchmark:
        "benchmarks/align/bwa_mem/{sample}/{unit}.tsv"
    wildcard_constraints:
        sample=DNA_SAMPLE,
    group:
        "align_unit"
    conda:
        "../envs/bwa.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=240,
    params:
        read_group=read_group,
    shell:
        # -K fixes the batch size so alignments do not depend on the thread count;
        # fixmate -m adds the mate tags markdup needs; sorted per unit so units merge cheaply
        """
        (bwa mem -t {threads} -K 100000000 -Y -R '{params.read_group}' {input.ref} \
            {input.r1} {input.r2} \
            | samtools fixmate -m -u - - \
            | samtools sort -@ {threads} -m 768M -T {output}.tmp -o {output} -) 2>{log}
        """


rule markdup:
    input:
        units=sample_unit_bams,
    output:
        bam=paths.BAM,
        bai=paths.BAI,
        stats=paths.MARKDUP_STATS,
    log:
        "logs/align/markdup/{sample}.log",
    benchmark:
        "benchmarks/align/markdup/{sample}.tsv"
    wildcard_constraints:
        sample=DNA_SAMPLE,
    group:
        "bam_qc"
    conda:
        "../envs/samtools.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=120,
    shell:
        """
        (samtools merge -@ {threads} -u -o - {input.units} \
            | samtools markdup -@ {threads} -s -f {output.stats} -T {output.bam}.tmp - {output.bam} \
            && samtools index -@ {threads} {output.bam} {output.bai}) 2>{log}
        """
