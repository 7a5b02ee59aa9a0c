"""Input functions' logic: which files a rule needs, from the validated sheets.

The rules call these through one-line wrappers in rules/common.smk, so they are testable
without a running workflow. Every path comes from concord.paths.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from concord import paths
from concord.chunks import chunk_ids
from concord.conformance import CERTIFICATE_MATRICES, CONFORMANCE_SETS
from concord.errors import InputError
from concord.samplesheet import PAIR_SEPARATOR, Pair, Sheets

# The wildcard constraints of sheet ids: their syntax (rules/schemas/*.schema.yaml), not their
# list. Snakemake writes a constraint into every path template of every rule and scans that text
# each time it fills a template in, so an alternation of the sheet's ids cost time in proportion
# to the sheet per job (the dry run's time grew with the square of the sheet). An id never holds
# '/', '.' or '{'; a pair's files are named "{tumor}_vs_{normal}", so the DNA ids of a pair may
# not contain "_vs_" (concord.samplesheet refuses them) and the split of such a name is unique.
ID = r"[A-Za-z0-9][A-Za-z0-9_-]*"
PAIR_ID = rf"[A-Za-z0-9](?:(?!{PAIR_SEPARATOR})[A-Za-z0-9_-])*"


@dataclass(frozen=True)
class SheetIndex:
    """The sheets' lookups that input functions make once per job, as dicts (built once per
    Sheets): a job's input function must not scan the sheet, or the DAG costs the square of it."""

    units: dict[tuple[str, str], dict[str, str]]  # (sample, unit) -> the unit's row
    sample_units: dict[str, list[str]]  # sample -> its unit ids, sheet order
    first_pair_of_patient: dict[str, Pair]
    first_pair_of_normal: dict[str, Pair]
    assay: dict[str, str]  # sample -> dna | rna


_INDEXES: dict[int, tuple[Sheets, SheetIndex]] = {}


def sheet_index(sheets: Sheets) -> SheetIndex:
    cached = _INDEXES.get(id(sheets))
    if cached is not None and cached[0] is sheets:
        return cached[1]
    units: dict[tuple[str, str], dict[str, str]] = {}
    sample_units: dict[str, list[str]] = {}
    for row in sheets.units.to_dict(orient="records"):
        units[(row["sample_id"], row["unit_id"])] = row
        sample_units.setdefault(row["sample_id"], []).append(row["unit_id"])
    by_patient: dict[str, Pair] = {}
    by_normal: dict[str, Pair] = {}
    for p in sheets.pairs:
        by_patient.setdefault(p.patient, p)
        by_normal.setdefault(p.normal, p)
    assay = dict(zip(sheets.samples["sample_id"], sheets.samples["assay"], strict=True))
    index = SheetIndex(units, sample_units, by_patient, by_normal, assay)
    _INDEXES[id(sheets)] = (sheets, index)
    return index


def unit_row(sheets: Sheets, sample: str, unit: str) -> dict[str, str]:
    return sheet_index(sheets).units[(sample, unit)]


def require_assay(sheets: Sheets, sample: str, assay: str, why: str) -> None:
    """Refuse a job for a sample of the other assay (a target asked for by hand: the wildcard
    constraints are the id syntax, so they cannot tell a DNA sample from an RNA one)."""
    found = sheet_index(sheets).assay.get(sample)
    if found != assay:
        article = "an" if found == "rna" else "a"
        what = f"{article} {found.upper()} sample" if found else "not in the sample sheet"
        raise InputError(f"sample {sample!r} is {what}: {why}")


def keyed(template: str, wildcard: str, values: Iterable[str]) -> dict[str, str]:
    """{value: template filled with wildcard=value}, in the order given."""
    return {v: paths.fill(template, **{wildcard: v}) for v in values}


def dna_samples(sheets: Sheets) -> list[str]:
    s = sheets.samples
    return list(s.loc[s["assay"] == "dna", "sample_id"])


def rna_samples(sheets: Sheets) -> list[str]:
    s = sheets.samples
    return list(s.loc[s["assay"] == "rna", "sample_id"])


