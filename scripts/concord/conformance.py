"""Conformance: score a run's results against a conformance kit's truth, and the verdict.

The kit's truth and the run's calls arrive normalized by bcftools (rule conformance_normalize);
nothing here runs a tool. Nothing is specific to one kit's patients or samples.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from concord.haplotype_match import Allele, match

# Which VCFs the certificate compares, per patient: the kit's truth and the run's calls, each
# normalized the same way (bcftools norm) by the rule conformance_normalize.
CONFORMANCE_SETS = ("truth_somatic", "truth_germline", "calls")

# the matrices (output names of the matrix step) the expression section scores
CERTIFICATE_MATRICES = ("genes_counts", "genes_tpm", "transcripts_tpm")

# --- scoring -------------------------------------------------------------------------------


# a site is an allele of the haplotype matcher (chrom, 1-based pos, REF, ALT)
Site = Allele


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


def _metrics(tp: int, fp: int, fn: int, tp_call: int | None = None) -> dict:
    """tp: truth variants found; tp_call: calls that found them (differs when one change is
    written as several records on one side); precision is over calls, recall over truth."""
    tp_call = tp if tp_call is None else tp_call
    precision = tp_call / (tp_call + fp) if tp_call + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else None
    )
    return {
        "tp": tp,
        "tp_call": tp_call,
        "fp": fp,
        "fn": fn,
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
    }


def _round(x):
    return None if x is None or math.isnan(x) else round(x, 4)


@dataclass(frozen=True)
class PatientMatch:
    """The haplotype-aware match of one patient's calls with its somatic truth."""

    truth_found: set[Site]
    calls_matched: set[Site]
    partners: dict[Site, set[Site]]


def score_patient(
    truth: dict[Site, dict], calls: set[Site], found: PatientMatch, min_vaf: float | None = None
) -> dict:
    """TP/FP/FN for SNVs and indels; truth below min_vaf, and calls that only matched such
    truth, are left out."""
    excluded = {s for s, info in truth.items() if min_vaf is not None and info["vaf"] < min_vaf}
    scored_truth = set(truth) - excluded
    scored_calls = {
        c for c in calls if not (found.partners.get(c) and found.partners[c] <= excluded)
    }
    out = {}
    for kind, test in (("snv", True), ("indel", False)):
        t = {s for s in scored_truth if s.is_snv == test}
        c = {s for s in scored_calls if s.is_snv == test}
        out[kind] = _metrics(
            len(t & found.truth_found),
            len(c - found.calls_matched),
            len(t - found.truth_found),
            len(c & found.calls_matched),
        )
    return out


def certificate(patients: dict[str, dict], fetch) -> dict:
    """Assemble the somatic section from per-patient truth, calls and germline truth, matching
    calls to truth by the haplotype they produce (concord.haplotype_match).

    patients[p] = {"truth": {Site: {"vaf": float, "sim_alt_reads": int|None}},
                   "calls": set[Site], "germline": set[Site]}
    fetch(contig, start, end) gives reference sequence (0-based, end exclusive).
    """
    section = {"patients": {}, "recall_by_vaf": {}, "matching": "haplotype (vcfeval-like)"}
    totals = {
        "overall": defaultdict(lambda: [0, 0, 0, 0]),
        "vaf_ge_010": defaultdict(lambda: [0, 0, 0, 0]),
    }
    tiers: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    germline_as_somatic = 0
    low_sim = 0
    for patient, data in sorted(patients.items()):
        truth, calls = data["truth"], data["calls"]
        found = PatientMatch(*match(set(truth), calls, fetch))
        per = {
            "overall": score_patient(truth, calls, found),
            "vaf_ge_010": score_patient(truth, calls, found, min_vaf=0.10),
        }
        p_tiers: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for site, info in truth.items():
            key = vaf_tier(info["vaf"])
            for bucket in (tiers[key], p_tiers[key]):
                bucket[0] += site in found.truth_found
                bucket[1] += 1
            if info.get("sim_alt_reads") is not None and info["sim_alt_reads"] < 3:
                low_sim += 1
        per["recall_by_vaf"] = {k: _tier(v) for k, v in sorted(p_tiers.items())}
        per["germline_as_somatic"] = len(match(data["germline"], calls, fetch)[0])
        germline_as_somatic += per["germline_as_somatic"]
        section["patients"][patient] = per
        for scope in ("overall", "vaf_ge_010"):
            for kind in ("snv", "indel"):
                m = per[scope][kind]
                acc = totals[scope][kind]
                acc[0] += m["tp"]
                acc[1] += m["fp"]
                acc[2] += m["fn"]
                acc[3] += m["tp_call"]
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

    from concord.vcfspec import trim_alleles

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


