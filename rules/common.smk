# Load and validate config and sheets before any job; wildcard constraints; input functions.
# Every results path comes from scripts/concord/paths.py (imported here as `paths`).
import sys
import subprocess
from pathlib import Path

from snakemake import __version__ as SNAKEMAKE_VERSION
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake_interface_executor_plugins.settings import (
    DeploymentMethod,
    SharedFSUsage,
)

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))

from concord import diskspace  # noqa: E402
from concord import paths  # noqa: E402
from concord import runlock  # noqa: E402
from concord import share as sharing  # noqa: E402
from concord import toolchain  # noqa: E402
from concord import versions  # noqa: E402
from concord import workflow_inputs as wi  # noqa: E402
from concord.bam_units import with_bam_units  # noqa: E402
from concord.config import check_configured_files, validate_config  # noqa: E402
from concord.consent import load_duo  # noqa: E402
from concord.errors import InputError  # noqa: E402
from concord.resources import mem_mb_on_attempt, run_memory_limit  # noqa: E402
from concord.samplesheet import (
    load_schema,
    load_sheets,
    read_checked_sheets,
)  # noqa: E402

SCHEMAS = Path(workflow.basedir) / "rules" / "schemas"
# The files the config names are checked once, by the main process, before any job. A cluster
# job parses this workflow again (twice with the Slurm plugin) and only re-reads the sheets.
# With a default storage provider the files live in storage, not here: Snakemake checks that
# they exist there, annotation_check checks the GTF against the reference, fastq_check the FASTQs.
FILES_ARE_LOCAL = workflow.storage_settings.default_storage_provider is None

try:
    config = validate_config(
        config,
        load_schema(SCHEMAS / "config.schema.yaml"),
        "config (config/config.yaml or --configfile)",
    )
    if workflow.is_main_process:
        # one run per directory (concord.runlock); a killed run's locks are cleared
        resumed = runlock.check_no_other_run()
        if resumed:
            logger.warning(resumed)
        if FILES_ARE_LOCAL:
            check_configured_files(
                config,
                "config",
                run_memory_limit(
                    getattr(workflow.global_resources.get("mem_mb"), "value", None),
                    local=not workflow.non_local_exec,
                ),
            )
        SHEETS = load_sheets(
            config["samples"],
            config["units"],
            load_schema(SCHEMAS / "samples.schema.yaml"),
            load_schema(SCHEMAS / "units.schema.yaml"),
            read_fastqs=FILES_ARE_LOCAL,
        )
        SHEETS = with_bam_units(SHEETS, config["reference"])
    else:
        # a BAM/CRAM row's units are its read groups: its header is read again, unchecked
        SHEETS = with_bam_units(
            read_checked_sheets(config["samples"], config["units"]),
            config["reference"],
            check=False,
        )
    if "share" in config and not FILES_ARE_LOCAL:
        raise InputError(sharing.NOT_IN_STORAGE)
    SHARE = (
        sharing.share_settings(config, workflow.basedir) if "share" in config else None
    )
    CONSENTS = (
        sharing.sheet_consents(SHEETS.samples, load_duo(SHARE["duo"])) if SHARE else {}
    )
except InputError as error:
    raise WorkflowError(
        f"concord input check failed (nothing was run):\n{error}"
    ) from None
except runlock.AnotherRun as error:
    raise WorkflowError(
        f"concord: this run was refused (nothing was run):\n{error}"
    ) from None


# Sheet ids by their syntax, not their list (concord.workflow_inputs.ID: a list would cost time
# in proportion to the sheet for every job); which ids exist is the input functions' business.
wildcard_constraints:
    sample=wi.ID,
    unit=wi.ID,
    patient=wi.ID,
    tumor=wi.PAIR_ID,
    normal=wi.PAIR_ID,
    chunk=r"\d+",
    kind="somatic|germline",
    which="|".join(wi.CONFORMANCE_SETS),
    env="|".join(versions.ENVIRONMENTS),


