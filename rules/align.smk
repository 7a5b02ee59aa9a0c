# DNA: bwa mem per unit, then merge the units of a sample and mark duplicates.


rule bwa_mem:
    input:
        r1="results/trimmed/{sample}/{unit}_R1.fastq.gz",
        r2="results/trimmed/{sample}/{unit}_R2.fastq.gz",
        index=BWA_INDEX,
        ref=REF,
        digests="results/reference/genome.contigs.tsv",
    output:
        temp("results/align/{sample}/units/{unit}.bam"),
    params:
        read_group=read_group,
    wildcard_constraints:
        sample=DNA_SAMPLE,
    log:
        "logs/align/bwa_mem/{sample}/{unit}.log",
    benchmark:
        "benchmarks/align/bwa_mem/{sample}/{unit}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=240,
    conda:
        "../envs/bwa.yaml"
    shell:
        # -K fixes the batch size so alignments do not depend on the thread count;
        # fixmate -m adds the mate tags markdup needs; sorted per unit so units merge cheaply
        """
        (bwa mem -t {threads} -K 100000000 -Y -R '{params.read_group}' {input.ref} \
            {input.r1} {input.r2} \
        | samtools fixmate -m -u - - \
        | samtools sort -@ {threads} -m 768M -T {output}.tmp -o {output} -) 2> {log}
        """


rule markdup:
    input:
        sample_unit_bams,
    output:
        bam="results/align/{sample}/{sample}.bam",
        bai="results/align/{sample}/{sample}.bam.bai",
        stats="results/qc/markdup/{sample}/{sample}.markdup.txt",
    wildcard_constraints:
        sample=DNA_SAMPLE,
    log:
        "logs/align/markdup/{sample}.log",
    benchmark:
        "benchmarks/align/markdup/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=120,
    conda:
        "../envs/samtools.yaml"
    shell:
        """
        (samtools merge -@ {threads} -u -o - {input} \
        | samtools markdup -@ {threads} -s -f {output.stats} -T {output.bam}.tmp - {output.bam} \
        && samtools index -@ {threads} {output.bam} {output.bai}) 2> {log}
        """
