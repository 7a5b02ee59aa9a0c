# Reference: link the configured FASTA, build the indexes that were not supplied, record digests.


rule link_reference:
    input:
        config["reference"]["fasta"],
    output:
        paths.REFERENCE,
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
            paths.REFERENCE_FAI,
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
            ref=paths.REFERENCE,
        output:
            paths.REFERENCE_FAI,
        log:
            "logs/reference/samtools_faidx.log",
        benchmark:
            "benchmarks/reference/samtools_faidx.tsv"
        conda:
            "../envs/samtools.yaml"
        threads: 1
        resources:
            mem_mb=mem_mb_on_attempt(1000),
            runtime=30,
        shell:
            "samtools faidx {input.ref} 2> {log}"


if "dict" in config["reference"]:

    rule link_reference_dict:
        input:
            config["reference"]["dict"],
        output:
            paths.REFERENCE_DICT,
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
            ref=paths.REFERENCE,
        output:
            paths.REFERENCE_DICT,
        log:
            "logs/reference/samtools_dict.log",
        benchmark:
            "benchmarks/reference/samtools_dict.tsv"
        conda:
            "../envs/samtools.yaml"
        threads: 1
        resources:
            mem_mb=mem_mb_on_attempt(1000),
            runtime=30,
        params:
            assembly=config["reference"]["assembly"],
        shell:
            "samtools dict -a {params.assembly} -o {output} {input.ref} 2> {log}"


if "bwa_index" in config["reference"]:

    rule link_bwa_index:
        input:
            multiext(config["reference"]["bwa_index"], *paths.BWA_INDEX_EXTENSIONS),
        output:
            multiext(paths.REFERENCE, *paths.BWA_INDEX_EXTENSIONS),
        log:
            "logs/reference/link_bwa_index.log",
        localrule: True
        conda:
            "../envs/coreutils.yaml"
        params:
            reference=paths.REFERENCE,
        shell:
            "for f in {input}; do ln -sfn $(realpath $f) {params.reference}.${{f##*.}}; done 2> {log}"

else:

    rule bwa_index:
        input:
            ref=paths.REFERENCE,
        output:
            multiext(paths.REFERENCE, *paths.BWA_INDEX_EXTENSIONS),
        log:
            "logs/reference/bwa_index.log",
        benchmark:
            "benchmarks/reference/bwa_index.tsv"
        conda:
            "../envs/bwa.yaml"
        threads: 1
        resources:
            mem_mb=mem_mb_on_attempt(8000),
            runtime=120,
        shell:
            "bwa index {input.ref} 2> {log}"


rule contig_digests:
    input:
        ref=paths.REFERENCE,
    output:
        paths.CONTIG_DIGESTS,
    log:
        "logs/reference/contig_digests.log",
    benchmark:
        "benchmarks/reference/contig_digests.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(500),
        runtime=30,
    params:
        expected=config["reference"].get("expected_md5", {}),
    script:
        "../scripts/contig_digests.py"


rule annotation_check:
    input:
        gtf=config["annotation"]["gtf"],
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
    output:
        paths.ANNOTATION_CHECK,
    log:
        "logs/reference/annotation_check.log",
    benchmark:
        "benchmarks/reference/annotation_check.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=30,
    params:
        panel=panel_transcripts,
    script:
        "../scripts/annotation_check.py"