def dna_sample_outputs(sheets: Sheets) -> list[str]:
    templates = (paths.BAM, paths.BAI, paths.SAMTOOLS_STATS, paths.FLAGSTAT, paths.MOSDEPTH_SUMMARY)
    return [t.format(sample=s) for s in dna_samples(sheets) for t in templates]


def fastp_reports(sheets: Sheets) -> list[str]:
    return [paths.FASTP_JSON.format(sample=s, unit=u) for s, u in sheets.units.index]


def unit_fastqs(sheets: Sheets, sample: str, unit: str) -> dict[str, str]:
    """The unit's reads for trimming: its FASTQs, or those reverted from its BAM/CRAM."""
    row = unit_row(sheets, sample, unit)
    if row["bam"]:
        return {
            "r1": paths.REVERTED_R1.format(sample=sample, unit=unit),
            "r2": paths.REVERTED_R2.format(sample=sample, unit=unit),
        }
    return {"r1": row["fastq_1"], "r2": row["fastq_2"]}


def fastq_verdict(sheets: Sheets, sample: str, unit: str) -> list[str]:
    """The content check's verdict on a FASTQ unit's files (none for a BAM/CRAM unit, whose
    FASTQs samtools writes from a file whose header and first reads were checked)."""
    if unit_row(sheets, sample, unit)["bam"]:
        return []
    return [paths.FASTQ_CHECK.format(sample=sample, unit=unit)]


def unit_bam(sheets: Sheets, sample: str, unit: str) -> str:
    bam = unit_row(sheets, sample, unit)["bam"]
    if not bam:
        raise InputError(f"unit {unit!r} of sample {sample!r} is FASTQ: nothing to revert")
    return bam


def revert_selection(sheets: Sheets, sample: str, unit: str) -> str:
    """samtools view's option selecting the unit's read group ('' when the unit is the whole
    file), quoted for the shell."""
    group = unit_row(sheets, sample, unit).get("read_group")
    return f"-r {shlex.quote(group)}" if group else ""


def read_group(sheets: Sheets, sample: str, unit: str, centre: str) -> str:
    """The @RG line for bwa (tabs written as \\t, as bwa -R expects)."""
    row = unit_row(sheets, sample, unit)
    library = row.get("library_id") or sample
    platform_unit = (
        ".".join(x for x in (row.get("flowcell"), row.get("lane")) if x)
        or row.get("platform_unit")
        or unit
    )
    fields = [
        f"ID:{sample}.{unit}",
        f"SM:{sample}",
        f"LB:{library}",
        f"PU:{platform_unit}",
        f"PL:{row['platform']}",
        f"CN:{centre}",
    ]
    return "@RG\\t" + "\\t".join(fields)


def _sample_units(sheets: Sheets, sample: str) -> list[str]:
    return sheet_index(sheets).sample_units[sample]


def dna_unit_reads(sheets: Sheets, sample: str, unit: str) -> dict[str, str]:
    """The trimmed reads bwa mem aligns: DNA units only."""
    require_assay(sheets, sample, "dna", "only DNA samples are aligned (bwa mem)")
    return {
        "r1": paths.TRIMMED_R1.format(sample=sample, unit=unit),
        "r2": paths.TRIMMED_R2.format(sample=sample, unit=unit),
    }


def sample_unit_bams(sheets: Sheets, sample: str) -> list[str]:
    require_assay(sheets, sample, "dna", "only DNA samples are aligned (bwa mem)")
    return [paths.UNIT_BAM.format(sample=sample, unit=u) for u in _sample_units(sheets, sample)]


def rna_sample_fastqs(sheets: Sheets, sample: str) -> dict[str, list[str]]:
    """The trimmed reads of every unit of the sample, in sheet order (salmon reads them as one)."""
    require_assay(sheets, sample, "rna", "only RNA samples are quantified (salmon)")
    units = _sample_units(sheets, sample)
    return {
        "r1": [paths.TRIMMED_R1.format(sample=sample, unit=u) for u in units],
        "r2": [paths.TRIMMED_R2.format(sample=sample, unit=u) for u in units],
    }


# --- pairs and calling --------------------------------------------------------------------------


def calling_chunks(n_chunks: int) -> list[str]:
    return [paths.CALLING_CHUNK.format(n_chunks=n_chunks, chunk=c) for c in chunk_ids(n_chunks)]


