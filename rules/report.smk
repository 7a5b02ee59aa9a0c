# The reviewer's report: one MultiQC report per run from explicit inputs, with concord's own
# sections (verdicts, identity, somatic, BRCA, expression QC, conformance) as custom content.


rule report_sections:
    input:
        unpack(report_inputs),
        versions=paths.SOFTWARE_VERSIONS,
    output:
        **report_section_outputs(),
        versions=paths.REPORT_VERSIONS,
    log:
        "logs/report/report_sections.log",
    benchmark:
        "benchmarks/report/report_sections.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(2000),
        runtime=30,
    params:
        samples=wi.report_samples(SHEETS),
        pairs=wi.report_pairs(SHEETS),
        settings={
            "report": config["report"],
            "panel_min_depth": config["brca"]["min_depth"],
            "rna_min_mapping_rate": config["expression"]["min_mapping_rate"],
            "panel_genes": [p["gene"] for p in config["panel"]],
        },
    script:
        "../scripts/report_sections.py"


rule multiqc_run_config:
    output:
        paths.REPORT_RUN_CONFIG,
    log:
        "logs/report/multiqc_run_config.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    params:
        centre=config["centre"],
        units=report_units,
    script:
        "../scripts/multiqc_run_config.py"


rule multiqc:
    input:
        unpack(report_inputs),
        sections=list(report_section_outputs().values()),
        versions=paths.REPORT_VERSIONS,
        # the layout shipped with the workflow: a source file, never looked up in storage
        config=workflow.source_path("../config/multiqc_config.yaml"),
        run_config=paths.REPORT_RUN_CONFIG,
    output:
        html=paths.REPORT_HTML,
        data=directory(paths.REPORT_DATA),
        files=paths.REPORT_FILE_LIST,
    log:
        "logs/report/multiqc.log",
    benchmark:
        "benchmarks/report/multiqc.tsv"
    conda:
        "../envs/multiqc.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_on_attempt(4000),
        runtime=30,
    params:
        outdir=directory_of("html"),
        filename=Path(paths.REPORT_HTML).name,
        check=workflow_script("check_report.py"),
    shell:
        # exactly the listed files (no directory scan); concord's config, then this run's;
        # then every row of concord's sections must be in the report data under its own name
        """
        (printf '%s\\n' {input.fastp} {input.samtools_stats} {input.flagstat} {input.markdup} \
            {input.mosdepth} {input.bcftools_stats} {input.salmon} {input.sections} \
            {input.versions} >{output.files} \
            && multiqc --file-list {output.files} --config {input.config} \
                --config {input.run_config} --outdir {params.outdir} --filename {params.filename} \
                --force --no-ansi --no-megaqc-upload \
            && python {params.check} {output.data} {input.sections}) >{log} 2>&1
        """
