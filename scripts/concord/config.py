"""Run configuration: schema validation with messages naming the key; defaults from the schema."""

from __future__ import annotations

import os

import jsonschema

from concord.errors import InputError


def validate_config(config: dict, schema: dict, source: str) -> dict:
    """Raise InputError for the first schema violation; return the config with schema defaults."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        key = ".".join(str(p) for p in error.path) or "(top level)"
        if error.validator == "additionalProperties":
            allowed = ", ".join(error.schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            raise InputError(f"{source}: {key}: unknown key {unknown[0]!r} (allowed: {allowed})")
        raise InputError(f"{source}: {key}: {error.message}")
    return _with_defaults(config, schema)


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
