# Somatic: joint tumour/normal calling scattered over genomic chunks, gathered and normalized.


rule software_versions:
    output:
        "results/provenance/software_versions.tsv",
    log:
        "logs/provenance/software_versions.log",
    localrule: True
    conda:
        "../envs/versions.yaml"
    script:
        "../scripts/software_versions.py"


rule calling_chunks:
    input:
        fai=f"{REF}.fai",
    output:
        CALLING_CHUNKS,
    log:
        "logs/somatic/calling_chunks.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/calling_chunks.py"


rule freebayes_chunk:
    input:
        unpack(pair_bams),
        ref=REF,
        fai=f"{REF}.fai",
        chunk=CALLING_CHUNK,
    output:
        temp("results/somatic/{patient}/chunks/{tumor}_vs_{normal}.chunk{chunk}.vcf"),
    params:
        options=FREEBAYES_OPTIONS,
    log:
        "logs/somatic/freebayes/{patient}/{tumor}_vs_{normal}.chunk{chunk}.log",
    benchmark:
        "benchmarks/somatic/freebayes/{patient}/{tumor}_vs_{normal}.chunk{chunk}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=240,
    conda:
        "../envs/freebayes.yaml"
    shell:
        "freebayes -f {input.ref} --targets {input.chunk} {params.options} "
        "{input.tumor} {input.normal} > {output} 2> {log}"


rule gather_joint_calls:
    input:
        chunks=pair_chunk_vcfs,
        ref=REF,
    output:
        temp("results/somatic/{patient}/{tumor}_vs_{normal}.joint.vcf.gz"),
    log:
        "logs/somatic/gather/{patient}/{tumor}_vs_{normal}.log",
    benchmark:
        "benchmarks/somatic/gather/{patient}/{tumor}_vs_{normal}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/bcftools.yaml"
    shell:
        # chunks are in genome order, so a plain concat is sorted; split multiallelics and
        # left-align/trim indels against the reference
        """
        (bcftools concat --no-version {input.chunks} \
        | bcftools norm --no-version -f {input.ref} -m -any -Oz -o {output}) 2> {log}
        """


rule somatic_vcf:
    input:
        joint="results/somatic/{patient}/{tumor}_vs_{normal}.joint.vcf.gz",
        digests="results/reference/genome.contigs.tsv",
        versions="results/provenance/software_versions.tsv",
    output:
        vcf=SOMATIC_VCF,
        tbi=f"{SOMATIC_VCF}.tbi",
    params:
        kind="somatic",
        provenance=somatic_provenance,
        caller_options=FREEBAYES_OPTIONS,
    log:
        "logs/somatic/somatic_vcf/{patient}/{tumor}_vs_{normal}.log",
    benchmark:
        "benchmarks/somatic/somatic_vcf/{patient}/{tumor}_vs_{normal}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/standard_vcf.py"


rule germline_vcf:
    input:
        joint=germline_joint_call,
        digests="results/reference/genome.contigs.tsv",
        versions="results/provenance/software_versions.tsv",
    output:
        vcf=GERMLINE_VCF,
        tbi=f"{GERMLINE_VCF}.tbi",
    params:
        kind="germline",
        provenance=germline_provenance,
        caller_options=FREEBAYES_OPTIONS,
    log:
        "logs/germline/germline_vcf/{patient}/{normal}.log",
    benchmark:
        "benchmarks/germline/germline_vcf/{patient}/{normal}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/standard_vcf.py"


rule validate_vcf:
    input:
        vcf="results/{kind}/{path}.{kind}.vcf.gz",
        tbi="results/{kind}/{path}.{kind}.vcf.gz.tbi",
        ref=REF,
        fai=f"{REF}.fai",
    output:
        "results/{kind}/{path}.{kind}.validation.txt",
    log:
        "logs/{kind}/validate/{path}.log",
    wildcard_constraints:
        kind="somatic|germline",
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=30,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/validate_vcf.py"
