# The reviewer's report: one MultiQC report per run from explicit inputs, with concord's own
# sections (verdicts, identity, somatic, BRCA, expression QC, conformance) as custom content.


rule bcftools_stats:
    input:
        "results/{kind}/{patient}/{name}.{kind}.vcf.gz",
    output:
        "results/qc/bcftools/{patient}/{name}.{kind}.stats.txt",
    wildcard_constraints:
        kind="somatic|germline",
    log:
        "logs/qc/bcftools_stats/{patient}/{name}.{kind}.log",
    benchmark:
        "benchmarks/qc/bcftools_stats/{patient}/{name}.{kind}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=30,
    conda:
        "../envs/bcftools.yaml"
    shell:
        "bcftools stats {input} > {output} 2> {log}"


rule identity_check:
    input:
        "results/somatic/{patient}/{tumor}_vs_{normal}.joint.vcf.gz",
    output:
        wi.IDENTITY,
    params:
        rule=config["report"]["identity"],
    log:
        "logs/qc/identity/{patient}/{tumor}_vs_{normal}.log",
    benchmark:
        "benchmarks/qc/identity/{patient}/{tumor}_vs_{normal}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(1000),
        runtime=30,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/identity_check.py"


rule report_versions:
    output:
        "results/report/concord_mqc_versions.yml",
    params:
        snakemake_version=SNAKEMAKE_VERSION,
        with_rna=bool(RNA_SAMPLES),
    log:
        "logs/report/report_versions.log",
    localrule: True
    conda:
        "../envs/versions.yaml"
    script:
        "../scripts/report_versions.py"


rule report_sections:
    input:
        unpack(report_inputs),
    output:
        report_section_files(),
    params:
        samples=wi.report_samples(SHEETS),
        pairs=wi.report_pairs(SHEETS),
        settings={
            "report": config["report"],
            "panel_min_depth": config["brca"]["min_depth"],
            "rna_min_mapping_rate": config["expression"]["min_mapping_rate"],
        },
    log:
        "logs/report/report_sections.log",
    benchmark:
        "benchmarks/report/report_sections.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=30,
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/report_sections.py"


rule multiqc_run_config:
    output:
        "results/report/multiqc_run_config.yaml",
    params:
        centre=config["centre"],
        units=report_units,
    log:
        "logs/report/multiqc_run_config.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    script:
        "../scripts/multiqc_run_config.py"


rule multiqc:
    input:
        unpack(report_inputs),
        sections=report_section_files(),
        versions="results/report/concord_mqc_versions.yml",
        config=MULTIQC_CONFIG,
        run_config="results/report/multiqc_run_config.yaml",
    output:
        html="results/report/multiqc.html",
        data=directory("results/report/multiqc_data"),
        files="results/report/multiqc_inputs.txt",
    params:
        check=CHECK_REPORT,
    log:
        "logs/report/multiqc.log",
    benchmark:
        "benchmarks/report/multiqc.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=30,
    conda:
        "../envs/multiqc.yaml"
    shell:
        # exactly the listed files (no directory scan); concord's config, then this run's;
        # then every row of concord's sections must be in the report data under its own name
        """
        (printf '%s\\n' {input.fastp} {input.samtools_stats} {input.flagstat} {input.markdup} \
            {input.mosdepth} {input.bcftools_stats} {input.salmon} {input.sections} \
            {input.versions} > {output.files} \
        && multiqc --file-list {output.files} --config {input.config} \
            --config {input.run_config} --outdir results/report --filename multiqc.html \
            --force --no-ansi --no-megaqc-upload \
        && python {params.check} {output.data} {input.sections}) > {log} 2>&1
        """
