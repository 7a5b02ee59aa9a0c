"""Run configuration: schema validation with messages naming the key; defaults from the schema."""

from __future__ import annotations

import difflib
import os

import jsonschema

from concord.chunks import check_chunk_count
from concord.errors import InputError
from concord.reference import check_fai, check_gtf, check_vcf_on_reference, contig_lengths
from concord.resources import check_reference_memory


def validate_config(config: dict, schema: dict, source: str) -> dict:
    """Raise InputError for the first schema violation; return the config with schema defaults."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        key = ".".join(str(p) for p in error.path) or "(top level)"
        if error.validator == "additionalProperties":
            known = list(error.schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(known))
            near = difflib.get_close_matches(unknown[0], known, 1, 0.6)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise InputError(
                f"{source}: {key}: unknown key {unknown[0]!r} ({hint}allowed: {', '.join(known)})"
            )
        if error.validator in ("minimum", "maximum"):
            raise InputError(
                f"{source}: {key}: {error.instance!r} is out of range ({_range(error.schema)})"
            )
        raise InputError(f"{source}: {key}: {error.message}")
    return _with_defaults(config, schema)


def _range(schema: dict) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _with_defaults(value, schema):
    if isinstance(value, dict) and "properties" in schema:
        out = dict(value)
        for name, sub in schema["properties"].items():
            if name not in out and "default" in sub:
                out[name] = sub["default"]
            if name in out:
                out[name] = _with_defaults(out[name], sub)
        return out
    return value


def check_paths_exist(config: dict, source: str) -> None:
    """Every configured input file must exist before anything runs."""
    reference = config["reference"]
    paths = {
        "samples": config["samples"],
        "units": config["units"],
        "reference.fasta": reference["fasta"],
        "annotation.gtf": config["annotation"]["gtf"],
    }
    if "clinvar" in config["annotation"]:
        paths["annotation.clinvar"] = config["annotation"]["clinvar"]
    for key in ("fai", "dict"):
        if key in reference:
            paths[f"reference.{key}"] = reference[key]
    if "bwa_index" in reference:
        for ext in ("amb", "ann", "bwt", "pac", "sa"):
            paths[f"reference.bwa_index (.{ext})"] = f"{reference['bwa_index']}.{ext}"
    for key, path in paths.items():
        if not os.path.isfile(path):
            raise InputError(f"{source}: {key}: file {path} does not exist")


def check_configured_files(
    config: dict, source: str, memory_limit: tuple[int, str] | None = None
) -> None:
    """What the main process checks of the configured files before any job: they exist, the
    FASTA index matches the FASTA, the FASTA's contig names are unique, calling.chunks fits the
    genome, bwa fits the reference into `memory_limit` (resources.run_memory_limit), the GTF
    and the ClinVar VCF are on the reference's contig names (and ClinVar on its build), and
    every panel transcript is in the GTF, of the configured gene."""
    check_paths_exist(config, source)
    reference = config["reference"]
    fasta, fai = reference["fasta"], reference.get("fai")
    check_fai(fasta, fai)
    lengths = contig_lengths(fasta, fai)
    check_chunk_count(config["calling"]["chunks"], lengths, fasta, source)
    build_index = "bwa_index" not in reference
    check_reference_memory(sum(lengths.values()), build_index, memory_limit, fasta, source)
    genes = {p["transcript"]: p["gene"] for p in config["panel"]}
    check_gtf(
        config["annotation"]["gtf"], fasta, transcript_ids=list(genes), known=lengths, genes=genes
    )
    if "clinvar" in config["annotation"]:
        check_vcf_on_reference(
            config["annotation"]["clinvar"],
            fasta,
            fai,
            f"the ClinVar VCF ({source} annotation.clinvar)",
        )
