# Expression: salmon maps each RNA sample; concord's EM on salmon's equivalence classes gives
# matrices that are the same bytes on every run and thread count (docs/expression.md).


rule gffread_transcriptome:
    input:
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
        gtf=config["annotation"]["gtf"],
        checked=paths.ANNOTATION_CHECK,
    output:
        temp(paths.ALL_TRANSCRIPTS_FASTA),
    log:
        "logs/expression/gffread.log",
    benchmark:
        "benchmarks/expression/gffread.tsv"
    group:
        "transcriptome"
    conda:
        "../envs/gffread.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=30,
    shell:
        "gffread -w {output} -g {input.ref} {input.gtf} 2> {log}"


rule expression_annotation:
    input:
        fasta=paths.ALL_TRANSCRIPTS_FASTA,
        gtf=config["annotation"]["gtf"],
    output:
        **paths.EXPRESSION_ANNOTATION,
    log:
        "logs/expression/expression_annotation.log",
    group:
        "transcriptome"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=30,
    script:
        "../scripts/expression_annotation.py"


rule salmon_index:
    input:
        transcripts=paths.EXPRESSION_ANNOTATION["fasta"],
    output:
        directory(paths.SALMON_INDEX),
    log:
        "logs/expression/salmon_index.log",
    benchmark:
        "benchmarks/expression/salmon_index.tsv"
    group:
        "transcriptome"
    conda:
        "../envs/salmon.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(16000),
        runtime=120,
    shell:
        "salmon index -t {input.transcripts} -i {output} -k 31 -p {threads} > {log} 2>&1"


# The library type in one job: salmon maps the sample's first pairs unstranded (IU), then
# concord reads their orientations (concord.strandedness, standard library: the salmon env's
# python runs it); salmon's own output is temporary
rule library_type:
    input:
        unpack(rna_sample_fastqs),
        index=paths.SALMON_INDEX,
    output:
        **paths.LIBRARY_TYPE,
        salmon=temp(directory(paths.LIBRARY_TYPE_SALMON)),
    log:
        "logs/expression/library_type/{sample}.log",
    benchmark:
        "benchmarks/expression/library_type/{sample}.tsv"
    wildcard_constraints:
        sample=RNA_SAMPLE,
    conda:
        "../envs/salmon.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=60,
    params:
        fastq_head=workflow_script("fastq_head.py"),
        no_mapping=workflow_script("salmon_no_mapping.py"),
        library_type=workflow_script("expression_library_type.py"),
    shell:
        # the first 1,000,000 read pairs mapped unstranded (IU), so lib_format_counts.json
        # counts every inward pair by its orientation (docs/expression.md, "Library type")
        """
        salmon quant -i {input.index} -l IU \
            -1 <(python {params.fastq_head} 1000000 {input.r1}) \
            -2 <(python {params.fastq_head} 1000000 {input.r2}) \
            --validateMappings -p {threads} -o {output.salmon} >{log} 2>&1 \
            || python {params.no_mapping} {log} {output.salmon} {input.r1}
        python {params.library_type} {output.salmon} {output.json} {output.salmon_type} 2>>{log}
        """


rule salmon_quant:
    input:
        unpack(rna_sample_fastqs),
        index=paths.SALMON_INDEX,
        library_type=paths.LIBRARY_TYPE["salmon_type"],
    output:
        **paths.SALMON_OUTPUTS,
    log:
        "logs/expression/salmon_quant/{sample}.log",
    benchmark:
        "benchmarks/expression/salmon_quant/{sample}.tsv"
    wildcard_constraints:
        sample=RNA_SAMPLE,
    group:
        "quant"
    conda:
        "../envs/salmon.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=240,
    params:
        outdir=directory_of("quant"),
        no_mapping=workflow_script("salmon_no_mapping.py"),
    shell:
        # the library type found by salmon_library_type (ISR, ISF or IU), never -l A: salmon's
        # own detection switches type mid-run at a thread-dependent fragment; --dumpEq writes
        # the equivalence classes concord's EM reads (salmon's own quant.sf varies between
        # runs, see docs/expression.md). A sample salmon refuses for lack of mapped fragments
        # is recorded with mapping rate 0.
        """
        salmon quant -i {input.index} -l "$(<{input.library_type})" \
            -1 {input.r1} -2 {input.r2} --validateMappings \
            --dumpEq -p {threads} -o {params.outdir} >{log} 2>&1 \
            || python {params.no_mapping} {log} {params.outdir} {input.r1}
        for made in {output.quant} {output.eq}; do
            if ! test -s "$made"; then
                echo "concord: salmon exited 0 but left $made empty" >>{log}
                echo "concord: salmon exited 0 but left $made empty" >&2
                exit 1
            fi
        done
        """


rule expression_quant:
    input:
        eq=paths.SALMON_OUTPUTS["eq"],
        salmon_quant=paths.SALMON_OUTPUTS["quant"],
        meta=paths.SALMON_OUTPUTS["meta"],
        lib=paths.SALMON_OUTPUTS["lib"],
        salmon_log=paths.SALMON_OUTPUTS["salmon_log"],
        library_type=paths.LIBRARY_TYPE["json"],
        fasta=paths.EXPRESSION_ANNOTATION["fasta"],
    output:
        quant=paths.SAMPLE_QUANT,
        qc=paths.SAMPLE_QUANT_QC,
    log:
        "logs/expression/expression_quant/{sample}.log",
    benchmark:
        "benchmarks/expression/expression_quant/{sample}.tsv"
    wildcard_constraints:
        sample=RNA_SAMPLE,
    group:
        "quant"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=60,
    params:
        fragment_length=config["expression"]["fragment_length"],
        salmon_dir=directory_of("lib"),
    script:
        "../scripts/expression_quant.py"


rule expression_matrices:
    input:
        quant=sample_quants,
        qc=sample_quant_qcs,
        tx2gene=paths.EXPRESSION_ANNOTATION["tx2gene"],
    output:
        **paths.EXPRESSION_MATRICES,
        qc=paths.EXPRESSION_QC,
    log:
        "logs/expression/expression_matrices.log",
    benchmark:
        "benchmarks/expression/expression_matrices.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=120,
    params:
        samples=RNA_SAMPLES,
        min_mapping_rate=config["expression"]["min_mapping_rate"],
    script:
        "../scripts/expression_matrices.py"
