# Conformance: score this run against a conformance kit's truth (only with `conformance.kit`).
# The kit's truth and the run's calls are normalized the same way before they are compared.


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
        kit_name=Path(KIT).name if KIT else "",
    script:
        "../scripts/certificate.py"
