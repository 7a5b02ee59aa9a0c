"""Per-patient BRCA1/2 report: variants (TSV), per-exon coverage (TSV), both (JSON), panel VCF."""

from concord.brca import VARIANT_COLUMNS, annotated_vcf_lines, patient_variants, write_tsv
from concord.coverage import (
    COVERAGE_COLUMNS,
    coding_exon_regions,
    exon_coverage,
    gene_verdicts,
    read_thresholds,
)
from concord.jsonio import write_json
from concord.panel import load_panel
from concord.provenance import read_digests
from concord.vcfspec import write_bgzipped_vcf
from concord.versions import versions_of

# what the panel tables were made with: the calls, the coverage, the naming
SOFTWARE = ("freebayes", "bcftools", "mosdepth", "pysam", "hgvs", "cdot")


def main(inputs: dict, params: dict, outputs: dict) -> None:
    config = {
        "panel": params["panel"],
        "reference": {
            "fasta": inputs["ref"],
            "fai": inputs["fai"],
            "accessions": params["accessions"],
        },
        "annotation": {"gtf": inputs["gtf"], "clinvar": inputs.get("clinvar") or None},
    }
    panel = load_panel(config)
    patient = params["patient"]
    variants = patient_variants(panel, patient, inputs["somatic"], inputs["germline"])
    regions = coding_exon_regions(panel.models)
    coverage = []
    for role in ("tumor", "normal"):
        coverage += exon_coverage(
            regions,
            read_thresholds(inputs[f"{role}_thresholds"]),
            params[role],
            role,
            params["min_depth"],
            params["min_fraction"],
        )
    genes = gene_verdicts(coverage)
    software = versions_of(inputs["versions"], SOFTWARE)
    release = panel.clinvar.release if panel.clinvar else ""
    write_tsv(variants, VARIANT_COLUMNS, outputs["variants"])
    write_tsv(coverage, COVERAGE_COLUMNS, outputs["coverage"])
    report = {
        "patient": patient,
        "tumor": params["tumor"],
        "normal": params["normal"],
        "clinvar_release": release,
        "coverage_rule": {"min_depth": params["min_depth"], "min_fraction": params["min_fraction"]},
        "software": software,
        "genes": genes,
        "variants": [{c: v.get(c, "") for c in VARIANT_COLUMNS} for v in variants],
        "coverage": coverage,
    }
    write_json(report, outputs["json"])
    lines = annotated_vcf_lines(
        variants, read_digests(inputs["digests"]), patient, release, software
    )
    write_bgzipped_vcf(lines, outputs["vcf"])


if __name__ == "__main__":
    main(dict(snakemake.input), dict(snakemake.params.report), dict(snakemake.output))  # noqa: F821
