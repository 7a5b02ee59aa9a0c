"""BRCA1/2 tables: panel variants annotated with HGVS, consequence, ClinVar, origin, coverage."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pysam

from concord.errors import InputError
from concord.panel import Panel

ANNOTATION_COLUMNS = (
    "chrom",
    "pos",
    "ref",
    "alt",
    "gene",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "consequence",
    "exon",
    "intron",
    "clinvar_significance",
    "clinvar_review_status",
    "clinvar_variation_id",
    "clinvar_release",
)


def vcf_alleles(path: str, fasta: pysam.FastaFile) -> Iterator[tuple[pysam.VariantRecord, str]]:
    """(record, ALT) for every ALT of a VCF, after checking REF against the reference."""
    pysam.set_verbosity(0)
    with pysam.VariantFile(path) as vcf:
        for rec in vcf:
            if rec.chrom not in fasta.references:
                raise InputError(
                    f"{path}: {rec.chrom}:{rec.pos}: contig {rec.chrom!r} is not in the reference"
                )
            genome = fasta.fetch(rec.chrom, rec.pos - 1, rec.pos - 1 + len(rec.ref)).upper()
            if genome != rec.ref.upper():
                raise InputError(
                    f"{path}: {rec.chrom}:{rec.pos}: REF {rec.ref} does not match the reference "
                    f"({genome}); was this VCF made on another reference?"
                )
            for alt in rec.alts or ():
                if alt != "*" and not alt.startswith("<"):
                    yield rec, alt.upper()


def annotate_alleles(panel: Panel, chrom: str, pos: int, ref: str, alt: str) -> list[dict]:
    """One row per panel transcript near the variant (none when it is away from the panel)."""
    clin = panel.clinvar.lookup(chrom, pos, ref, alt) if panel.clinvar else None
    rows = []
    for a in panel.annotator.annotate(chrom, pos, ref, alt):
        rows.append(
            {
                "chrom": chrom,
                "pos": pos,
                "ref": ref,
                "alt": alt,
                "gene": a.gene,
                "transcript": a.transcript,
                "hgvs_c": a.hgvs_c,
                "hgvs_p": a.hgvs_p,
                "consequence": a.consequence,
                "exon": a.exon,
                "intron": a.intron,
                "clinvar_significance": clin.significance if clin else "",
                "clinvar_review_status": clin.review_status if clin else "",
                "clinvar_variation_id": clin.variation_id if clin else "",
                "clinvar_release": panel.clinvar.release if panel.clinvar else "",
            }
        )
    return rows


def annotate_vcf(path: str, panel: Panel, fasta: str) -> list[dict]:
    ref = pysam.FastaFile(fasta)
    rows = []
    for rec, alt in vcf_alleles(path, ref):
        rows += annotate_alleles(panel, rec.chrom, rec.pos, rec.ref.upper(), alt)
    return rows


def write_tsv(rows: list[dict], columns, path: str) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
