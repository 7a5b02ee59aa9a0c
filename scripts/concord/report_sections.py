"""The report's own sections as MultiQC custom content: verdicts, thresholds, identity, somatic,
panel (BRCA1/2), expression QC and the conformance verdict.

`build_sections` takes the run's samples and pairs, the QC files keyed by sample or pair, and
the report settings, and returns {section name: custom-content dict}; the adapter only writes
them. Every section copes with empty content (no pairs, no PASS calls, no panel variants).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from concord.expression import QC_WARNINGS
from concord.report import (
    VERDICT_COLOURS,
    Check,
    checks_from_config,
    custom_content,
    flagstat_mapping_rate,
    judge_sample,
    markdup_duplication_rate,
    number,
    panel_fraction_at_depth,
    panel_mean_depth,
    somatic_summary,
    table_headers,
    vaf_histogram,
    verdict_header,
)

FRACTION = {"min": 0, "max": 1, "format": "{:,.3f}"}  # fractions, as the thresholds are written


@dataclass
class ReportFiles:
    """The files the sections read: per DNA sample, per pair (`tumor_vs_normal`), or per run."""

    flagstat: dict[str, str] = field(default_factory=dict)
    markdup: dict[str, str] = field(default_factory=dict)
    panel_depth: dict[str, str] = field(default_factory=dict)
    somatic_vcf: dict[str, str] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)
    brca_variants: list[str] = field(default_factory=list)
    brca_coverage: list[str] = field(default_factory=list)
    expression_qc: str | None = None
    certificate: str | None = None
    share_summary: str | None = None


def pair_key(pair: dict) -> str:
    """A pair's row name: as bcftools stats names the pair's VCF in General Statistics."""
    return f"{pair['tumor']}_vs_{pair['normal']}"


def pair_label(pair: dict) -> str:
    return f"{pair['tumor']} vs {pair['normal']}"


def note(section: dict, text: str) -> dict:
    """The section as one sentence, for when there is nothing to tabulate or plot: MultiQC drops
    an empty table or an all-zero bar plot without a word, and a reviewer must see why."""
    kept = {k: section[k] for k in ("id", "section_name", "description")}
    return {**kept, "plot_type": "html", "data": f"<p><strong>{text}</strong></p>"}


def panel_title(genes: list[str]) -> str:
    """The panel's genes as configured, e.g. "BRCA1/BRCA2"."""
    return "/".join(dict.fromkeys(genes)) or "Panel"