# the DNA-only and RNA-only rules' sample constraint: the id syntax too (no path of one kind of
# sample is the path of a rule of the other, so the rules stay unambiguous without a list); their
# input functions refuse a sample of the other assay (workflow_inputs.require_assay)
DNA_SAMPLE = wi.ID
RNA_SAMPLES = wi.rna_samples(SHEETS)
RNA_SAMPLE = wi.ID
N_CHUNKS = config["calling"]["chunks"]
HAS_PANEL = bool(config["panel"])
SHARE_PLAN = sharing.share_plan(SHEETS, CONSENTS, HAS_PANEL) if SHARE else None
# the workflow's own definition, as the share bundle describes it
WORKFLOW_FILES = [
    str(Path(workflow.basedir) / "Snakefile"),
    *sorted(str(p) for p in (Path(workflow.basedir) / "rules").glob("*.smk")),
    *sorted(str(p) for p in (Path(workflow.basedir) / "envs").glob("*.yaml")),
]
KIT = config.get("conformance", {}).get("kit")
CERTIFICATE_SETTINGS = {
    "gtf": config["annotation"]["gtf"],
    "tolerances": str(
        Path(workflow.basedir) / "resources" / "conformance" / "tolerances.yaml"
    ),
    "targets": config.get("conformance", {}).get("targets")
    or str(Path(workflow.basedir) / "resources" / "conformance" / "targets.yaml"),
    "expected": config.get("conformance", {}).get("expected"),
}


def workflow_script(name):
    """A stable path to a helper script run from a shell command (workflow.source_path() gives a
    new cache path per run, which would re-run the rule)."""
    return str(Path(workflow.basedir) / "scripts" / name)


def directory_of(name):
    """A param function: the directory of the job's input or output `name` (derived from the
    file itself, so it also holds where a storage provider stages files)."""

    def directory(wildcards, input, output):
        files = output if name in output.keys() else input
        return str(Path(files[name]).parent)

    return directory


def prefix_of(name, suffix):
    """A param function: the job's output `name` without `suffix` (a tool's output prefix)."""

    def prefix(wildcards, output):
        return output[name].removesuffix(suffix)

    return prefix


# The panel's exon coverage is a second mosdepth pass in the job of the whole-genome one (rule
# mosdepth): the same read filter, by the panel's coding exons, bases at >= 20, 50 and 100x
PANEL_DEPTH_INPUT = {"bed": paths.PANEL_EXONS_BED} if HAS_PANEL else {}
PANEL_DEPTH_OUTPUTS = (
    {"thresholds": paths.PANEL_THRESHOLDS, "regions": paths.PANEL_REGIONS}
    if HAS_PANEL
    else {}
)


def panel_depth(wildcards, input, output):
    """The panel pass's BED and output prefix for mosdepth ('' and '' without a panel)."""
    if not HAS_PANEL:
        return {"bed": "", "prefix": ""}
    return {"bed": input.bed, "prefix": output.regions.removesuffix(".regions.bed.gz")}


def reference_outputs():
    return [
        paths.REFERENCE_FAI,
        paths.REFERENCE_DICT,
        paths.CONTIG_DIGESTS,
        paths.ANNOTATION_CHECK,
    ]


def dna_sample_outputs():
    return wi.dna_sample_outputs(SHEETS)


def fastp_reports():
    return wi.fastp_reports(SHEETS)


def unit_fastqs(wildcards):
    fastqs = wi.unit_fastqs(SHEETS, wildcards.sample, wildcards.unit)
    # a conformance run reads no read before the kit is known intact
    return fastqs | ({"kit_check": paths.KIT_CHECK} if KIT else {})


def fastq_verdict(wildcards):
    return wi.fastq_verdict(SHEETS, wildcards.sample, wildcards.unit)


def unit_bam(wildcards):
    return wi.unit_bam(SHEETS, wildcards.sample, wildcards.unit)


def revert_selection(wildcards):
    return wi.revert_selection(SHEETS, wildcards.sample, wildcards.unit)


def read_group(wildcards):
    return wi.read_group(SHEETS, wildcards.sample, wildcards.unit, config["centre"])


def dna_unit_reads(wildcards):
    return wi.dna_unit_reads(SHEETS, wildcards.sample, wildcards.unit)


def sample_unit_bams(wildcards):
    return wi.sample_unit_bams(SHEETS, wildcards.sample)


def version_environments():
    return versions.version_environments(
        bool(RNA_SAMPLES), HAS_PANEL, SHARE is not None
    )


def tool_version_files(wildcards):
    return expand(paths.TOOL_VERSION, env=version_environments())


def tool_version_command(wildcards):
    return versions.version_command(wildcards.env)


def toolchain_pins(wildcards):
    return toolchain.pins()


