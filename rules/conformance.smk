# Conformance: score this run against a conformance kit's truth (only with `conformance.kit`).


rule conformance_certificate:
    input:
        somatic=first_somatic_vcf_per_patient,
        validated=first_somatic_validation_per_patient,
        expression=certificate_expression_inputs,
        ref=REF,
        fai=f"{REF}.fai",
    output:
        "results/conformance/certificate.json",
    params:
        kit=config.get("conformance", {}).get("kit", ""),
        patients=certificate_patients,
    log:
        "logs/conformance/certificate.log",
    benchmark:
        "benchmarks/conformance/certificate.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=30,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/certificate.py"