def _first_pairs(sheets: Sheets, key: str) -> list[Pair]:
    """The first pair (sheet order) for each value of the pair field `key`."""
    first = {}
    for p in sheets.pairs:
        first.setdefault(getattr(p, key), p)
    return list(first.values())


def germline_pairs(sheets: Sheets) -> list[Pair]:
    """The first pair of each normal (sheet order): its joint call gives the normal's genotypes."""
    return _first_pairs(sheets, "normal")


def first_pair_per_patient(sheets: Sheets) -> list[Pair]:
    return _first_pairs(sheets, "patient")


def _first_pair(sheets: Sheets, patient: str) -> Pair:
    return sheet_index(sheets).first_pair_of_patient[patient]


def pair_path(template: str, pair: Pair) -> str:
    return template.format(patient=pair.patient, tumor=pair.tumor, normal=pair.normal)


def pair_outputs(sheets: Sheets) -> list[str]:
    somatic = (paths.SOMATIC_VCF, paths.SOMATIC_TBI, paths.SOMATIC_VALIDATION)
    germline = (paths.GERMLINE_VCF, paths.GERMLINE_TBI, paths.GERMLINE_VALIDATION)
    out = [pair_path(t, p) for p in sheets.pairs for t in somatic]
    return out + [pair_path(t, p) for p in germline_pairs(sheets) for t in germline]


def pair_bams(tumor: str, normal: str) -> dict[str, str]:
    return {
        "tumor": paths.BAM.format(sample=tumor),
        "tumor_bai": paths.BAI.format(sample=tumor),
        "normal": paths.BAM.format(sample=normal),
        "normal_bai": paths.BAI.format(sample=normal),
    }


def pair_chunk_vcfs(patient: str, tumor: str, normal: str, n_chunks: int) -> list[str]:
    return [
        paths.CHUNK_VCF.format(patient=patient, tumor=tumor, normal=normal, chunk=c)
        for c in chunk_ids(n_chunks)
    ]


def germline_evidence(sheets: Sheets, normal: str) -> dict[str, str]:
    """The fragment evidence of the normal's first pair: its germline genotypes."""
    pair = sheet_index(sheets).first_pair_of_normal[normal]
    return {"evidence": pair_path(paths.FRAGMENT_EVIDENCE, pair)}


def provenance_params(config: dict, patient: str, tumor: str | None, normal: str) -> dict:
    """Plain values for the VCF header: sample names and the run's identity, never paths."""
    samples = {"NORMAL": [normal, patient, "normal"]}
    if tumor is not None:
        samples["TUMOR"] = [tumor, patient, "tumor"]
    return {
        "centre": config["centre"],
        "assembly": config["reference"]["assembly"],
        "samples": samples,
    }


# --- panel (BRCA1/2) --------------------------------------------------------------------------


def brca_outputs(sheets: Sheets) -> list[str]:
    patients = [p.patient for p in first_pair_per_patient(sheets)]
    return [t.format(patient=p) for p in patients for t in paths.BRCA_OUTPUTS.values()]


def brca_report_inputs(sheets: Sheets, patient: str, clinvar: str | None) -> dict[str, str]:
    """The patient's first tumour/normal pair: its somatic VCF, the normal's germline VCF."""
    p = _first_pair(sheets, patient)
    inputs = {
        "somatic": pair_path(paths.SOMATIC_VCF, p),
        "somatic_valid": pair_path(paths.SOMATIC_VALIDATION, p),
        "germline": pair_path(paths.GERMLINE_VCF, p),
        "germline_valid": pair_path(paths.GERMLINE_VALIDATION, p),
        "tumor_thresholds": paths.PANEL_THRESHOLDS.format(sample=p.tumor),
        "normal_thresholds": paths.PANEL_THRESHOLDS.format(sample=p.normal),
    }
    if clinvar:
        inputs["clinvar"] = clinvar
    return inputs


def brca_report_params(config: dict, sheets: Sheets, patient: str) -> dict:
    p = _first_pair(sheets, patient)
    return {
        "patient": patient,
        "tumor": p.tumor,
        "normal": p.normal,
        "panel": config["panel"],
        "accessions": config["reference"].get("accessions", {}),
        "min_depth": config["brca"]["min_depth"],
        "min_fraction": config["brca"]["min_fraction"],
    }