def check_toolchain_before_any_job():
    """The onstart hook: every env a job of this run uses, asked for its versions the way the
    jobs will call the tools (in its conda env with --sdm conda), against the pins."""
    deployed_here = (
        SharedFSUsage.SOFTWARE_DEPLOYMENT in workflow.storage_settings.shared_fs_usage
    )
    if workflow.non_local_exec and not deployed_here:
        logger.warning(
            "concord: toolchain check skipped: the jobs' software is not deployed where this "
            "process runs; the versions are recorded by the jobs (software_versions.tsv)"
        )
        return
    with_conda = (
        DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
    )
    environments = {}
    for job in workflow.dag.needrun_jobs():
        spec = job.conda_env_spec
        if spec is not None and spec.is_file:
            env = Path(spec.file.get_path_or_uri(secret_free=True)).stem
            if env in versions.ENVIRONMENTS:
                environments.setdefault(env, job.conda_env if with_conda else None)
    texts = {
        env: ask_version(env, conda) for env, conda in sorted(environments.items())
    }
    rows, unreadable = versions.reported_versions(texts, SNAKEMAKE_VERSION)
    rows = versions.check_versions(rows, toolchain.pins())
    Path("logs/provenance").mkdir(parents=True, exist_ok=True)
    versions.write_versions(rows, "logs/provenance/toolchain_check.tsv")
    found = versions.differences(rows)
    if found and config["toolchain"]["mode"] == "harmonized":
        raise WorkflowError(versions.toolchain_error(found))
    if found:
        logger.warning(versions.toolchain_warning(found))


def ask_version(env, conda_env):
    """What env's version command prints, run as a job in that env would run it."""
    command = versions.version_command(env)
    if conda_env is not None:
        from snakemake.deployment.conda import Conda

        command = Conda().shellcmd(conda_env.address, command)
    asked = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, errors="replace"
    )
    return asked.stdout + asked.stderr


def pair_outputs():
    return wi.pair_outputs(SHEETS)


def pair_bams(wildcards):
    return wi.pair_bams(wildcards.tumor, wildcards.normal)


def pair_chunk_vcfs(wildcards):
    return wi.pair_chunk_vcfs(
        wildcards.patient, wildcards.tumor, wildcards.normal, N_CHUNKS
    )


def germline_evidence(wildcards):
    return wi.germline_evidence(SHEETS, wildcards.normal)


def somatic_provenance(wildcards):
    return wi.provenance_params(
        config, wildcards.patient, wildcards.tumor, wildcards.normal
    )


def germline_provenance(wildcards):
    return wi.provenance_params(config, wildcards.patient, None, wildcards.normal)


def panel_transcripts(wildcards):
    return [p["transcript"] for p in config["panel"]]


def brca_outputs():
    return wi.brca_outputs(SHEETS) if HAS_PANEL else []


def brca_report_inputs(wildcards):
    return wi.brca_report_inputs(
        SHEETS, wildcards.patient, config["annotation"].get("clinvar")
    )


def brca_report_params(wildcards):
    return wi.brca_report_params(config, SHEETS, wildcards.patient)


def expression_outputs():
    return wi.expression_outputs(SHEETS)


def rna_sample_fastqs(wildcards):
    return wi.rna_sample_fastqs(SHEETS, wildcards.sample)


def sample_quants(wildcards):
    return expand(paths.SAMPLE_QUANT, sample=RNA_SAMPLES)


def sample_quant_qcs(wildcards):
    return expand(paths.SAMPLE_QUANT_QC, sample=RNA_SAMPLES)


def conformance_outputs():
    return [paths.CERTIFICATE] if KIT else []


def conformance_source(wildcards):
    return wi.conformance_source(SHEETS, KIT, wildcards.patient, wildcards.which)


def kit_files(wildcards):
    return wi.kit_files(KIT)


def certificate_inputs(wildcards):
    return wi.certificate_inputs(SHEETS, KIT, HAS_PANEL, CERTIFICATE_SETTINGS)


def report_inputs(wildcards):
    return wi.report_inputs(SHEETS, HAS_PANEL, bool(KIT), SHARE is not None)


def report_section_outputs():
    return wi.report_section_outputs(SHEETS, HAS_PANEL, bool(KIT), SHARE is not None)


def report_units(wildcards):
    return sorted(set(SHEETS.units.index.get_level_values("unit_id")))


def share_outputs():
    return [*paths.SHARE_OUTPUTS.values(), paths.SHARE_SUMMARY] if SHARE else []


def share_inputs(wildcards):
    return sharing.share_inputs(SHARE_PLAN, SHARE, config, WORKFLOW_FILES)


def share_params(wildcards):
    return sharing.share_params(SHARE_PLAN, SHEETS, CONSENTS, SHARE, config)


def unit_source_files(wildcards):
    return sharing.unit_source_files(SHEETS, wildcards.sample, wildcards.unit)
