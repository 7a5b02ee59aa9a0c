# Somatic: joint tumour/normal calling scattered over genomic chunks, gathered and normalized;
# fragment evidence for every candidate read from both BAMs (complex changes merged); then
# concord's somatic model writes the standardized somatic and germline VCFs.

# The harmonized freebayes call: joint tumour/normal, every allele that passes the input
# filters reported (pooled-continuous) while each sample is still genotyped as diploid.
# Written into every VCF header, so a change here is visible in the outputs.
FREEBAYES_OPTIONS = (
    "--pooled-discrete --pooled-continuous --allele-balance-priors-off "
    "--min-alternate-fraction 0.02 --min-alternate-count 2 "
    "--min-mapping-quality 20 --min-base-quality 20"
)


rule calling_chunks:
    input:
        fai=paths.REFERENCE_FAI,
    output:
        wi.calling_chunks(N_CHUNKS),
    log:
        "logs/somatic/calling_chunks.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    params:
        n_chunks=N_CHUNKS,
    script:
        "../scripts/calling_chunks.py"


rule freebayes_chunk:
    input:
        unpack(pair_bams),
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
        chunk=paths.fill(paths.CALLING_CHUNK, n_chunks=N_CHUNKS),
    output:
        temp(paths.CHUNK_VCF),
    log:
        "logs/somatic/freebayes/{patient}/{tumor}_vs_{normal}.chunk{chunk}.log",
    benchmark:
        "benchmarks/somatic/freebayes/{patient}/{tumor}_vs_{normal}.chunk{chunk}.tsv"
    conda:
        "../envs/freebayes.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=240,
    params:
        options=FREEBAYES_OPTIONS,
    shell:
        # written under another name, renamed when whole: Snakemake marks a local job's outputs
        # a moment after starting it, and a kill in that moment must not leave a partial chunk
        # where a finished one is expected
        "freebayes -f {input.ref} --targets {input.chunk} {params.options} "
        "{input.tumor} {input.normal} > {output}.partial 2> {log} "
        "&& mv {output}.partial {output}"


rule gather_joint_calls:
    input:
        chunks=pair_chunk_vcfs,
        ref=paths.REFERENCE,
    output:
        vcf=temp(paths.JOINT_VCF),
        tbi=temp(paths.JOINT_TBI),
    log:
        "logs/somatic/gather/{patient}/{tumor}_vs_{normal}.log",
    benchmark:
        "benchmarks/somatic/gather/{patient}/{tumor}_vs_{normal}.tsv"
    group:
        "joint_calls"
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    shell:
        # chunks are in genome order, so a plain concat is sorted; freebayes declares an unused
        # FORMAT/GQ as Float (htslib warns on every read), dropped; split multiallelics (each
        # record's AD[0] keeps the reads of the other ALTs, so genotypes see the whole site)
        # and left-align/trim indels against the reference
        """
        (bcftools concat --no-version {input.chunks} \
            | bcftools annotate --no-version -x FORMAT/GQ \
            | bcftools norm --no-version -f {input.ref} -m -any --keep-sum AD -Oz -o {output.vcf} \
            && bcftools index -t -o {output.tbi} {output.vcf}) 2>{log}
        """


# The pair's joint call read in one job for its fragment evidence (both BAMs at every candidate)
# and for the tumour/normal identity check (genotype concordance at the pair's germline SNVs)
rule fragment_evidence:
    input:
        unpack(pair_bams),
        joint=paths.JOINT_VCF,
        joint_tbi=paths.JOINT_TBI,
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
        versions=paths.SOFTWARE_VERSIONS,
    output:
        evidence=paths.FRAGMENT_EVIDENCE,
        identity=paths.IDENTITY,
    log:
        "logs/somatic/fragment_evidence/{patient}/{tumor}_vs_{normal}.log",
    benchmark:
        "benchmarks/somatic/fragment_evidence/{patient}/{tumor}_vs_{normal}.tsv"
    group:
        "joint_calls"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=120,
    params:
        identity=config["report"]["identity"],
    script:
        "../scripts/fragment_evidence.py"


rule somatic_vcf:
    input:
        evidence=paths.FRAGMENT_EVIDENCE,
        digests=paths.CONTIG_DIGESTS,
        versions=paths.SOFTWARE_VERSIONS,
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
    output:
        vcf=paths.SOMATIC_VCF,
        tbi=paths.SOMATIC_TBI,
        # checked against the spec in the same job (concord.vcfspec), as validate_vcf.py does
        validation=paths.SOMATIC_VALIDATION,
    log:
        "logs/somatic/somatic_vcf/{patient}/{tumor}_vs_{normal}.log",
    benchmark:
        "benchmarks/somatic/somatic_vcf/{patient}/{tumor}_vs_{normal}.tsv"
    group:
        "standard_vcf"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    params:
        kind="somatic",
        provenance=somatic_provenance,
        caller_options=FREEBAYES_OPTIONS,
    script:
        "../scripts/standard_vcf.py"


rule germline_vcf:
    input:
        unpack(germline_evidence),
        digests=paths.CONTIG_DIGESTS,
        versions=paths.SOFTWARE_VERSIONS,
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
    output:
        vcf=paths.GERMLINE_VCF,
        tbi=paths.GERMLINE_TBI,
        # checked against the spec in the same job (concord.vcfspec), as validate_vcf.py does
        validation=paths.GERMLINE_VALIDATION,
    log:
        "logs/germline/germline_vcf/{patient}/{normal}.log",
    benchmark:
        "benchmarks/germline/germline_vcf/{patient}/{normal}.tsv"
    group:
        "standard_vcf"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=60,
    params:
        kind="germline",
        provenance=germline_provenance,
        caller_options=FREEBAYES_OPTIONS,
    script:
        "../scripts/standard_vcf.py"