def load_patients(confident_bed: str, patients: dict[str, dict[str, str]]) -> dict[str, dict]:
    """Each patient's somatic truth, PASS calls and germline truth inside the confident regions.

    patients[p] = {"truth_somatic": vcf, "calls": vcf, "truth_germline": vcf (optional)}, each
    normalized by bcftools norm against the run's reference.
    """
    regions = read_bed(Path(confident_bed))
    loaded = {}
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
        loaded[patient] = {"truth": truth, "calls": calls, "germline": germline}
    return loaded


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


# --- the certificate's other sections -------------------------------------------------------


def reference_section(run_contigs: list[tuple[str, int, str]], kit_contigs: list[dict]) -> dict:
    """The MD5 of every contig of the reference used against the kit's contigs.tsv."""
    if not kit_contigs:
        return {"contigs": [], "problems": ["the kit has no reference/contigs.tsv to compare with"]}
    expected = {r["contig"]: r["md5"] for r in kit_contigs}
    contigs = [
        {
            "contig": name,
            "md5": md5,
            "expected": expected.get(name),
            "match": expected.get(name) == md5,
        }
        for name, _, md5 in run_contigs
    ]
    problems = [
        f"contig {c['contig']}: MD5 {c['md5']}, the kit's {c['expected']}"
        if c["expected"]
        else f"contig {c['contig']} is not in the kit's contigs.tsv"
        for c in contigs
        if not c["match"]
    ]
    missing = sorted(set(expected) - {c["contig"] for c in contigs})
    problems += [f"contig {name} of the kit is not in the reference" for name in missing]
    return {"contigs": contigs, "problems": problems}


def toolchain_section(ran: dict[str, str], pins: dict[str, str]) -> dict:
    """Each tool's version as it ran against the network's pin (harmonized: any difference is a
    problem); tools without a pin are listed as such."""
    from concord.versions import version_matches

    tools = {}
    for tool, version in ran.items():
        pin = pins.get(tool)
        tools[tool] = {
            "ran": version,
            "pin": pin,
            "match": None if pin is None else version_matches(version, pin),
        }
    problems = [
        f"{tool} {t['ran']} ran; the network pins {t['pin']}"
        for tool, t in tools.items()
        if t["match"] is False
    ]
    return {"mode": "harmonized", "tools": tools, "problems": problems}


def equivalence_section(
    outputs: dict[str, dict | None], expected: dict | None, tolerances, source: str | None
) -> dict:
    """Each standardized output against the reference digests of this kit version."""
    from concord.equivalence import compare_output

    if expected is None:
        return {
            "reference_digests": None,
            "outputs": {
                name: {"status": "not compared", "digest": (o or {}).get("digest")}
                for name, o in outputs.items()
            },  # fmt: skip
            "problems": ["concord ships no reference digests for this kit version"],
        }
    reference = expected["outputs"]
    compared = {}
    for name in sorted(set(outputs) | set(reference)):
        ours = outputs.get(name)
        result = compare_output(name, ours, reference.get(name), tolerances)
        result["digest"] = (ours or {}).get("digest")
        result["expected_digest"] = (reference.get(name) or {}).get("digest")
        compared[name] = result
    problems = [
        f"{name}: {r['status']}" for name, r in compared.items()
        if r["status"] not in ("identical", "within tolerance")
    ]  # fmt: skip
    return {"reference_digests": source, "outputs": compared, "problems": problems}


