# Reference: link the configured FASTA, build the indexes that were not supplied, record digests.


rule link_reference:
    input:
        config["reference"]["fasta"],
    output:
        REF,
    log:
        "logs/reference/link_reference.log",
    localrule: True
    conda:
        "../envs/coreutils.yaml"
    shell:
        "ln -sfn $(realpath {input}) {output} 2> {log}"


if "fai" in config["reference"]:

    rule link_reference_fai:
        input:
            config["reference"]["fai"],
        output:
            f"{REF}.fai",
        log:
            "logs/reference/link_reference_fai.log",
        localrule: True
        conda:
            "../envs/coreutils.yaml"
        shell:
            "ln -sfn $(realpath {input}) {output} 2> {log}"

else:

    rule samtools_faidx:
        input:
            REF,
        output:
            f"{REF}.fai",
        log:
            "logs/reference/samtools_faidx.log",
        benchmark:
            "benchmarks/reference/samtools_faidx.tsv"
        threads: 1
        resources:
            mem_mb=mem_mb_on_attempt(1000),
            runtime=30,
        conda:
            "../envs/samtools.yaml"
        shell:
            "samtools faidx {input} 2> {log}"


if "dict" in config["reference"]:

    rule link_reference_dict:
        input:
            config["reference"]["dict"],
        output:
            "results/reference/genome.dict",
        log:
            "logs/reference/link_reference_dict.log",
        localrule: True
        conda:
            "../envs/coreutils.yaml"
        shell:
            "ln -sfn $(realpath {input}) {output} 2> {log}"

else:

    rule samtools_dict:
        input:
            REF,
        output:
            "results/reference/genome.dict",
        params:
            assembly=config["reference"]["assembly"],
        log:
            "logs/reference/samtools_dict.log",
        benchmark:
            "benchmarks/reference/samtools_dict.tsv"
        threads: 1
        resources:
            mem_mb=mem_mb_on_attempt(1000),
            runtime=30,
        conda:
            "../envs/samtools.yaml"
        shell:
            "samtools dict -a {params.assembly} -o {output} {input} 2> {log}"


BWA_INDEX = multiext(REF, ".amb", ".ann", ".bwt", ".pac", ".sa")

if "bwa_index" in config["reference"]:

    rule link_bwa_index:
        input:
            multiext(config["reference"]["bwa_index"], ".amb", ".ann", ".bwt", ".pac", ".sa"),
        output:
            BWA_INDEX,
        log:
            "logs/reference/link_bwa_index.log",
        localrule: True
        conda:
            "../envs/coreutils.yaml"
        shell:
            "for f in {input}; do ln -sfn $(realpath $f) {REF}.${{f##*.}}; done 2> {log}"

else:

    rule bwa_index:
        input:
            REF,
        output:
            BWA_INDEX,
        log:
            "logs/reference/bwa_index.log",
        benchmark:
            "benchmarks/reference/bwa_index.tsv"
        threads: 1
        resources:
            mem_mb=mem_mb_on_attempt(8000),
            runtime=120,
        conda:
            "../envs/bwa.yaml"
        shell:
            "bwa index {input} 2> {log}"


rule contig_digests:
    input:
        REF,
    output:
        "results/reference/genome.contigs.tsv",
    params:
        expected=config["reference"].get("expected_md5", {}),
    log:
        "logs/reference/contig_digests.log",
    benchmark:
        "benchmarks/reference/contig_digests.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(500),
        runtime=30,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/contig_digests.py"
