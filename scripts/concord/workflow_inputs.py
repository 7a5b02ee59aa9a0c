"""Input functions' logic: which files a rule needs, from the validated sheets.

The rules call these through one-line wrappers in rules/common.smk, so they are testable
without a running workflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from concord.samplesheet import Sheets

ALIGN = "results/align/{sample}/{sample}.bam"
SAMTOOLS_STATS = "results/qc/samtools/{sample}/{sample}.stats.txt"
FLAGSTAT = "results/qc/samtools/{sample}/{sample}.flagstat.txt"
MOSDEPTH = "results/qc/mosdepth/{sample}/{sample}.mosdepth.{kind}.txt"


def alternation(values: Iterable[str]) -> str:
    """A wildcard constraint that matches exactly the given ids."""
    return "|".join(re.escape(v) for v in sorted(set(values), key=lambda v: (-len(v), v)))


def dna_samples(sheets: Sheets) -> list[str]:
    s = sheets.samples
    return list(s.loc[s["assay"] == "dna", "sample_id"])


def dna_sample_outputs(sheets: Sheets) -> list[str]:
    out = []
    for sample in dna_samples(sheets):
        out += [
            ALIGN.format(sample=sample),
            ALIGN.format(sample=sample) + ".bai",
            SAMTOOLS_STATS.format(sample=sample),
            FLAGSTAT.format(sample=sample),
            MOSDEPTH.format(sample=sample, kind="summary"),
        ]
    return out


def fastp_reports(sheets: Sheets) -> list[str]:
    return [f"results/qc/fastp/{sample}/{unit}.fastp.json" for sample, unit in sheets.units.index]


def unit_fastqs(sheets: Sheets, sample: str, unit: str) -> dict[str, str]:
    row = sheets.units.loc[(sample, unit)]
    return {"r1": row["fastq_1"], "r2": row["fastq_2"]}


def read_group(sheets: Sheets, sample: str, unit: str, centre: str) -> str:
    """The @RG line for bwa (tabs written as \\t, as bwa -R expects)."""
    row = sheets.units.loc[(sample, unit)]
    library = row.get("library_id") or sample
    platform_unit = ".".join(x for x in (row.get("flowcell"), row.get("lane")) if x) or unit
    fields = [
        f"ID:{sample}.{unit}",
        f"SM:{sample}",
        f"LB:{library}",
        f"PU:{platform_unit}",
        f"PL:{row['platform']}",
        f"CN:{centre}",
    ]
    return "@RG\\t" + "\\t".join(fields)


def sample_unit_bams(sheets: Sheets, sample: str) -> list[str]:
    units = sheets.units.loc[sheets.units["sample_id"] == sample, "unit_id"]
    return [f"results/align/{sample}/units/{unit}.bam" for unit in units]


SOMATIC = "results/somatic/{patient}/{tumor}_vs_{normal}.somatic"
GERMLINE = "results/germline/{patient}/{normal}.germline"


def chunk_ids(n: int) -> list[str]:
    return [f"{i:03d}" for i in range(n)]


def pair_outputs(sheets: Sheets) -> list[str]:
    out = []
    for p in sheets.pairs:
        somatic = somatic_prefix(p)
        out += [f"{somatic}.vcf.gz", f"{somatic}.vcf.gz.tbi", f"{somatic}.validation.txt"]
    for p in germline_pairs(sheets):
        germline = GERMLINE.format(patient=p.patient, normal=p.normal)
        out += [f"{germline}.vcf.gz", f"{germline}.vcf.gz.tbi", f"{germline}.validation.txt"]
    return out


def _first_pairs(sheets: Sheets, key: str) -> list:
    """The first pair (sheet order) for each value of the pair field `key`."""
    first = {}
    for p in sheets.pairs:
        first.setdefault(getattr(p, key), p)
    return list(first.values())


def germline_pairs(sheets: Sheets) -> list:
    """The first pair of each normal (sheet order): its joint call gives the normal's genotypes."""
    return _first_pairs(sheets, "normal")


