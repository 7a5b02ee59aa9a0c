"""From the fragment evidence of a pair's candidates to the concord somatic and germline VCFs."""

from __future__ import annotations

from concord.evidence import CandidateEvidence, read_evidence_table
from concord.somatic import (
    GermlineThresholds,
    SampleEvidence,
    SomaticThresholds,
    classify_germline,
    classify_somatic,
    max_normal_depth,
    mean_alt_mapq,
    somatic_scores,
)
from concord.vcfspec import Provenance, format_af, format_lod, header_lines


def _sample_fields(ev: SampleEvidence) -> str:
    c = ev.counts
    gt = "0/1" if c.alt else "0/0"
    return f"{gt}:{c.depth}:{c.ref},{c.alt}:{format_af(c.alt, c.depth)}"


def _site_info(r: CandidateEvidence) -> str:
    t, n = r.tumor, r.normal
    return (
        f"VARTYPE={r.candidate.kind};MQM={mean_alt_mapq(t, n):.1f};"
        f"SAF={t.alt_forward + n.alt_forward};SAR={t.alt_reverse + n.alt_reverse}"
    )


def somatic_lines(
    records: list[CandidateEvidence], prov: Provenance, th: SomaticThresholds
) -> list[str]:
    lines = header_lines("somatic", prov)
    for r in records:
        c = r.candidate
        scores = somatic_scores(r.tumor, r.normal, c.kind, th)
        reasons = classify_somatic(r.tumor, r.normal, c.kind, th, scores)
        info = (
            ("SOMATIC;" if not reasons else "")
            + _site_info(r)
            + f";TLOD={format_lod(scores.tlod)};NLOD={format_lod(scores.nlod)}"
            + f";NALOD={format_lod(scores.nalod)}"
        )
        lines.append(
            f"{c.chrom}\t{c.pos}\t.\t{c.ref}\t{c.alt}\t.\t{';'.join(reasons) or 'PASS'}\t{info}\t"
            f"GT:DP:AD:AF\t{_sample_fields(r.tumor)}\t{_sample_fields(r.normal)}"
        )
    return lines


def germline_lines(
    records: list[CandidateEvidence],
    prov: Provenance,
    th: GermlineThresholds,
    max_depth: int | None,
) -> list[str]:
    lines = header_lines("germline", prov)
    for r in records:
        n = r.normal.counts
        called = classify_germline(n, th, max_depth)
        if called is None:
            continue
        gt, gq, reasons = called
        c = r.candidate
        lines.append(
            f"{c.chrom}\t{c.pos}\t.\t{c.ref}\t{c.alt}\t.\t{';'.join(reasons) or 'PASS'}\t"
            f"{_site_info(r)}\tGT:GQ:DP:AD:AF\t"
            f"{gt}:{gq}:{n.depth}:{n.ref},{n.alt}:{format_af(n.alt, n.depth)}"
        )
    return lines


def write_standard_vcf(
    kind: str, evidence: str, digests: str, versions: str, params: dict, caller_options: str,
    out: str,
) -> None:  # fmt: skip
    """Classify the pair's candidates and write the concord VCF of `kind` (somatic/germline)."""
    from concord.provenance import vcf_provenance
    from concord.vcfspec import write_bgzipped_vcf

    thresholds = SomaticThresholds() if kind == "somatic" else GermlineThresholds()
    model = thresholds.as_header()
    prov = vcf_provenance(params, digests, versions, caller_options, model)
    index = {name: i for i, (name, _, _) in enumerate(prov.contigs)}
    records = sorted(
        read_evidence_table(evidence),
        key=lambda r: (index[r.candidate.chrom], r.candidate.pos, r.candidate.ref, r.candidate.alt),
    )
    if kind == "somatic":
        lines = somatic_lines(records, prov, thresholds)
    else:
        # the pile-up limit comes from this normal's own depths, and is stated in the header
        max_depth = max_normal_depth([r.normal.counts.depth for r in records], thresholds)
        prov.model = f"{model},max_depth={max_depth if max_depth is not None else 'none'}"
        lines = germline_lines(records, prov, thresholds, max_depth)
    write_bgzipped_vcf(lines, out)
