# Provenance: the version of every tool and package, asked inside the environment it runs in.


rule tool_version:
    output:
        temp(paths.TOOL_VERSION),
    log:
        "logs/provenance/tool_version/{env}.log",
    localrule: True
    conda:
        "../envs/{env}.yaml"
    params:
        command=tool_version_command,
    shell:
        # a tool that is missing or prints no version is reported by software_versions
        "({params.command}) > {output} 2>&1 || true"


rule software_versions:
    input:
        tool_version_files,
    output:
        paths.SOFTWARE_VERSIONS,
    log:
        "logs/provenance/software_versions.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    params:
        environments=version_environments(),
        snakemake_version=SNAKEMAKE_VERSION,
    script:
        "../scripts/software_versions.py"
