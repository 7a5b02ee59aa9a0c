# DNA: bwa mem per unit, then merge the units of a sample and mark duplicates.


rule bwa_mem:
    input:
        unpack(dna_unit_reads),
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
        # fixmate -m adds the mate tags markdup needs; sorted per unit so units merge cheaply,
        # and written at compression level 1: the unit BAM is temporary, read once by markdup.
        # A BAM without its header or its end-of-file block (a write cut short, a tool that
        # exits 0 anyway) fails here, before markdup would merge what is left of it.
        """
        (bwa mem -t {threads} -K 100000000 -Y -R '{params.read_group}' {input.ref} \
            {input.r1} {input.r2} \
            | samtools fixmate -m -u - - \
            | samtools sort -@ {threads} -l 1 -m 768M -T {output}.tmp -o {output} -) 2>{log}
        if ! samtools quickcheck {output}; then
            samtools quickcheck -vv {output} >>{log} 2>&1 || true
            echo "concord: {output} is not a complete BAM: samtools quickcheck fails," \
                "see {log}" >&2
            exit 1
        fi
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
        # the analysis-ready BAM checked whole before it is indexed (as in bwa_mem)
        """
        (samtools merge -@ {threads} -u -o - {input.units} \
            | samtools markdup -@ {threads} -s -f {output.stats} -T {output.bam}.tmp \
                - {output.bam}) 2>{log}
        if ! samtools quickcheck {output.bam}; then
            samtools quickcheck -vv {output.bam} >>{log} 2>&1 || true
            echo "concord: {output.bam} is not a complete BAM: samtools quickcheck fails," \
                "see {log}" >&2
            exit 1
        fi
        samtools index -@ {threads} {output.bam} {output.bai} 2>>{log}
        """