def pair_bams(tumor: str, normal: str) -> dict[str, str]:
    return {
        "tumor": ALIGN.format(sample=tumor),
        "tumor_bai": ALIGN.format(sample=tumor) + ".bai",
        "normal": ALIGN.format(sample=normal),
        "normal_bai": ALIGN.format(sample=normal) + ".bai",
    }


def pair_chunk_vcfs(wildcards, n_chunks: int) -> list[str]:
    return [
        f"results/somatic/{wildcards.patient}/chunks/"
        f"{wildcards.tumor}_vs_{wildcards.normal}.chunk{chunk}.vcf"
        for chunk in chunk_ids(n_chunks)
    ]


def germline_joint_call(sheets: Sheets, normal: str) -> str:
    p = next(p for p in germline_pairs(sheets) if p.normal == normal)
    return f"results/somatic/{p.patient}/{p.tumor}_vs_{p.normal}.joint.vcf.gz"


def provenance_params(config: dict, sheets: Sheets, patient: str, tumor, normal: str) -> dict:
    """Plain values for the VCF header: sample names and the run's identity, never paths."""
    samples = {"NORMAL": [normal, patient, "normal"]}
    if tumor is not None:
        samples["TUMOR"] = [tumor, patient, "tumor"]
    return {
        "centre": config["centre"],
        "assembly": config["reference"]["assembly"],
        "samples": samples,
    }


def somatic_prefix(pair) -> str:
    return SOMATIC.format(patient=pair.patient, tumor=pair.tumor, normal=pair.normal)


def first_pair_per_patient(sheets: Sheets) -> list:
    return _first_pairs(sheets, "patient")


def brca_outputs(sheets: Sheets) -> list[str]:
    out = []
    for p in first_pair_per_patient(sheets):
        base = f"results/brca/{p.patient}/{p.patient}"
        out += [f"{base}.brca.tsv", f"{base}.brca_coverage.tsv", f"{base}.brca.json"]
        out += [f"{base}.brca.vcf.gz", f"{base}.brca.vcf.gz.tbi"]
    return out


def _first_pair(sheets: Sheets, patient: str):
    return next(p for p in first_pair_per_patient(sheets) if p.patient == patient)


