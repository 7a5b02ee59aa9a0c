"""What may leave the centre: the plan of the share bundle, decided before any job.

A sample enters the bundle only when its sheet row says `consent_share yes`. A file that holds
the data of several samples enters only when every one of them may be shared (a somatic VCF
holds its tumour and its normal, a patient's BRCA tables both), except the expression matrices
and their QC, whose columns and rows of other samples are dropped. The share job reads only the
files of this plan, so data of a sample without sharing consent never reach it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from concord import paths
from concord import workflow_inputs as wi
from concord.consent import Consent, Term, parse_consent
from concord.errors import InputError
from concord.pseudonym import check_key_file
from concord.samplesheet import Pair, Sheets, row_line

# cBioPortal knows these genomes; an assembly named otherwise needs share.cbioportal_genome
CBIOPORTAL_GENOMES = {"GRCh38": "hg38", "hg38": "hg38", "GRCh37": "hg19", "hg19": "hg19"}
# the sheet's columns that may travel: never ids, free text (description) or LIMS (meta_)
SHARED_SAMPLE_FIELDS = ("role", "assay", "tissue", "sex", "tumor_content")


# a run whose files are in a storage provider (no shared filesystem) makes no share bundle
NOT_IN_STORAGE = (
    "config share: a share bundle is made on the centre's own machine, where its key is; a run "
    "with a default storage provider (--default-storage-provider) has neither the key nor the "
    "workflow's files in storage: remove the share section from this run's config and make the "
    "bundle at the centre (make share)"
)


def share_settings(config: dict, checkout: str | Path) -> dict:
    """The share section with the key path expanded (`~`), the key file checked (without
    reading it) and cBioPortal's genome resolved from the assembly when not configured."""
    share = dict(config["share"])
    share["key"] = os.path.expanduser(share["key"])
    share["duo"] = os.path.expanduser(share["duo"])
    if not os.path.isfile(share["duo"]):
        raise InputError(f"config share.duo: file {share['duo']} does not exist")
    check_key_file(share["key"], checkout)
    assembly = config["reference"]["assembly"]
    if "cbioportal_genome" not in share:
        if assembly not in CBIOPORTAL_GENOMES:
            raise InputError(
                f"config share.cbioportal_genome: needed, cBioPortal does not know the assembly "
                f"{assembly!r} (reference.assembly); set hg38 or hg19"
            )
        share["cbioportal_genome"] = CBIOPORTAL_GENOMES[assembly]
    return share


@dataclass
class SharePlan:
    """Which samples, pairs and patients the bundle holds, in sheet order."""

    shared: list[str]
    excluded: list[str]
    pairs: list[Pair]  # tumour and normal both shared: somatic VCF, MAF
    germline: list[Pair]  # the normal's first pair, normal shared: germline VCF
    brca_patients: list[str]  # the patient's first pair shared: BRCA tables
    rna: list[str]  # shared RNA samples: expression columns
    has_expression: bool  # the run made expression matrices at all
    units: dict[str, list[str]] = field(default_factory=dict)  # shared sample -> unit ids


def share_plan(sheets: Sheets, consents: dict[str, Consent], panel: bool) -> SharePlan:
    samples = list(sheets.samples["sample_id"])
    shared = [s for s in samples if consents[s].share]
    ok = set(shared)
    pairs = [p for p in sheets.pairs if p.tumor in ok and p.normal in ok]
    germline = [p for p in wi.germline_pairs(sheets) if p.normal in ok]
    first = wi.first_pair_per_patient(sheets)
    brca = [p.patient for p in first if panel and p.tumor in ok and p.normal in ok]
    rna = [s for s in wi.rna_samples(sheets) if s in ok]
    sample_units = wi.sheet_index(sheets).sample_units
    units = {s: list(sample_units[s]) for s in shared}
    return SharePlan(
        shared=shared,
        excluded=[s for s in samples if s not in ok],
        pairs=pairs,
        germline=germline,
        brca_patients=brca,
        rna=rna,
        has_expression=bool(wi.rna_samples(sheets)),
        units=units,
    )


