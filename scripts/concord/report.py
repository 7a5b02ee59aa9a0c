"""The reviewer's report: per-sample verdicts and the custom-content sections for MultiQC.

Every section is written as a MultiQC custom-content JSON file (`*_mqc.json`) that carries its
own title, description and column headers, so the thresholds printed in the report are the ones
the verdicts were computed with.
"""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import pysam

from concord.somatic import SOMATIC_FILTERS

VERDICT_ORDER = {"pass": 0, "warn": 1, "fail": 2}
VAF_BINS = [0.0, 0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.75, 1.0001]


# --- reading the tools' own QC files ----------------------------------------------------------


def flagstat_mapping_rate(path: str) -> float:
    """Primary reads mapped / primary reads, from `samtools flagstat`."""
    counts = {}
    with open(path) as fh:
        for line in fh:
            number, _, rest = line.partition(" + ")
            label = rest.split(" ", 1)[1].split("(")[0].strip()
            counts[label] = int(number)
    return counts["primary mapped"] / counts["primary"] if counts.get("primary") else 0.0


def markdup_duplication_rate(path: str) -> float:
    """Duplicate primary reads / examined reads, from `samtools markdup -s -f`."""
    values = {}
    with open(path) as fh:
        for line in fh:
            key, sep, value = line.partition(":")
            if sep and key != "COMMAND":
                values[key.strip()] = int(value)
    return values["DUPLICATE PRIMARY TOTAL"] / values["EXAMINED"] if values["EXAMINED"] else 0.0


def panel_mean_depth(regions_bed_gz: str) -> float:
    """Length-weighted mean depth over the panel's coding exons (mosdepth --by regions)."""
    total = length = 0.0
    with gzip.open(regions_bed_gz, "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            n = int(f[2]) - int(f[1])
            total += n * float(f[-1])
            length += n
    return total / length if length else 0.0


def panel_fraction_at_depth(coverage: pd.DataFrame, sample: str, depth: int) -> float:
    """Fraction of the sample's panel coding bases at >= depth (the BRCA coverage table)."""
    rows = coverage[coverage["sample"] == sample]
    covered = (rows[f"frac_ge_{depth}x"] * rows["length"]).sum()
    return float(covered / rows["length"].sum()) if len(rows) else 0.0


# --- verdicts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One metric with its warn and fail levels; higher is better unless `upper` is set."""

    metric: str
    title: str
    warn: float
    fail: float
    upper: bool = False
    applies_to: str = "DNA"
    text: str = ""  # the rule in words, when it is not a plain warn/fail level

    def judge(self, value: float) -> str:
        if self.upper:
            return "fail" if value > self.fail else "warn" if value > self.warn else "pass"
        return "fail" if value < self.fail else "warn" if value < self.warn else "pass"

    def rule_text(self) -> str:
        if self.text:
            return self.text
        sign = ">" if self.upper else "<"
        return f"warn if {sign} {self.warn:g}, fail if {sign} {self.fail:g}"


def checks_from_config(report: dict, panel_depth: int, rna_fail: float) -> list[Check]:
    t = report
    return [
        Check("mapping_rate", "Mapped (DNA)", **t["mapping_rate"]),
        Check("duplication_rate", "Duplicates", **t["duplication_rate"], upper=True),
        Check("panel_mean_depth", "Panel mean depth", **t["panel_mean_depth"]),
        Check(
            "panel_fraction_at_depth",
            f"Panel bases >= {panel_depth}x",
            **t["panel_fraction_at_depth"],
        ),
        Check(
            "rna_mapping_rate",
            "Mapped (RNA)",
            t["rna_mapping_rate"]["warn"],
            rna_fail,
            applies_to="RNA",
        ),
        Check(
            "identity_concordance",
            "Tumour-normal concordance",
            t["identity"]["min_concordance"],
            t["identity"]["min_concordance"],
            applies_to="tumour",
            text=f"fail if < {t['identity']['min_concordance']:g}; warn if fewer than "
            f"{t['identity']['min_sites']} informative sites",
        ),
    ]


def judge_sample(metrics: dict, checks: list[Check], identity_verdict: str | None) -> dict:
    """Worst verdict over the sample's metrics, with every metric that is not a pass named."""
    verdicts = {}
    for check in checks:
        if check.metric == "identity_concordance":
            if identity_verdict is not None:
                verdicts[check.metric] = identity_verdict
        elif metrics.get(check.metric) is not None:
            verdicts[check.metric] = check.judge(metrics[check.metric])
    worst = max(verdicts.values(), key=VERDICT_ORDER.get, default="pass")
    reasons = [f"{m}: {v}" for m, v in verdicts.items() if v != "pass"]
    return {"verdict": worst, "reasons": "; ".join(reasons) if reasons else "-"}


# --- MultiQC custom content -------------------------------------------------------------------


def custom_content(
    section_id: str, name: str, description: str, plot_type: str, data: dict, **extra
) -> dict:
    return {
        "id": section_id,
        "section_name": name,
        "description": description,
        "plot_type": plot_type,
        "data": data,
        **extra,
    }


VERDICT_COLOURS = {"pass": "#2e7d32", "warn": "#ef6c00", "fail": "#c62828"}


def verdict_header(title: str, description: str) -> dict:
    return {
        "title": title,
        "description": description,
        "cond_formatting_rules": {v: [{"s_eq": v}] for v in VERDICT_COLOURS},
        "cond_formatting_colours": [{v: c} for v, c in VERDICT_COLOURS.items()],
    }


def somatic_summary(vcf: str) -> tuple[dict, list[float]]:
    """PASS count, count per FILTER reason and the tumour VAFs of PASS calls of one pair."""
    counts: Counter = Counter()
    vafs = []
    with pysam.VariantFile(vcf) as fh:
        for rec in fh:
            filters = list(rec.filter.keys())
            counts["records"] += 1
            for f in filters:
                counts[f] += 1
            if filters == ["PASS"]:
                vafs.append(float(rec.samples["TUMOR"]["AF"][0]))
    row = {"records": counts["records"], "PASS": counts["PASS"]}
    row.update({reason: counts[reason] for reason in SOMATIC_FILTERS if reason != "PASS"})
    return row, vafs


def vaf_histogram(vafs: list[float]) -> dict:
    bins = pd.cut(pd.Series(vafs, dtype=float), VAF_BINS, right=False)
    labels = [f"{lo:.2f}-{min(hi, 1):.2f}" for lo, hi in zip(VAF_BINS, VAF_BINS[1:], strict=False)]
    counts = bins.value_counts(sort=False).tolist()
    return dict(zip(labels, counts, strict=True))


def table_headers(columns: list[str], **special: dict) -> dict:
    """Headers for every column, in order (MultiQC shows only the columns given headers)."""
    return {c: special.get(c, {"title": c}) for c in columns}


def number(title: str, decimals: int) -> dict:
    return {"title": title, "format": f"{{:,.{decimals}f}}"}
