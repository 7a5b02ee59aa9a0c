"""From freebayes' joint tumour/normal call to the concord somatic and germline VCFs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pysam

from concord.somatic import (
    Counts,
    GermlineThresholds,
    SiteEvidence,
    SomaticThresholds,
    classify_germline,
    classify_somatic,
    max_normal_depth,
    variant_type,
)
from concord.vcfspec import Provenance, format_af, header_lines


@dataclass(frozen=True)
class JointRecord:
    chrom: str
    pos: int
    ref: str
    alt: str
    tumor: Counts
    normal: Counts
    site: SiteEvidence


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop shared trailing bases, then shared leading bases while both alleles keep one base."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def _one(value):
    return value[0] if isinstance(value, tuple) else value


def _counts(sample) -> Counts:
    """REF, this ALT, other ALTs (bcftools norm --keep-sum AD folds them into AD[0]) and the
    ALT base-quality sum of one sample of a split record."""
    ref, alt = sample["RO"] or 0, _one(sample["AO"]) or 0
    ad = sample.get("AD")
    other = max(0, (ad[0] or 0) - ref) if ad and ad[0] is not None else 0
    return Counts(ref, alt, float(_one(sample["QA"]) or 0), other)


def read_joint_calls(path: str, tumor: str, normal: str) -> Iterator[JointRecord]:
    """One record per ALT of an input already split with bcftools norm -m -any."""
    with pysam.VariantFile(path) as vcf:
        for rec in vcf:
            t, n = rec.samples[tumor], rec.samples[normal]
            alt = rec.alts[0]
            if alt == "*" or alt.startswith("<"):
                continue
            pos, ref, alt = trim_alleles(rec.pos, rec.ref.upper(), alt.upper())
            yield JointRecord(
                chrom=rec.chrom,
                pos=pos,
                ref=ref,
                alt=alt,
                tumor=_counts(t),
                normal=_counts(n),
                site=SiteEvidence(
                    alt_mapq=float(_one(rec.info["MQM"])),
                    alt_forward=int(_one(rec.info["SAF"])),
                    alt_reverse=int(_one(rec.info["SAR"])),
                ),
            )


def unique_sorted(records: list[JointRecord], contig_order: list[str]) -> list[JointRecord]:
    """Sorted by contig order, position and alleles; the first of identical sites is kept."""
    index = {c: i for i, c in enumerate(contig_order)}
    seen, out = set(), []
    for r in records:
        key = (r.chrom, r.pos, r.ref, r.alt)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return sorted(out, key=lambda r: (index[r.chrom], r.pos, r.ref, r.alt))


def _sample_fields(counts: Counts) -> str:
    gt = "0/1" if counts.alt else "0/0"
    return f"{gt}:{counts.depth}:{counts.ref},{counts.alt}:{format_af(counts.alt, counts.depth)}"


def _site_info(r: JointRecord) -> str:
    return (
        f"VARTYPE={variant_type(r.ref, r.alt)};MQM={r.site.alt_mapq:.1f};"
        f"SAF={r.site.alt_forward};SAR={r.site.alt_reverse}"
    )


def somatic_lines(records, prov: Provenance, th: SomaticThresholds) -> list[str]:
    lines = header_lines("somatic", prov)
    for r in records:
        reasons = classify_somatic(r.tumor, r.normal, r.site, th)
        filt = ";".join(reasons) if reasons else "PASS"
        info = ("SOMATIC;" if not reasons else "") + _site_info(r)
        lines.append(
            f"{r.chrom}\t{r.pos}\t.\t{r.ref}\t{r.alt}\t.\t{filt}\t{info}\tGT:DP:AD:AF\t"
            f"{_sample_fields(r.tumor)}\t{_sample_fields(r.normal)}"
        )
    return lines


def germline_lines(
    records, prov: Provenance, th: GermlineThresholds, max_depth: int | None
) -> list[str]:
    lines = header_lines("germline", prov)
    for r in records:
        called = classify_germline(r.normal, th, max_depth)
        if called is None:
            continue
        gt, gq, reasons = called
        n = r.normal
        lines.append(
            f"{r.chrom}\t{r.pos}\t.\t{r.ref}\t{r.alt}\t.\t{';'.join(reasons) or 'PASS'}\t"
            f"{_site_info(r)}\tGT:GQ:DP:AD:AF\t"
            f"{gt}:{gq}:{n.depth}:{n.ref},{n.alt}:{format_af(n.alt, n.depth)}"
        )
    return lines


def write_standard_vcf(
    kind: str, joint: str, digests: str, versions: str, params: dict, caller_options: str, out: str
) -> None:
    """Classify the joint call and write the concord VCF of `kind` (somatic or germline)."""
    from concord.provenance import vcf_provenance
    from concord.vcfspec import write_bgzipped_vcf

    normal = params["samples"]["NORMAL"][0]
    with pysam.VariantFile(joint) as vcf:
        # the germline VCF of a normal comes from its joint call with its first tumour
        tumor = next(s for s in vcf.header.samples if s != normal)
    thresholds = SomaticThresholds() if kind == "somatic" else GermlineThresholds()
    model = thresholds.as_header()
    prov = vcf_provenance(params, digests, versions, caller_options, model)
    records = unique_sorted(
        list(read_joint_calls(joint, tumor, normal)), [c for c, _, _ in prov.contigs]
    )
    if kind == "somatic":
        lines = somatic_lines(records, prov, thresholds)
    else:
        # the pile-up limit comes from this normal's own depths, and is stated in the header
        max_depth = max_normal_depth([r.normal.depth for r in records], thresholds)
        prov.model = f"{model},max_depth={max_depth if max_depth is not None else 'none'}"
        lines = germline_lines(records, prov, thresholds, max_depth)
    write_bgzipped_vcf(lines, out)
