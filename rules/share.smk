# Sharing: what may leave the centre (docs/sharing.md). The samples whose sheet row says
# consent_share yes, under keyed pseudonyms, in one directory with its RO-Crate and SHA256SUMS.


rule input_checksums:
    input:
        unpack(unit_source_files),
        # after the content check, and in its allocation on a cluster (one submission per unit)
        checked=fastq_verdict,
    output:
        paths.INPUT_CHECKSUMS,
    log:
        "logs/share/input_checksums/{sample}/{unit}.log",
    benchmark:
        "benchmarks/share/input_checksums/{sample}/{unit}.tsv"
    group:
        "align_unit"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(500),
        runtime=120,
    script:
        "../scripts/input_checksums.py"


rule share_bundle:
    input:
        # the centre key is an input, read inside the job: never a param, never logged
        unpack(share_inputs),
    output:
        # the whole of paths.SHARE_DIR is this job's; these files close it
        **paths.SHARE_OUTPUTS,
        pseudonyms=paths.SHARE_PSEUDONYMS,
        summary=paths.SHARE_SUMMARY,
    log:
        "logs/share/share_bundle.log",
    benchmark:
        "benchmarks/share/share_bundle.tsv"
    conda:
        "../envs/share.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=120,
    params:
        plan=share_params,
    script:
        "../scripts/share_bundle.py"
