# Expression: salmon maps each RNA sample; concord's EM on salmon's equivalence classes gives
# matrices that are the same bytes on every run and thread count (docs/expression.md).


rule gffread_transcriptome:
    input:
        ref=REF,
        fai=f"{REF}.fai",
        gtf=config["annotation"]["gtf"],
    output:
        temp("results/expression/annotation/all_transcripts.fa"),
    log:
        "logs/expression/gffread.log",
    benchmark:
        "benchmarks/expression/gffread.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=30,
    conda:
        "../envs/gffread.yaml"
    shell:
        "gffread -w {output} -g {input.ref} {input.gtf} 2> {log}"


rule expression_annotation:
    input:
        fasta="results/expression/annotation/all_transcripts.fa",
        gtf=config["annotation"]["gtf"],
    output:
        fasta="results/expression/annotation/transcripts.fa",
        tx2gene="results/expression/annotation/tx2gene.tsv",
        left_out="results/expression/annotation/left_out.tsv",
    log:
        "logs/expression/expression_annotation.log",
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=30,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/expression_annotation.py"


rule salmon_index:
    input:
        "results/expression/annotation/transcripts.fa",
    output:
        directory("results/expression/salmon_index"),
    log:
        "logs/expression/salmon_index.log",
    benchmark:
        "benchmarks/expression/salmon_index.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(16000),
        runtime=120,
    conda:
        "../envs/salmon.yaml"
    shell:
        "salmon index -t {input} -i {output} -k 31 -p {threads} > {log} 2>&1"


rule salmon_quant:
    input:
        unpack(rna_sample_fastqs),
        index="results/expression/salmon_index",
    output:
        eq="results/expression/salmon/{sample}/aux_info/eq_classes.txt.gz",
        meta="results/expression/salmon/{sample}/aux_info/meta_info.json",
        lib="results/expression/salmon/{sample}/lib_format_counts.json",
        quant="results/expression/salmon/{sample}/quant.sf",
        flen="results/expression/salmon/{sample}/libParams/flenDist.txt",
    params:
        outdir="results/expression/salmon/{sample}",
        no_mapping=SALMON_NO_MAPPING,
    wildcard_constraints:
        sample=RNA_SAMPLE,
    log:
        "logs/expression/salmon_quant/{sample}.log",
    benchmark:
        "benchmarks/expression/salmon_quant/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=240,
    conda:
        "../envs/salmon.yaml"
    shell:
        # library type inferred (-l A) and reported; --dumpEq writes the equivalence classes
        # concord's EM reads (salmon's own quant.sf varies between runs, see docs/expression.md).
        # A sample salmon refuses for lack of mapped fragments is recorded with mapping rate 0.
        """
        salmon quant -i {input.index} -l A -1 {input.r1} -2 {input.r2} --validateMappings             --dumpEq -p {threads} -o {params.outdir} > {log} 2>&1         || python {params.no_mapping} {log} {params.outdir} {input.r1}
        """


rule expression_quant:
    input:
        eq="results/expression/salmon/{sample}/aux_info/eq_classes.txt.gz",
        meta="results/expression/salmon/{sample}/aux_info/meta_info.json",
        lib="results/expression/salmon/{sample}/lib_format_counts.json",
        fasta="results/expression/annotation/transcripts.fa",
    output:
        quant="results/expression/quant/{sample}.quant.tsv",
        qc="results/expression/quant/{sample}.qc.json",
    params:
        fragment_length=config["expression"]["fragment_length"],
    wildcard_constraints:
        sample=RNA_SAMPLE,
    log:
        "logs/expression/expression_quant/{sample}.log",
    benchmark:
        "benchmarks/expression/expression_quant/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=60,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/expression_quant.py"


rule expression_matrices:
    input:
        quant=expand("results/expression/quant/{sample}.quant.tsv", sample=RNA_SAMPLES),
        qc=expand("results/expression/quant/{sample}.qc.json", sample=RNA_SAMPLES),
        tx2gene="results/expression/annotation/tx2gene.tsv",
    output:
        EXPRESSION_OUTPUTS,
    params:
        samples=RNA_SAMPLES,
        min_mapping_rate=config["expression"]["min_mapping_rate"],
    log:
        "logs/expression/expression_matrices.log",
    benchmark:
        "benchmarks/expression/expression_matrices.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(8000),
        runtime=120,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/expression_matrices.py"