def conformance_verdict(sections: dict) -> dict:
    """PASS when the kit is intact, the reference is the kit's, the toolchain is the network's
    and every standardized output is identical to the reference (or within its tolerance)."""
    reasons = [
        f"{name}: {problem}"
        for name in ("kit", "reference", "toolchain", "equivalence")
        for problem in sections[name]["problems"]
    ]
    return {"verdict": "FAIL" if reasons else "PASS", "reasons": reasons}


def kit_failure_certificate(kit: dict, concord_version: str) -> dict:
    """The certificate of a kit that does not match its SHA256SUMS: nothing else is judged."""
    return {
        "certificate_version": CERTIFICATE_VERSION,
        "concord_version": concord_version,
        "kit": kit,
        "conformance": conformance_verdict(
            {
                "kit": kit,
                "reference": {"problems": []},
                "toolchain": {"problems": []},
                "equivalence": {"problems": []},
            }  # fmt: skip
        ),
    }


CERTIFICATE_VERSION = 2


# --- accuracy against the kit's truth, judged against the network's targets -------------------


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


def judge_targets(accuracy: dict, targets: list[dict]) -> list[dict]:
    """Each target with the run's value and met / missed; a target whose section the run lacks
    (a kit without RNA truth) is not judged."""
    judged = []
    for t in targets:
        value = _lookup(accuracy, t["metric"])
        if value is None:
            continue
        met = value >= t["value"] if t["op"] == ">=" else value <= t["value"]
        judged.append(
            {
                "metric": t["metric"],
                "label": t["label"],
                "value": value,
                "target": f"{t['op']} {t['value']}",
                "met": "met" if met else "missed",
            }
        )
    return judged


def brca_accuracy(
    patients: dict[str, dict], fetch, panel_spans, tables: dict[str, str], coverage: dict[str, str]
) -> dict:
    """Each truth variant on a panel transcript: was it called, and is it in the patient's BRCA
    table with an HGVS c. name (through the calls that found it); and the exon verdicts."""
    import csv

    section: dict = {"patients": {}}
    totals = {"truth": 0, "called": 0, "named": 0}
    for patient, data in sorted(patients.items()):
        with open(tables[patient], newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        names = {}
        for r in rows:
            names.setdefault(
                (r["origin"], Site(r["chrom"], int(r["pos"]), r["ref"], r["alt"])), []
            ).append(r["hgvs_c"])
        found = PatientMatch(*match(set(data["truth"]), data["calls"], fetch))
        by_truth: dict[Site, set[Site]] = {}
        for call, partners in found.partners.items():
            for t in partners:
                by_truth.setdefault(t, set()).add(call)
        variants = []
        for origin, truth in (("somatic", set(data["truth"])), ("germline", data["germline"])):
            for t in sorted(truth):
                if not any(c == t.chrom and s <= t.start < e for c, s, e in panel_spans):
                    continue
                if origin == "somatic":
                    calls = sorted(by_truth.get(t, ()))
                else:
                    calls = [t] if (origin, t) in names else []
                hgvs = [n for c in calls for n in names.get((origin, c), [])]
                named = (
                    bool(calls)
                    and all(names.get((origin, c)) for c in calls)
                    and all(n.startswith(("c.", "n.")) for n in hgvs)
                )
                variants.append(
                    {
                        "variant": f"{t.chrom}:{t.pos}:{t.ref}:{t.alt}",
                        "origin": origin,
                        "called": bool(calls),
                        "hgvs_c": sorted(set(hgvs)),
                        "named": named,
                    }  # fmt: skip
                )
        counts = {
            "truth": len(variants),
            "called": sum(v["called"] for v in variants),
            "named": sum(v["named"] for v in variants),
        }
        for key in totals:
            totals[key] += counts[key]
        with open(coverage[patient], newline="") as fh:
            exons: dict[str, dict[str, int]] = {}
            for r in csv.DictReader(fh, delimiter="\t"):
                verdicts = exons.setdefault(r["sample"], {"pass": 0, "fail": 0})
                verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
        section["patients"][patient] = {**counts, "variants": variants, "exon_verdicts": exons}
    section.update(totals)
    section["named_fraction_of_called"] = (
        _round(totals["named"] / totals["called"]) if totals["called"] else None
    )
    return section
