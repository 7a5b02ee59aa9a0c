"""BRCA1/2 tables: panel variants annotated with HGVS, consequence, ClinVar, origin, coverage."""

from __future__ import annotations

import csv
import multiprocessing
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


# alleles per task when annotating with several processes: the chunks are fixed by the input
# alone and their rows are joined in input order, so the table does not depend on the processes
CHUNK = 250


def annotate_vcf(
    path: str, panel: Panel, fasta: str, processes: int = 1, config: dict | None = None
) -> list[dict]:
    """The rows of every allele of the VCF, in its order. With processes > 1 (and the config
    the panel was loaded from), chunks of alleles are named in that many worker processes,
    each with its own panel (its own FASTA handles); the rows are the same."""
    ref = pysam.FastaFile(fasta)
    # an allele away from every panel transcript has no row: only the others are kept (a
    # genome-wide VCF is read through, not held)
    near = panel.annotator.transcripts_near
    alleles = [
        (rec.chrom, rec.pos, rec.ref.upper(), alt)
        for rec, alt in vcf_alleles(path, ref)
        if near(rec.chrom, rec.pos, rec.ref)
    ]
    chunks = [alleles[i : i + CHUNK] for i in range(0, len(alleles), CHUNK)]
    if processes <= 1 or config is None or len(chunks) < 2:
        return [row for allele in alleles for row in annotate_alleles(panel, *allele)]
    rows = []
    context = multiprocessing.get_context("fork")
    workers = min(processes, len(chunks))
    with context.Pool(workers, initializer=_start_worker, initargs=(config,)) as pool:
        for chunk_rows in pool.imap(_annotate_chunk, chunks):
            rows += chunk_rows
    return rows


_WORKER_PANEL: Panel | None = None


def _start_worker(config: dict) -> None:
    from concord.panel import load_panel

    global _WORKER_PANEL
    _WORKER_PANEL = load_panel(config)


def _annotate_chunk(alleles: list[tuple[str, int, str, str]]) -> list[dict]:
    return [row for allele in alleles for row in annotate_alleles(_WORKER_PANEL, *allele)]


def write_tsv(rows: list[dict], columns, path: str) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


VARIANT_COLUMNS = (
    "patient", "origin", *ANNOTATION_COLUMNS[:14],
    "tumor_vaf", "tumor_depth", "normal_vaf", "normal_depth", "clinvar_release",
)  # fmt: skip


# --- the per-patient report ----------------------------------------------------------------


def _sample_counts(rec, sample) -> tuple[str, str]:
    ad, dp = rec.samples[sample]["AD"], rec.samples[sample]["DP"]
    if dp is None or ad is None or not dp:
        return "", str(dp or 0)
    return f"{ad[1] / dp:.3f}", str(dp)


def patient_variants(panel: Panel, patient: str, somatic_vcf: str, germline_vcf: str) -> list[dict]:
    """Somatic PASS and germline PASS variants of the patient on the panel transcripts."""
    pysam.set_verbosity(0)
    somatic_sites = {}
    rows = []
    with pysam.VariantFile(somatic_vcf) as vcf:
        for rec in vcf:
            key = (rec.chrom, rec.pos, rec.ref, rec.alts[0])
            somatic_sites[key] = (_sample_counts(rec, "TUMOR"), _sample_counts(rec, "NORMAL"))
            if list(rec.filter) == ["PASS"]:
                rows += _rows(panel, patient, "somatic", key, *somatic_sites[key])
    with pysam.VariantFile(germline_vcf) as vcf:
        for rec in vcf:
            if list(rec.filter) != ["PASS"]:
                continue
            key = (rec.chrom, rec.pos, rec.ref, rec.alts[0])
            tumor = somatic_sites.get(key, (("", ""), None))[0]
            rows += _rows(panel, patient, "germline", key, tumor, _sample_counts(rec, "NORMAL"))
    return sorted(
        rows, key=lambda r: (r["chrom"], int(r["pos"]), r["ref"], r["alt"], r["transcript"])
    )


def _rows(panel, patient, origin, key, tumor, normal) -> list[dict]:
    rows = []
    for row in annotate_alleles(panel, *key):
        row.update(
            patient=patient,
            origin=origin,
            tumor_vaf=tumor[0],
            tumor_depth=tumor[1],
            normal_vaf=normal[0],
            normal_depth=normal[1],
        )
        rows.append(row)
    return rows


_VCF_ESCAPES = {"%": "%25", ";": "%3B", "=": "%3D", ",": "%2C", " ": "%20", ":": "%3A"}


def _vcf_value(value) -> str:
    text = "".join(_VCF_ESCAPES.get(ch, ch) for ch in str(value))
    return text or "."


ANNOTATED_INFO = {
    "ORIGIN": ("origin", "somatic (somatic VCF PASS) or germline (germline VCF PASS)"),
    "GENE": ("gene", "Panel gene"),
    "TRANSCRIPT": ("transcript", "Panel transcript"),
    "HGVSC": ("hgvs_c", "HGVS c. name on the transcript"),
    "HGVSP": ("hgvs_p", "HGVS p. name, predicted (in parentheses)"),
    "CSQ": ("consequence", "Most severe Sequence Ontology consequence on the transcript"),
    "CLNSIG": ("clinvar_significance", "ClinVar clinical significance"),
    "CLNREVSTAT": ("clinvar_review_status", "ClinVar review status (percent-encoded)"),
    "CLNID": ("clinvar_variation_id", "ClinVar variation id"),
    "TUMOR_VAF": ("tumor_vaf", "ALT fraction in the tumour"),
    "NORMAL_VAF": ("normal_vaf", "ALT fraction in the normal"),
}


def annotated_vcf_lines(
    rows: list[dict], contigs, patient: str, clinvar_release: str, software: dict[str, str]
) -> list[str]:
    """A sites-only VCF of the patient's panel variants, one record per variant and transcript;
    the header names the versions of the tools that made it."""
    lines = ["##fileformat=VCFv4.2", f"##concordBRCA=<Patient={patient},ClinVar={clinvar_release}>"]
    lines += [f'##concordTool=<ID={tool},Version="{v}">' for tool, v in software.items()]
    lines += [f"##contig=<ID={c},length={n},md5={md5}>" for c, n, md5 in contigs]
    for key, (_, desc) in ANNOTATED_INFO.items():
        lines.append(f'##INFO=<ID={key},Number=1,Type=String,Description="{desc}">')
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    order = {c: i for i, (c, _, _) in enumerate(contigs)}
    for r in sorted(
        rows, key=lambda r: (order[r["chrom"]], int(r["pos"]), r["ref"], r["alt"], r["transcript"])
    ):
        info = ";".join(f"{k}={_vcf_value(r[col])}" for k, (col, _) in ANNOTATED_INFO.items())
        lines.append(f"{r['chrom']}\t{r['pos']}\t.\t{r['ref']}\t{r['alt']}\t.\tPASS\t{info}")
    return lines
