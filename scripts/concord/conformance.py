"""Conformance kit: turn a kit's manifest into concord sheets and config, and score the results.

A kit directory has the layout of brca-grch38-v1 (see its README): manifest.tsv, reference/,
annotation/, truth/. Nothing here is specific to one kit's patients or samples.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from concord.errors import InputError

MANIFEST_COLUMNS = ("sample_id", "patient", "kind", "role", "fastq_1", "fastq_2")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def prepare(kit: Path, out: Path, centre: str = "CONFORMANCE") -> Path:
    """Write OUT/config/{samples,units}.tsv and OUT/config.yaml for a kit; return its path."""
    kit, out = kit.resolve(), out.resolve()
    manifest_path = kit / "manifest.tsv"
    if not manifest_path.is_file():
        raise InputError(f"{kit}: not a conformance kit (manifest.tsv is missing)")
    manifest = read_tsv(manifest_path)
    for n, row in enumerate(manifest, start=2):
        missing = [c for c in MANIFEST_COLUMNS if not row.get(c)]
        if missing:
            raise InputError(f"{manifest_path}: line {n}, column {missing[0]!r}: empty or missing")
    (out / "config").mkdir(parents=True, exist_ok=True)
    samples = ["sample_id\tpatient_id\trole\tassay"]
    units = ["sample_id\tunit_id\tfastq_1\tfastq_2\tplatform"]
    for row in manifest:
        samples.append(f"{row['sample_id']}\t{row['patient']}\t{row['role']}\t{row['kind']}")
        units.append(
            f"{row['sample_id']}\tL001\t{kit / row['fastq_1']}\t{kit / row['fastq_2']}\tILLUMINA"
        )
    (out / "config" / "samples.tsv").write_text("\n".join(samples) + "\n")
    (out / "config" / "units.tsv").write_text("\n".join(units) + "\n")
    reference = {
        "fasta": str(kit / "reference" / "genome.fa"),
        "assembly": kit.name,
    }
    for key, name in (("fai", "genome.fa.fai"), ("dict", "genome.dict")):
        if (kit / "reference" / name).is_file():
            reference[key] = str(kit / "reference" / name)
    contigs = kit / "reference" / "contigs.tsv"
    if contigs.is_file():
        rows = read_tsv(contigs)
        reference["expected_md5"] = {r["contig"]: r["md5"] for r in rows}
        if rows and "grch38_chrom" in rows[0]:
            from concord.annotate import grch38_accessions

            chroms = grch38_accessions([r["grch38_chrom"] for r in rows])
            reference["accessions"] = {
                r["contig"]: {
                    "accession": chroms[r["grch38_chrom"]][0],
                    "offset": int(r["grch38_offset"]),
                }
                for r in rows
                if r["grch38_chrom"] in chroms
            }
    config = {
        "centre": centre,
        "samples": str(out / "config" / "samples.tsv"),
        "units": str(out / "config" / "units.tsv"),
        "reference": reference,
        "annotation": {"gtf": str(kit / "annotation" / "genes.gtf")}
        | (
            {"clinvar": str(kit / "clinvar" / "clinvar.vcf.gz")}
            if (kit / "clinvar" / "clinvar.vcf.gz").is_file()
            else {}
        ),
        "panel": [
            {"gene": r["gene"], "transcript": r["refseq_transcript"]}
            for r in read_tsv(kit / "annotation" / "panel.tsv")
        ]
        if (kit / "annotation" / "panel.tsv").is_file()
        else [],
        "conformance": {"kit": str(kit)},
    }
    path = out / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


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


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def normalized_sites(vcf: str, reference: str, pass_only: bool = False) -> dict[Site, dict]:
    """Sites of a VCF after bcftools norm -m -any against the reference, with VAF and
    SIM_ALT_READS where the VCF has them."""
    import subprocess

    import pysam

    from concord.standardize import trim_alleles

    out = subprocess.run(
        ["bcftools", "norm", "--no-version", "-f", reference, "-m", "-any", "-Ov", vcf],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sites: dict[Site, dict] = {}
    pysam.set_verbosity(0)
    with pysam.VariantFile(_as_file(out)) as fh:
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


def _as_file(text: str) -> str:
    import tempfile

    fh = tempfile.NamedTemporaryFile("w", suffix=".vcf", delete=False)
    fh.write(text)
    fh.close()
    return fh.name


def somatic_certificate(kit: Path, reference: str, calls_by_patient: dict[str, str]) -> dict:
    """Score each patient's somatic PASS calls against the kit truth inside truth/confident.bed."""
    regions = read_bed(kit / "truth" / "confident.bed")
    patients = {}
    for patient, vcf in sorted(calls_by_patient.items()):
        truth_vcf = kit / "truth" / f"{patient}.somatic.vcf.gz"
        germline_vcf = kit / "truth" / f"{patient}.germline.vcf.gz"
        if not truth_vcf.is_file():
            continue
        truth = {
            s: i
            for s, i in normalized_sites(str(truth_vcf), reference).items()
            if in_regions(s, regions)
        }
        calls = {
            s for s in normalized_sites(vcf, reference, pass_only=True) if in_regions(s, regions)
        }
        germline = (
            {s for s in normalized_sites(str(germline_vcf), reference) if in_regions(s, regions)}
            if germline_vcf.is_file()
            else set()
        )
        patients[patient] = {"truth": truth, "calls": calls, "germline": germline}
    if not patients:
        raise InputError(f"{kit}/truth: no somatic truth for any patient of this run")
    return certificate(patients)


# --- expression -----------------------------------------------------------------------------


def _spearman(a, b) -> float:
    return float(a.rank().corr(b.rank()))


def _pearson_log(a, b) -> float:
    import numpy as np

    return float(np.log2(a + 1).corr(np.log2(b + 1)))


def expression_certificate(kit: Path, genes_counts: str, genes_tpm: str, tx_tpm: str) -> dict:
    """Correlations of concord's matrices with the kit's expression truth, per RNA sample.

    Truth rows missing from concord's matrices (transcripts or genes the expression annotation
    leaves out) count as 0, so leaving things out is not rewarded.
    """
    import pandas as pd

    truth_genes = pd.read_csv(kit / "truth" / "expression.genes.tsv", sep="\t")
    truth_tx = pd.read_csv(kit / "truth" / "expression.transcripts.tsv", sep="\t")
    counts = pd.read_csv(genes_counts, sep="\t").set_index("gene_id")
    tpm = pd.read_csv(genes_tpm, sep="\t").set_index("gene_id")
    ttpm = pd.read_csv(tx_tpm, sep="\t").set_index("transcript_id")
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
