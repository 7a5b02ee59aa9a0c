"""Conformance: score a run's results against a conformance kit's truth, and the verdict.

The kit's truth and the run's calls arrive normalized by bcftools (rule conformance_normalize);
nothing here runs a tool. Nothing is specific to one kit's patients or samples.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from concord.errors import InputError

# Which VCFs the certificate compares, per patient: the kit's truth and the run's calls, each
# normalized the same way (bcftools norm) by the rule conformance_normalize.
CONFORMANCE_SETS = ("truth_somatic", "truth_germline", "calls")

# the matrices (output names of the matrix step) the expression section scores
CERTIFICATE_MATRICES = ("genes_counts", "genes_tpm", "transcripts_tpm")

# --- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1


def read_bed(path: Path) -> dict[str, list[tuple[int, int]]]:
    regions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    with open(path) as fh:
        for line in fh:
            if line.strip() and not line.startswith(("#", "track", "browser")):
                chrom, start, end = line.split("\t")[:3]
                regions[chrom].append((int(start), int(end)))
    return regions


def in_regions(site: Site, regions) -> bool:
    """The whole REF span lies in one region (0-based half-open BED)."""
    start, end = site.pos - 1, site.pos - 1 + len(site.ref)
    return any(s <= start and end <= e for s, e in regions.get(site.chrom, ()))


def vaf_tier(vaf: float) -> str:
    return f"{vaf:.2f}"


def _metrics(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else None
    )
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
    }


def _round(x):
    return None if x is None or math.isnan(x) else round(x, 4)


def score_patient(
    truth: dict[Site, dict],
    calls: set[Site],
    germline: set[Site],
    min_vaf: float | None = None,
) -> dict:
    """TP/FP/FN for SNVs and indels; truth below min_vaf and calls matching it are left out."""
    excluded = {s for s, info in truth.items() if min_vaf is not None and info["vaf"] < min_vaf}
    scored_truth = set(truth) - excluded
    scored_calls = calls - excluded
    out = {}
    for kind, test in (("snv", True), ("indel", False)):
        t = {s for s in scored_truth if s.is_snv == test}
        c = {s for s in scored_calls if s.is_snv == test}
        out[kind] = _metrics(len(t & c), len(c - t), len(t - c))
    return out


def certificate(patients: dict[str, dict]) -> dict:
    """Assemble the somatic section from per-patient truth, calls and germline truth.

    patients[p] = {"truth": {Site: {"vaf": float, "sim_alt_reads": int|None}},
                   "calls": set[Site], "germline": set[Site]}
    """
    section = {"patients": {}, "recall_by_vaf": {}}
    totals = {
        "overall": defaultdict(lambda: [0, 0, 0]),
        "vaf_ge_010": defaultdict(lambda: [0, 0, 0]),
    }
    tiers: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    germline_as_somatic = 0
    low_sim = 0
    for patient, data in sorted(patients.items()):
        truth, calls = data["truth"], data["calls"]
        per = {
            "overall": score_patient(truth, calls, data["germline"]),
            "vaf_ge_010": score_patient(truth, calls, data["germline"], min_vaf=0.10),
        }
        p_tiers: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for site, info in truth.items():
            key = vaf_tier(info["vaf"])
            for bucket in (tiers[key], p_tiers[key]):
                bucket[0] += site in calls
                bucket[1] += 1
            if info.get("sim_alt_reads") is not None and info["sim_alt_reads"] < 3:
                low_sim += 1
        per["recall_by_vaf"] = {k: _tier(v) for k, v in sorted(p_tiers.items())}
        per["germline_as_somatic"] = len(data["germline"] & calls)
        germline_as_somatic += per["germline_as_somatic"]
        section["patients"][patient] = per
        for scope in ("overall", "vaf_ge_010"):
            for kind in ("snv", "indel"):
                m = per[scope][kind]
                acc = totals[scope][kind]
                acc[0] += m["tp"]
                acc[1] += m["fp"]
                acc[2] += m["fn"]
    for scope in ("overall", "vaf_ge_010"):
        section[scope] = {k: _metrics(*totals[scope][k]) for k in ("snv", "indel")}
    section["recall_by_vaf"] = {k: _tier(v) for k, v in sorted(tiers.items())}
    section["germline_as_somatic"] = germline_as_somatic
    section["truth_sites_with_sim_alt_reads_lt3"] = low_sim
    return section


def _tier(counts: list[int]) -> dict:
    found, total = counts
    return {"recall": _round(found / total) if total else None, "found": found, "total": total}


def normalized_sites(vcf: str, pass_only: bool = False) -> dict[Site, dict]:
    """Sites of a VCF already split and left-aligned by bcftools norm (rule
    conformance_normalize), alleles trimmed, with VAF and SIM_ALT_READS where the VCF has them."""
    import pysam

    from concord.standardize import trim_alleles

    sites: dict[Site, dict] = {}
    with pysam.VariantFile(vcf) as fh:
        info_keys = set(fh.header.info)
        for rec in fh:
            if pass_only and list(rec.filter) != ["PASS"]:
                continue
            pos, ref, alt = trim_alleles(rec.pos, rec.ref.upper(), rec.alts[0].upper())
            sites[Site(rec.chrom, pos, ref, alt)] = {
                "vaf": float(rec.info["VAF"]) if "VAF" in info_keys else None,
                "sim_alt_reads": int(rec.info["SIM_ALT_READS"])
                if "SIM_ALT_READS" in info_keys
                else None,
            }
    return sites


def somatic_certificate(confident_bed: str, patients: dict[str, dict[str, str]]) -> dict:
    """Score each patient's somatic PASS calls against the kit truth inside the confident regions.

    patients[p] = {"truth_somatic": vcf, "calls": vcf, "truth_germline": vcf (optional)}, each
    normalized by bcftools norm against the run's reference.
    """
    regions = read_bed(Path(confident_bed))
    scored = {}
    for patient, vcfs in sorted(patients.items()):
        truth = {
            s: i
            for s, i in normalized_sites(vcfs["truth_somatic"]).items()
            if in_regions(s, regions)
        }
        calls = {
            s for s in normalized_sites(vcfs["calls"], pass_only=True) if in_regions(s, regions)
        }
        germline = (
            {s for s in normalized_sites(vcfs["truth_germline"]) if in_regions(s, regions)}
            if vcfs.get("truth_germline")
            else set()
        )
        scored[patient] = {"truth": truth, "calls": calls, "germline": germline}
    if not scored:
        raise InputError(f"{confident_bed}: no somatic truth for any patient of this run")
    return certificate(scored)


# --- expression -----------------------------------------------------------------------------


def _spearman(a, b) -> float:
    return float(a.rank().corr(b.rank()))


def _pearson_log(a, b) -> float:
    import numpy as np

    return float(np.log2(a + 1).corr(np.log2(b + 1)))


def expression_certificate(
    truth_genes_tsv: str, truth_tx_tsv: str, genes_counts: str, genes_tpm: str, transcripts_tpm: str
) -> dict:
    """Correlations of concord's matrices with the kit's expression truth, per RNA sample.

    Truth rows missing from concord's matrices (transcripts or genes the expression annotation
    leaves out) count as 0, so leaving things out is not rewarded.
    """
    import pandas as pd

    truth_genes = pd.read_csv(truth_genes_tsv, sep="\t")
    truth_tx = pd.read_csv(truth_tx_tsv, sep="\t")
    counts = pd.read_csv(genes_counts, sep="\t").set_index("gene_id")
    tpm = pd.read_csv(genes_tpm, sep="\t").set_index("gene_id")
    ttpm = pd.read_csv(transcripts_tpm, sep="\t").set_index("transcript_id")
    samples = {}
    for sample in [c for c in counts.columns if c != "gene_name"]:
        if sample not in set(truth_genes["sample"]):
            continue
        tg = truth_genes[truth_genes["sample"] == sample].set_index("gene_id")
        tt = truth_tx[truth_tx["sample"] == sample].set_index("transcript_id")
        c = counts[sample].reindex(tg.index, fill_value=0.0)
        t = tpm[sample].reindex(tg.index, fill_value=0.0)
        x = ttpm[sample].reindex(tt.index, fill_value=0.0)
        samples[sample] = {
            "spearman_counts": _round(_spearman(tg["simulated_pairs"], c)),
            "spearman_tpm": _round(_spearman(tg["true_TPM"], t)),
            "pearson_log_tpm": _round(_pearson_log(tg["true_TPM"], t)),
            "tx_spearman_tpm": _round(_spearman(tt["true_TPM"], x)),
        }
    if not samples:
        return {}
    return {
        "samples": samples,
        "min_spearman_counts": min(s["spearman_counts"] for s in samples.values()),
        "min_spearman_tpm": min(s["spearman_tpm"] for s in samples.values()),
        "min_tx_spearman_tpm": min(s["tx_spearman_tpm"] for s in samples.values()),
    }


# The network's conformance targets: (certificate path, comparison, target, label). A criterion
# whose section is absent from the certificate (e.g. a kit without RNA truth) is not judged.
CONFORMANCE_TARGETS = (
    ("somatic.vaf_ge_010.snv.f1", ">=", 0.97, "Somatic SNV F1 (VAF 10% or more)"),
    ("somatic.vaf_ge_010.indel.f1", ">=", 0.90, "Somatic indel F1 (VAF 10% or more)"),
    ("somatic.recall_by_vaf.0.05.recall", ">=", 0.5, "Somatic recall at VAF 5%"),
    ("somatic.germline_as_somatic", "<=", 0, "Germline truth called somatic"),
    ("expression.min_spearman_counts", ">=", 0.99, "Gene counts Spearman, lowest sample"),
    ("expression.min_spearman_tpm", ">=", 0.99, "Gene TPM Spearman, lowest sample"),
    ("expression.min_tx_spearman_tpm", ">=", 0.95, "Transcript TPM Spearman, lowest sample"),
)


def _lookup(data: dict, path: str):
    section, _, rest = path.partition(".")
    node = data.get(section)
    # keys may contain dots ("0.05"): take the longest key that prefixes the rest
    while rest and isinstance(node, dict):
        key = max((k for k in node if rest == k or rest.startswith(k + ".")), key=len, default=None)
        if key is None:
            return None
        node, rest = node[key], rest[len(key) + 1 :]
    return None if rest else node


def certificate_verdict(data: dict) -> dict:
    """Each target with the run's value and whether it is met; overall 'pass' when all are."""
    criteria = []
    for path, op, target, label in CONFORMANCE_TARGETS:
        value = _lookup(data, path)
        if value is None:
            continue
        met = value >= target if op == ">=" else value <= target
        criteria.append(
            {"metric": path, "label": label, "value": value, "target": f"{op} {target}", "met": met}
        )
    overall = "pass" if criteria and all(c["met"] for c in criteria) else "fail"
    return {"overall": overall, "criteria": criteria}