def brca_report_inputs(sheets: Sheets, patient: str, clinvar: str | None) -> dict[str, str]:
    """The patient's first tumour/normal pair: its somatic VCF, the normal's germline VCF."""
    p = _first_pair(sheets, patient)
    inputs = {
        "somatic": f"{somatic_prefix(p)}.vcf.gz",
        "somatic_valid": f"{somatic_prefix(p)}.validation.txt",
        "germline": GERMLINE.format(patient=p.patient, normal=p.normal) + ".vcf.gz",
        "germline_valid": GERMLINE.format(patient=p.patient, normal=p.normal) + ".validation.txt",
        "tumor_thresholds": f"results/brca/coverage/{p.tumor}/{p.tumor}.thresholds.bed.gz",
        "normal_thresholds": f"results/brca/coverage/{p.normal}/{p.normal}.thresholds.bed.gz",
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


EXPRESSION_OUTPUTS = [
    "results/expression/genes.counts.tsv",
    "results/expression/genes.tpm.tsv",
    "results/expression/genes.length_scaled_counts.tsv",
    "results/expression/transcripts.counts.tsv",
    "results/expression/transcripts.tpm.tsv",
    "results/expression/qc.tsv",
]


def rna_samples(sheets: Sheets) -> list[str]:
    s = sheets.samples
    return list(s.loc[s["assay"] == "rna", "sample_id"])


def rna_sample_fastqs(sheets: Sheets, sample: str) -> dict[str, list[str]]:
    """The trimmed reads of every unit of the sample, in sheet order (salmon reads them as one)."""
    units = sheets.units.loc[sheets.units["sample_id"] == sample, "unit_id"]
    return {
        "r1": [f"results/trimmed/{sample}/{u}_R1.fastq.gz" for u in units],
        "r2": [f"results/trimmed/{sample}/{u}_R2.fastq.gz" for u in units],
    }


# --- the report ---------------------------------------------------------------------------------

IDENTITY = "results/qc/identity/{patient}/{tumor}_vs_{normal}.identity.json"


def identity_file(pair) -> str:
    return IDENTITY.format(patient=pair.patient, tumor=pair.tumor, normal=pair.normal)


def bcftools_stats_files(sheets: Sheets) -> list[str]:
    somatic = [
        f"results/qc/bcftools/{p.patient}/{p.tumor}_vs_{p.normal}.somatic.stats.txt"
        for p in sheets.pairs
    ]
    germline = [
        f"results/qc/bcftools/{p.patient}/{p.normal}.germline.stats.txt"
        for p in germline_pairs(sheets)
    ]
    return somatic + germline


def report_inputs(sheets: Sheets, panel: bool, conformance: bool) -> dict[str, list[str]]:
    """Every file the report reads, by kind: MultiQC gets exactly these, nothing scanned."""
    dna, rna = dna_samples(sheets), rna_samples(sheets)
    patients = [p.patient for p in first_pair_per_patient(sheets)] if panel else []
    salmon = "results/expression/salmon/{}"
    return {
        "fastp": fastp_reports(sheets),
        "samtools_stats": [SAMTOOLS_STATS.format(sample=s) for s in dna],
        "flagstat": [FLAGSTAT.format(sample=s) for s in dna],
        "markdup": [f"results/qc/markdup/{s}/{s}.markdup.txt" for s in dna],
        "mosdepth": [
            MOSDEPTH.format(sample=s, kind=kind) for s in dna for kind in ("summary", "global.dist")
        ],
        "bcftools_stats": bcftools_stats_files(sheets),
        "salmon": [
            salmon.format(f"{s}/{name}")
            for s in rna
            for name in (
                "aux_info/meta_info.json",
                "lib_format_counts.json",
                "libParams/flenDist.txt",
            )
        ],
        "panel_depth": [f"results/brca/coverage/{s}/{s}.regions.bed.gz" for s in dna if panel],
        "somatic_vcf": [f"{somatic_prefix(p)}.vcf.gz" for p in sheets.pairs],
        "identity": [identity_file(p) for p in sheets.pairs],
        "brca_variants": [f"results/brca/{p}/{p}.brca.tsv" for p in patients],
        "brca_coverage": [f"results/brca/{p}/{p}.brca_coverage.tsv" for p in patients],
        "expression_qc": ["results/expression/qc.tsv"] if rna else [],
        "certificate": ["results/conformance/certificate.json"] if conformance else [],
    }


REPORT_SECTIONS = (
    "verdicts", "thresholds", "identity", "somatic_summary", "somatic_vaf", "brca_findings",
    "brca_coverage", "expression_qc", "conformance",
)  # fmt: skip


def report_section_files(sheets: Sheets, panel: bool, conformance: bool) -> list[str]:
    left_out = set()
    if not conformance:
        left_out.add("conformance")
    if not rna_samples(sheets):
        left_out.add("expression_qc")
    if not panel:
        left_out |= {"brca_findings", "brca_coverage"}
    sections = [s for s in REPORT_SECTIONS if s not in left_out]
    return [f"results/report/sections/{s}_mqc.json" for s in sections]


def report_samples(sheets: Sheets) -> list[dict]:
    """Sample, patient, role and assay of every sample, sheet order (plain values for params)."""
    s = sheets.samples
    return [
        {"sample": r.sample_id, "patient": r.patient_id, "role": r.role, "assay": r.assay}
        for r in s.itertuples()
    ]


def report_pairs(sheets: Sheets) -> list[dict]:
    return [{"patient": p.patient, "tumor": p.tumor, "normal": p.normal} for p in sheets.pairs]