def read_tables(paths: list[str]) -> pd.DataFrame:
    frames = [pd.read_csv(p, sep="\t", dtype={"exon": str, "intron": str}) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def build_sections(
    samples: list[dict], pairs: list[dict], files: ReportFiles, settings: dict
) -> dict[str, dict]:
    """Every custom-content section this run has, by section name."""
    depth = settings["panel_min_depth"]
    checks = checks_from_config(settings["report"], depth, settings["rna_min_mapping_rate"])
    coverage = read_tables(files.brca_coverage)
    expression = read_tables([files.expression_qc] if files.expression_qc else [])
    identity = {
        pair_key(p): json.loads(Path(files.identity[pair_key(p)]).read_text()) for p in pairs
    }
    somatic = {pair_key(p): somatic_summary(files.somatic_vcf[pair_key(p)]) for p in pairs}

    sections = {
        "verdicts": verdicts_section(
            samples, pairs, files, checks, depth, coverage, expression, identity, somatic
        ),
        "thresholds": thresholds_section(checks, settings["report"]["identity"]),
        "identity": identity_section(pairs, identity, settings["report"]["identity"]),
        "somatic_summary": somatic_summary_section(pairs, somatic),
        "somatic_vaf": somatic_vaf_section(pairs, somatic),
    }
    if files.brca_variants:
        genes = panel_title(settings.get("panel_genes", []))
        sections["brca_findings"] = brca_findings_section(read_tables(files.brca_variants), genes)
        sections["brca_coverage"] = brca_coverage_section(coverage, depth, genes)
    if files.expression_qc:
        sections["expression_qc"] = expression_section(expression, settings["rna_min_mapping_rate"])
    if files.certificate:
        sections |= conformance_sections(files.certificate)
    if files.share_summary:
        sections["sharing"] = sharing_section(json.loads(Path(files.share_summary).read_text()))
    return sections


# --- General Statistics: one row per sample and per pair --------------------------------------


def sample_metrics(
    samples, files: ReportFiles, depth: int, coverage, expression, identity_of: dict
) -> dict[str, dict]:
    """The metrics behind each sample's verdict, keyed by sample."""
    metrics = {}
    covered = set(coverage.get("sample", []))
    for s in samples:
        sample = s["sample"]
        if s["assay"] != "dna":
            continue
        m = {
            "mapping_rate": flagstat_mapping_rate(files.flagstat[sample]),
            "duplication_rate": markdup_duplication_rate(files.markdup[sample]),
        }
        if sample in files.panel_depth:
            m["panel_mean_depth"] = panel_mean_depth(files.panel_depth[sample])
        if sample in covered:
            m["panel_fraction_at_depth"] = panel_fraction_at_depth(coverage, sample, depth)
        if sample in identity_of:
            m["identity_concordance"] = identity_of[sample]["concordance"]
        metrics[sample] = m
    for row in expression.to_dict("records"):
        metrics[row["sample"]] = {
            "rna_mapping_rate": float(row["mapping_rate"]),
            "genes_detected": int(row["genes_detected"]),
        }
    return metrics


def verdicts_section(
    samples, pairs, files, checks: list[Check], depth, coverage, expression, identity, somatic
) -> dict:
    identity_of = {}  # a tumour's verdict is its first pair's
    for p in pairs:
        identity_of.setdefault(p["tumor"], identity[pair_key(p)])
    metrics = sample_metrics(samples, files, depth, coverage, expression, identity_of)
    rows = {}
    for s in samples:
        sample = s["sample"]
        if sample in metrics:
            verdict = identity_of.get(sample, {}).get("verdict")
            rows[sample] = {**judge_sample(metrics[sample], checks, verdict), **metrics[sample]}
    for p in pairs:
        result = identity[pair_key(p)]
        rows[pair_key(p)] = {
            "verdict": result["verdict"],
            "reasons": "-" if result["verdict"] == "pass" else f"identity: {result['verdict']}",
            "identity_concordance": result["concordance"],
            "somatic_pass": somatic[pair_key(p)][0]["PASS"],
        }
    rule = {c.metric: c.rule_text() for c in checks}
    headers = {
        "verdict": verdict_header("QC verdict", "Worst verdict over the sample's checks"),
        "reasons": {"title": "Not passed", "description": "Checks that warn or fail"},
        "mapping_rate": {"title": "Mapped", **FRACTION, "description": rule["mapping_rate"]},
        "duplication_rate": {"title": "Dups", **FRACTION, "description": rule["duplication_rate"]},
        "panel_mean_depth": {
            "title": "Panel depth", "suffix": "x", "format": "{:,.0f}",
            "description": "Mean depth, panel coding exons; " + rule["panel_mean_depth"],
        },
        "panel_fraction_at_depth": {
            "title": f">= {depth}x", **FRACTION,
            "description": f"Panel coding bases at >= {depth}x; " + rule["panel_fraction_at_depth"],
        },
        "identity_concordance": {
            "title": "T-N concordance", **FRACTION,
            "description": "Genotype concordance with the normal; " + rule["identity_concordance"],
        },
        "rna_mapping_rate": {
            "title": "Mapped (RNA)", **FRACTION, "description": rule["rna_mapping_rate"],
        },
        "genes_detected": {"title": "Genes", "format": "{:,.0f}", "description": ">= 1 fragment"},
        "somatic_pass": {
            "title": "Somatic PASS", "format": "{:,.0f}",
            "description": "PASS calls in the pair's somatic VCF",
        },
    }  # fmt: skip
    rules = "; ".join(f"{c.title}: {c.rule_text()}" for c in checks)
    return custom_content(
        "concord_verdicts",
        "QC verdicts",
        "Per-sample verdicts; a pair's row (tumour_vs_normal) carries its identity verdict "
        f"and its somatic PASS calls. Thresholds: {rules}.",
        "generalstats",
        rows,
        headers=headers,
    )


def thresholds_section(checks: list[Check], identity_rule: dict) -> dict:
    rows = {
        c.title: {
            "metric": c.metric,
            "applies to": c.applies_to,
            "warn": f"{c.warn:g}",
            "fail": f"{c.fail:g}",
            "rule": c.rule_text(),
        }
        for c in checks
    }
    return custom_content(
        "concord_thresholds",
        "QC thresholds",
        "The thresholds behind every verdict in this report, from the run's config "
        f"(`report:`). Identity uses SNVs with >= {identity_rule['min_depth']} reads and genotype "
        f"quality >= {identity_rule['min_gq']} in both samples; fewer than "
        f"{identity_rule['min_sites']} informative sites is a warning.",
        "table",
        rows,
        pconfig={"id": "concord_thresholds_table", "title": "Thresholds"},
    )


# --- tumour/normal identity and somatic calls -------------------------------------------------


def identity_section(pairs: list[dict], identity: dict, identity_rule: dict) -> dict:
    rows = {
        pair_label(p): {
            "patient": p["patient"],
            "informative_sites": identity[pair_key(p)]["sites"],
            "concordant_sites": identity[pair_key(p)]["concordant"],
            "concordance": identity[pair_key(p)]["concordance"],
            "verdict": identity[pair_key(p)]["verdict"],
        }
        for p in pairs
    }
    section = custom_content(
        "concord_identity",
        "Tumour/normal identity",
        "Genotype concordance of each tumour with its normal at the pair's own germline SNV "
        "sites (normal carries the ALT, or tumour is homozygous ALT). A tumour and a normal "
        f"of one person agree at nearly all of them; below {identity_rule['min_concordance']:g} "
        "the pair fails.",
        "table",
        rows,
        pconfig={"id": "concord_identity_table", "title": "Identity"},
        headers={
            "patient": {"title": "Patient"},
            "informative_sites": {"title": "Sites", "format": "{:,.0f}"},
            "concordant_sites": {"title": "Concordant", "format": "{:,.0f}"},
            "concordance": {"title": "Concordance", "min": 0, "max": 1, "format": "{:,.3f}"},
            "verdict": verdict_header("Verdict", "pass / warn (too few sites) / fail"),
        },
    )
    return section if rows else note(section, "No tumour/normal pairs in this run.")


def somatic_summary_section(pairs: list[dict], somatic: dict) -> dict:
    rows = {pair_label(p): somatic[pair_key(p)][0] for p in pairs}
    columns = list(next(iter(rows.values()), {}))
    section = custom_content(
        "concord_somatic_summary",
        "Somatic calls",
        "Per pair: records in the standardized somatic VCF, PASS calls, and records per "
        "FILTER reason (a record can have several).",
        "table",
        rows,
        pconfig={"id": "concord_somatic_table", "title": "Somatic calls"},
        headers=table_headers(columns, **{k: number(k, 0) for k in columns}),
    )
    return section if rows else note(section, "No tumour/normal pairs in this run.")


def somatic_vaf_section(pairs: list[dict], somatic: dict) -> dict:
    histograms = {pair_label(p): vaf_histogram(somatic[pair_key(p)][1]) for p in pairs}
    section = custom_content(
        "concord_somatic_vaf",
        "Somatic VAF distribution",
        "Tumour allele fraction of PASS somatic calls, per pair.",
        "bargraph",
        histograms,
        pconfig={
            "id": "concord_somatic_vaf_plot",
            "title": "PASS calls by tumour VAF",
            "ylab": "PASS calls",
            "cpswitch": False,
        },
    )
    if any(any(h.values()) for h in histograms.values()):
        return section
    return note(section, "No PASS somatic call in any pair: nothing to plot.")


# --- panel, expression, conformance -----------------------------------------------------------

BRCA_FINDING_COLUMNS = (
    "patient", "origin", "gene", "hgvs_c", "hgvs_p", "consequence",
    "clinvar_significance", "tumor_vaf", "normal_vaf",
)  # fmt: skip


def brca_findings_section(variants: pd.DataFrame, genes: str) -> dict:
    findings = {
        f"{r['patient']} {r['chrom']}:{r['pos']} {r['ref']}>{r['alt']}": {
            c: r[c] for c in BRCA_FINDING_COLUMNS
        }
        for r in variants.fillna("").to_dict("records")
    }
    section = custom_content(
        "concord_brca_findings",
        f"{genes} findings",
        "Panel variants of each patient (PASS somatic and germline calls) named on the "
        "configured panel transcripts, with their ClinVar class and allele fractions.",
        "table",
        findings,
        pconfig={"id": "concord_brca_table", "title": f"{genes} findings"},
        headers=table_headers(
            list(BRCA_FINDING_COLUMNS),
            tumor_vaf=number("tumor_vaf", 3),
            normal_vaf=number("normal_vaf", 3),
        ),
    )
    if findings:
        return section
    return note(section, f"No PASS somatic or germline variant on the {genes} transcripts.")


def brca_coverage_section(coverage: pd.DataFrame, depth: int, genes: str) -> dict:
    fraction = f"frac_ge_{depth}x"
    exons = {
        f"{r['sample']} {r['gene']} exon {r['exon'].replace('/', ' of ')}": {
            "gene": r["gene"],
            "transcript": r["transcript"],
            "length": r["length"],
            fraction: r[fraction],
            "verdict": r["verdict"],
        }
        for r in coverage.to_dict("records")
    }
    section = custom_content(
        "concord_brca_coverage",
        f"{genes} exon coverage",
        f"Per coding exon and sample: fraction of bases at >= {depth}x and the verdict of "
        "the panel coverage rule (config `brca:`).",
        "table",
        exons,
        pconfig={"id": "concord_brca_coverage_table", "title": f"{genes} exon coverage"},
        headers=table_headers(
            ["gene", "transcript", "length", fraction, "verdict"],
            length=number("length", 0),
            **{fraction: number(fraction, 4)},
            verdict=verdict_header("verdict", "pass / fail per exon"),
        ),
    )
    return section if exons else note(section, f"No coding exon of the {genes} transcripts.")


def expression_section(expression: pd.DataFrame, min_mapping_rate: float) -> dict:
    rows = {}
    for r in expression.to_dict("records"):
        # empty cells (no warnings; no sense fraction when nothing mapped) read back as NaN
        row = {k: None if pd.isna(v) else v for k, v in r.items() if k != "sample"}
        row["warnings"] = row.get("warnings") or ""
        rows[r["sample"]] = row
    warn = {"warn": VERDICT_COLOURS["warn"]}
    return custom_content(
        "concord_expression_qc",
        "Expression QC",
        "Per RNA sample: fragments and salmon's mapping rate; the strandedness found from the "
        "sense fraction of salmon's unstranded mapping of the first read pairs, the library "
        "type salmon then quantified with and the share of fragments compatible with it; "
        "genes with >= 1 fragment; salmon's warnings on the library type; the verdict (a failed "
        f"sample is left out of the matrices; floor {min_mapping_rate:g}). docs/expression.md "
        "explains each column.",
        "table",
        rows,
        pconfig={"id": "concord_expression_table", "title": "Expression"},
        headers=table_headers(
            [c for c in expression.columns if c != "sample"],
            fragments=number("fragments", 0),
            mapping_rate=number("mapping_rate", 4),
            strandedness={
                "title": "strandedness",
                "description": "stranded_forward, stranded_reverse, unstranded or undetermined",
                "cond_formatting_rules": {"warn": [{"s_eq": "undetermined"}]},
                "cond_formatting_colours": [warn],
            },
            sense_fraction={
                **number("sense_fraction", 4),
                "description": "pairs with read 1 on the transcript's strand: ISF / (ISF + ISR)",
            },
            library_type={"title": "library_type", "description": "salmon's -l, e.g. ISR"},
            compatible_fragment_ratio={
                **number("compatible_fragment_ratio", 4),
                "description": "share of fragments compatible with the library type (salmon)",
            },
            genes_detected=number("genes_detected", 0),
            warnings={
                "title": "warnings",
                "description": "salmon's warnings on the library type, and concord's",
                "cond_formatting_rules": {"warn": [{"s_contains": w} for w in QC_WARNINGS]},
                "cond_formatting_colours": [warn],
            },
            verdict=verdict_header("verdict", "pass, or fail and why"),
        ),
    )


def conformance_sections(certificate: str) -> dict[str, dict]:
    """The certificate's two verdicts: conformance (kit, reference, toolchain, each output's
    equivalence) and accuracy (each network target met or missed)."""
    data = json.loads(Path(certificate).read_text())
    verdict = data["conformance"]["verdict"]
    # row names are labels: MultiQC cleans row names like file names ("x.germline..." -> "x")
    rows = {
        "Kit integrity": _check_row(
            data["kit"], f"{data['kit'].get('files_checked', 0)} files checked"
        ),
    }
    for name in ("reference", "toolchain"):
        if name in data:
            rows[name.capitalize()] = _check_row(data[name], "")
    outputs = data.get("equivalence", {}).get("outputs", {})
    for n, (path, result) in enumerate(sorted(outputs.items()), start=1):
        rows[f"Output {n:02d}"] = {
            "file": path,
            "status": result["status"],
            "detail": result.get("tolerance") or _difference(result),
        }
    reasons = "; ".join(data["conformance"]["reasons"][:5]) or "none"
    conformance = custom_content(
        "concord_conformance",
        f"Conformance: {verdict}",
        f"Certificate for kit `{data['kit'].get('name')}` (results/conformance/certificate.json): "
        f"**{verdict}**. Does this installation reproduce the network's reference outputs? The "
        f"kit, the reference, the toolchain and every standardized output decide. Reasons: "
        f"{reasons}.",
        "table",
        rows,
        pconfig={"id": "concord_conformance_table", "title": "Conformance"},
        headers=table_headers(["file", "status", "detail"]),
    )
    accuracy = data.get("accuracy", {})
    targets = {
        t["label"]: {
            "metric": t["metric"],
            "value": t["value"],
            "target": t["target"],
            "met": t["met"],
        }
        for t in accuracy.get("targets", [])
    }
    accuracy_section = custom_content(
        "concord_accuracy",
        "Accuracy against the kit's truth",
        "The method's scores against the kit's truth and the network's targets "
        "(resources/conformance/targets.yaml). A missed target describes the method; it does not "
        "fail an installation whose outputs equal the reference outputs.",
        "table",
        targets,
        pconfig={"id": "concord_accuracy_table", "title": "Accuracy"},
        headers=table_headers(["metric", "value", "target", "met"], value=number("value", 4)),
    )
    if not targets:
        accuracy_section = note(accuracy_section, "No network target applies to this run.")
    return {"conformance": conformance, "accuracy": accuracy_section}


def sharing_section(summary: dict) -> dict:
    """Which samples are in the share bundle and under which consent; who was left out."""
    rows = {
        s["sample"]: {
            "in_bundle": "yes" if s["shared"] else "no",
            "data_use": s["data_use"] or "none",
        }
        for s in summary["samples_detail"]
    }
    left_out = ", ".join(summary["excluded_samples"]) or "none"
    return custom_content(
        "concord_sharing",
        "Sharing",
        f"{summary['shared']} of {summary['samples']} samples are in the share bundle "
        f"(results/share/, {summary['files']} files, pseudonyms only); {summary['excluded']} left "
        f"out for lack of sharing consent: {left_out}. The table of pseudonyms, "
        "results/share_local/pseudonyms.tsv, stays at the centre.",
        "table",
        rows,
        pconfig={"id": "concord_sharing_table", "title": "Sharing"},
        headers={
            "in_bundle": {
                "title": "in bundle",
                "description": "consent_share yes: the sample's data are in results/share/",
                "cond_formatting_rules": {"pass": [{"s_eq": "yes"}], "warn": [{"s_eq": "no"}]},
                "cond_formatting_colours": [
                    {"pass": VERDICT_COLOURS["pass"]}, {"warn": VERDICT_COLOURS["warn"]},
                ],
            },
            "data_use": {"title": "data use", "description": "GA4GH DUO terms of the consent"},
        },
    )  # fmt: skip


def _check_row(section: dict, detail: str) -> dict:
    problems = section.get("problems", [])
    return {
        "file": "",
        "status": "FAIL" if problems else "ok",
        "detail": "; ".join(problems[:3]) or detail or "-",
    }


def _difference(result: dict) -> str:
    detail = result.get("detail")
    if not isinstance(detail, dict):
        return detail or "-"
    counts = detail.get("counts", {})
    parts = [f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v]
    return ", ".join(parts) or detail.get("header", "-")


# --- software versions ------------------------------------------------------------------------

VERSION_GROUPS = {"workflow": "Workflow", "dna": "DNA tools", "rna": "RNA tools"}


def version_shown(row: dict) -> str:
    """The version that ran, and the pin beside it when they differ (a development install)."""
    if row.get("status") == "differs":
        return f"{row['version']} (pinned: {row['pin']})"
    return row["version"]


def versions_yaml(rows: list[dict]) -> str:
    """MultiQC's `*_mqc_versions.yml` from the run's software_versions.tsv rows, by group."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(VERSION_GROUPS.get(row["group"], "Python packages"), []).append(row)
    order = [*VERSION_GROUPS.values(), "Python packages"]
    lines = []
    for group in sorted(groups, key=order.index):
        lines.append(f"{group}:")
        lines += [f'  {r["tool"]}: "{version_shown(r)}"' for r in groups[group]]
    return "\n".join(lines) + "\n"
