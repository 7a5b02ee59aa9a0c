# Provenance and the toolchain check: every tool and package asked for its version inside the
# environment it runs in, and compared with the pins in envs/*.yaml.


# Before any job, in the main process: the tools this run's jobs will call, against the pins.
# harmonized: a difference stops the run here; development: a warning (docs/environments.md).
# Then the run records itself, so a second run in this directory is refused naming it, and the
# record is removed when the run ends (concord.runlock; a killed run's record stays behind).
onstart:
    check_toolchain_before_any_job()
    runlock.record_this_run()


onsuccess:
    runlock.forget_this_run()


# a full disk is not always reported as one by the tools (concord.diskspace)
onerror:
    runlock.forget_this_run()
    if note := diskspace.low_space_note(paths.RESULTS):
        logger.error(note)


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
        # a tool that is missing or prints no version is recorded as not found
        "({params.command}) > {output} 2>&1 || true"


# The record of what ran, with each pin and whether the two agree; the VCF headers, the BRCA
# and identity JSON, the certificate and the report's versions section are built from it.
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
        pins=toolchain_pins,
        snakemake_version=SNAKEMAKE_VERSION,
    script:
        "../scripts/software_versions.py"