def share_inputs(plan: SharePlan, settings: dict, config: dict, workflow_files: list[str]):
    """Named inputs of the share job: exactly the files of the plan, and the run's identity."""
    inputs = {
        "key": settings["key"],
        "duo": settings["duo"],
        "contigs": paths.CONTIG_DIGESTS,
        "versions": paths.SOFTWARE_VERSIONS,
        "ref": paths.REFERENCE,
        "fai": paths.REFERENCE_FAI,
        "gtf": config["annotation"]["gtf"],
        "somatic": [wi.pair_path(paths.SOMATIC_VCF, p) for p in plan.pairs],
        "somatic_valid": [wi.pair_path(paths.SOMATIC_VALIDATION, p) for p in plan.pairs],
        "germline": [wi.pair_path(paths.GERMLINE_VCF, p) for p in plan.germline],
        "germline_valid": [wi.pair_path(paths.GERMLINE_VALIDATION, p) for p in plan.germline],
        "brca": [
            paths.BRCA_OUTPUTS[k].format(patient=p)
            for p in plan.brca_patients
            for k in ("variants", "coverage")
        ],
        "expression": (
            [*paths.EXPRESSION_MATRICES.values(), paths.EXPRESSION_QC]
            if plan.has_expression
            else []
        ),
        "checksums": [
            paths.INPUT_CHECKSUMS.format(sample=s, unit=u)
            for s, units in plan.units.items()
            for u in units
        ],
        "workflow": workflow_files,
    }
    if config["annotation"].get("clinvar"):
        inputs["clinvar"] = config["annotation"]["clinvar"]
    if config.get("conformance", {}).get("kit"):
        inputs["certificate"] = paths.CERTIFICATE  # its verdict travels in bundle.json
    return inputs


def share_params(
    plan: SharePlan, sheets: Sheets, consents: dict[str, Consent], settings: dict, config: dict
) -> dict:
    """Plain values for the share job: the run's identity, every sample with its consent (the
    job writes the local id -> pseudonym table and counts the exclusions), the plan."""
    s = sheets.samples
    samples = []
    for row in s.to_dict(orient="records"):
        sample = row["sample_id"]
        samples.append(
            {
                "sample": sample,
                "patient": row["patient_id"],
                **{k: row.get(k, "") for k in SHARED_SAMPLE_FIELDS},
                "consent": consents[sample].as_dict(),
                "consent_summary": consents[sample].summary(),
            }
        )
    return {
        "centre": config["centre"],
        "assembly": config["reference"]["assembly"],
        "cancer_type": settings["cancer_type"],
        "cbioportal_genome": settings["cbioportal_genome"],
        "samples": samples,
        "excluded": plan.excluded,
        "pairs": [{"patient": p.patient, "tumor": p.tumor, "normal": p.normal} for p in plan.pairs],
        "germline": [{"patient": p.patient, "normal": p.normal} for p in plan.germline],
        "brca_patients": plan.brca_patients,
        "rna": plan.rna,
        "units": plan.units,
    }


def unit_source_files(sheets: Sheets, sample: str, unit: str) -> dict[str, str]:
    """The files a unit's reads came in: its FASTQ pair, or its BAM/CRAM."""
    row = wi.unit_row(sheets, sample, unit)
    if row["bam"]:
        return {"bam": row["bam"]}
    return {"r1": row["fastq_1"], "r2": row["fastq_2"]}


def sheet_consents(samples: pd.DataFrame, duo: dict[str, Term]) -> dict[str, Consent]:
    """{sample_id: Consent} for every row of the sheet (sheet order); a sheet without consent
    columns shares nothing."""
    path = samples.attrs.get("path", "samples")
    consents = {}
    for i, row in enumerate(samples.to_dict(orient="records")):
        line = row_line(samples, i)

        def where(column, line=line):
            return f"{path}: line {line}, column {column!r}"

        consents[row["sample_id"]] = parse_consent(row, duo, where)
    return consents