# --- expression -------------------------------------------------------------------------------


def expression_outputs(sheets: Sheets) -> list[str]:
    if not rna_samples(sheets):
        return []
    return [*paths.EXPRESSION_MATRICES.values(), paths.EXPRESSION_QC]


# --- conformance ------------------------------------------------------------------------------


def kit_truth(kit: str, patient: str, which: str) -> Path:
    kind = which.removeprefix("truth_")
    return Path(kit) / "truth" / f"{patient}.{kind}.vcf.gz"


def conformance_patients(sheets: Sheets, kit: str) -> list[str]:
    """Patients of the run that have somatic truth in the kit, sheet order."""
    return [
        p.patient
        for p in first_pair_per_patient(sheets)
        if kit_truth(kit, p.patient, "truth_somatic").is_file()
    ]


def conformance_source(sheets: Sheets, kit: str, patient: str, which: str) -> str:
    """The VCF that conformance_normalize normalizes for (patient, which)."""
    if which == "calls":
        return pair_path(paths.SOMATIC_VCF, _first_pair(sheets, patient))
    return str(kit_truth(kit, patient, which))


def equivalence_outputs(sheets: Sheets, panel: bool) -> list[str]:
    """The standardized outputs a certificate compares with the network's reference digests:
    per patient (first pair) the somatic and germline VCFs, the BRCA tables and coverage
    verdicts; the expression matrices and their QC."""
    out = []
    for p in first_pair_per_patient(sheets):
        out += [pair_path(paths.SOMATIC_VCF, p), pair_path(paths.GERMLINE_VCF, p)]
        if panel:
            out += [
                paths.BRCA_OUTPUTS[k].format(patient=p.patient) for k in ("variants", "coverage")
            ]
    if rna_samples(sheets):
        out += [*paths.EXPRESSION_MATRICES.values(), paths.EXPRESSION_QC]
    return out


def kit_files(kit: str) -> list[str]:
    """Every file the kit's SHA256SUMS lists, and SHA256SUMS itself (the kit check's inputs)."""
    from concord.kit_integrity import CHECKSUMS

    checksums = Path(kit) / CHECKSUMS
    if not checksums.is_file():
        return []
    names = [line.partition("  ")[2].strip() for line in checksums.read_text().splitlines()]
    return [str(checksums)] + [str(Path(kit) / n) for n in names if n]


def certificate_inputs(
    sheets: Sheets, kit: str, panel: bool, settings: dict
) -> dict[str, str | list[str]]:
    """Named inputs of the certificate: the kit check, the reference identity, the versions that
    ran, the outputs compared for equivalence, and the truth and calls scored for accuracy."""
    kit_dir = Path(kit)
    patients = conformance_patients(sheets, kit)
    if sheets.pairs and not patients:
        raise InputError(f"{kit_dir / 'truth'}: no somatic truth for any patient of this run")
    inputs: dict[str, str | list[str]] = {
        "kit_check": paths.KIT_CHECK,
        "confident": str(kit_dir / "truth" / "confident.bed"),
        "run_contigs": paths.CONTIG_DIGESTS,
        "versions": paths.SOFTWARE_VERSIONS,
        "ref": paths.REFERENCE,
        "fai": paths.REFERENCE_FAI,
        "gtf": settings["gtf"],
        "tolerances": settings["tolerances"],
        "targets": settings["targets"],
        "outputs": equivalence_outputs(sheets, panel),
    }
    if (kit_dir / "reference" / "contigs.tsv").is_file():
        inputs["kit_contigs"] = str(kit_dir / "reference" / "contigs.tsv")
    if settings.get("expected"):
        inputs["expected"] = settings["expected"]
    for which in CONFORMANCE_SETS:
        inputs[which] = [
            paths.CONFORMANCE_SITES.format(patient=p, which=which)
            for p in patients
            if which != "truth_germline" or kit_truth(kit, p, which).is_file()
        ]
    truth = {
        "truth_genes_tsv": kit_dir / "truth" / "expression.genes.tsv",
        "truth_tx_tsv": kit_dir / "truth" / "expression.transcripts.tsv",
    }
    if rna_samples(sheets) and all(t.is_file() for t in truth.values()):
        inputs |= {key: str(t) for key, t in truth.items()}
        inputs |= {key: paths.EXPRESSION_MATRICES[key] for key in CERTIFICATE_MATRICES}
    return inputs


