# Conformance: a centre's certificate for a conformance kit (only with `conformance.kit`): the
# kit is intact, the reference and the toolchain are the network's, every standardized output
# equals the network's reference outputs; and the method's accuracy against the kit's truth.


rule kit_integrity:
    input:
        kit_files,
    output:
        paths.KIT_CHECK,
    log:
        "logs/conformance/kit_integrity.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    params:
        kit=KIT,
    script:
        "../scripts/kit_check.py"


rule conformance_normalize:
    input:
        vcf=conformance_source,
        ref=paths.REFERENCE,
        fai=paths.REFERENCE_FAI,
    output:
        temp(paths.CONFORMANCE_SITES),
    log:
        "logs/conformance/normalize/{patient}.{which}.log",
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=30,
    shell:
        # split multiallelics and left-align indels: truth and calls in one representation
        "bcftools norm --no-version -f {input.ref} -m -any -Ov -o {output} {input.vcf} 2> {log}"


rule conformance_certificate:
    input:
        unpack(certificate_inputs),
        versions=paths.SOFTWARE_VERSIONS,
    output:
        paths.CERTIFICATE,
    log:
        "logs/conformance/certificate.log",
    benchmark:
        "benchmarks/conformance/certificate.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=30,
    params:
        panel=panel_transcripts,
    script:
        "../scripts/certificate.py"
