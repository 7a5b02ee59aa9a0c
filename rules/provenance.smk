# Provenance and the toolchain check: every tool and package asked for its version inside the
# environment it runs in, compared with the pins (envs/*.yaml) at the start of every run.


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
        # asked again in every run, also where a failed check left the last answers
        invocation=INVOCATION,
    shell:
        # a tool that is missing or prints no version is reported by toolchain_check
        "({params.command}) > {output} 2>&1 || true"


rule toolchain_check:
    input:
        tool_version_files,
    output:
        paths.TOOLCHAIN_CHECK,
    log:
        "logs/provenance/toolchain_check.log",
    localrule: True
    conda:
        "../envs/python.yaml"
    params:
        environments=version_environments(),
        pins=toolchain_pins,
        mode=config["toolchain"]["mode"],
        snakemake_version=SNAKEMAKE_VERSION,
        # a new value in every invocation: the check runs at the start of every run
        invocation=INVOCATION,
    script:
        "../scripts/toolchain_check.py"


# The record every tool rule waits for (as ancient input: its rewrite in each run re-runs
# nothing). Written only once the check passed, so a failed check leaves the last one in place.
rule software_versions:
    input:
        paths.TOOLCHAIN_CHECK,
    output:
        paths.SOFTWARE_VERSIONS,
    log:
        "logs/provenance/software_versions.log",
    localrule: True
    conda:
        "../envs/coreutils.yaml"
    shell:
        "cp {input} {output} 2> {log}"