# --- the report -------------------------------------------------------------------------------


def bcftools_stats_files(sheets: Sheets) -> list[str]:
    somatic = paths.fill(paths.BCFTOOLS_STATS, kind="somatic", name=paths.SOMATIC_NAME)
    germline = paths.fill(paths.BCFTOOLS_STATS, kind="germline", name=paths.GERMLINE_NAME)
    return [pair_path(somatic, p) for p in sheets.pairs] + [
        pair_path(germline, p) for p in germline_pairs(sheets)
    ]


def report_inputs(
    sheets: Sheets, panel: bool, conformance: bool, share: bool = False
) -> dict[str, list[str]]:
    """Every file the report reads, by kind: MultiQC gets exactly these, nothing scanned."""
    dna, rna = dna_samples(sheets), rna_samples(sheets)
    patients = [p.patient for p in first_pair_per_patient(sheets)] if panel else []
    mosdepth = (paths.MOSDEPTH_SUMMARY, paths.MOSDEPTH_DIST)
    salmon = [paths.SALMON_OUTPUTS[name] for name in ("meta", "lib", "flen")]
    return {
        "fastp": fastp_reports(sheets),
        "samtools_stats": [paths.SAMTOOLS_STATS.format(sample=s) for s in dna],
        "flagstat": [paths.FLAGSTAT.format(sample=s) for s in dna],
        "markdup": [paths.MARKDUP_STATS.format(sample=s) for s in dna],
        "mosdepth": [t.format(sample=s) for s in dna for t in mosdepth],
        "bcftools_stats": bcftools_stats_files(sheets),
        "salmon": [t.format(sample=s) for s in rna for t in salmon],
        "panel_depth": [paths.PANEL_REGIONS.format(sample=s) for s in dna] if panel else [],
        "somatic_vcf": [pair_path(paths.SOMATIC_VCF, p) for p in sheets.pairs],
        "identity": [pair_path(paths.IDENTITY, p) for p in sheets.pairs],
        "brca_variants": [paths.BRCA_OUTPUTS["variants"].format(patient=p) for p in patients],
        "brca_coverage": [paths.BRCA_OUTPUTS["coverage"].format(patient=p) for p in patients],
        "expression_qc": [paths.EXPRESSION_QC] if rna else [],
        "certificate": [paths.CERTIFICATE] if conformance else [],
        "share_summary": [paths.SHARE_SUMMARY] if share else [],
    }  # fmt: skip


REPORT_SECTIONS = (
    "verdicts", "thresholds", "identity", "somatic_summary", "somatic_vaf", "brca_findings",
    "brca_coverage", "expression_qc", "conformance", "accuracy", "sharing",
)  # fmt: skip


def report_sections(
    sheets: Sheets, panel: bool, conformance: bool, share: bool = False
) -> list[str]:
    """The names of the report's own sections this run has."""
    left_out = set() if share else {"sharing"}
    if not conformance:
        left_out |= {"conformance", "accuracy"}
    if not rna_samples(sheets):
        left_out.add("expression_qc")
    if not panel:
        left_out |= {"brca_findings", "brca_coverage"}
    return [s for s in REPORT_SECTIONS if s not in left_out]


def report_section_outputs(
    sheets: Sheets, panel: bool, conformance: bool, share: bool = False
) -> dict[str, str]:
    """{section: its custom-content file}, for the rule's named outputs."""
    sections = report_sections(sheets, panel, conformance, share)
    return keyed(paths.REPORT_SECTION, "section", sections)


def report_samples(sheets: Sheets) -> list[dict]:
    """Sample, patient, role and assay of every sample, sheet order (plain values for params)."""
    s = sheets.samples
    return [
        {"sample": r.sample_id, "patient": r.patient_id, "role": r.role, "assay": r.assay}
        for r in s.itertuples()
    ]


def report_pairs(sheets: Sheets) -> list[dict]:
    return [{"patient": p.patient, "tumor": p.tumor, "normal": p.normal} for p in sheets.pairs]
