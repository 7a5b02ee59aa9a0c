"""The report's own sections as MultiQC custom content: verdicts, identity, somatic, BRCA,
expression QC and the conformance verdict."""

import json
from pathlib import Path

import pandas as pd
from concord.report import (
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
    write_json,
)


def read_tables(paths: list[str]) -> pd.DataFrame:
    frames = [pd.read_csv(p, sep="\t", dtype={"exon": str, "intron": str}) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def main(inputs: dict, samples: list[dict], pairs: list[dict], settings: dict, outdir: str):
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    depth = settings["panel_min_depth"]
    checks = checks_from_config(settings["report"], depth, settings["rna_min_mapping_rate"])
    dna = [s["sample"] for s in samples if s["assay"] == "dna"]
    coverage = read_tables(inputs["brca_coverage"])

    # identity, one row per pair; the verdict is the tumour's
    identity_rows, identity_of = {}, {}
    for pair, path in zip(pairs, inputs["identity"], strict=True):
        result = json.loads(Path(path).read_text())
        name = f"{pair['tumor']} vs {pair['normal']}"
        identity_rows[name] = {
            "patient": pair["patient"],
            "informative_sites": result["sites"],
            "concordant_sites": result["concordant"],
            "concordance": result["concordance"],
            "verdict": result["verdict"],
        }
        identity_of.setdefault(pair["tumor"], result)

    # per-sample metrics and verdicts
    metrics = {}
    for i, sample in enumerate(dna):
        m = {
            "mapping_rate": flagstat_mapping_rate(inputs["flagstat"][i]),
            "duplication_rate": markdup_duplication_rate(inputs["markdup"][i]),
        }
        if inputs["panel_depth"]:
            m["panel_mean_depth"] = panel_mean_depth(inputs["panel_depth"][i])
        if sample in set(coverage.get("sample", [])):
            m["panel_fraction_at_depth"] = panel_fraction_at_depth(coverage, sample, depth)
        if sample in identity_of:
            m["identity_concordance"] = identity_of[sample]["concordance"]
        metrics[sample] = m
    expression = read_tables(inputs["expression_qc"])
    for row in expression.to_dict("records"):
        metrics[row["sample"]] = {
            "rna_mapping_rate": float(row["mapping_rate"]),
            "genes_detected": int(row["genes_detected"]),
        }
    verdicts = {}
    for s in samples:
        sample = s["sample"]
        if sample not in metrics:
            continue
        identity = identity_of.get(sample, {}).get("verdict")
        verdicts[sample] = {**judge_sample(metrics[sample], checks, identity), **metrics[sample]}

    summary, histograms = {}, {}
    for pair, vcf in zip(pairs, inputs["somatic_vcf"], strict=True):
        name = f"{pair['tumor']} vs {pair['normal']}"
        summary[name], vafs = somatic_summary(vcf)
        histograms[name] = vaf_histogram(vafs)
    # a pair's row (named as bcftools names the pair's VCF): its identity verdict and PASS calls
    for pair in pairs:
        name = f"{pair['tumor']} vs {pair['normal']}"
        identity = identity_rows[name]
        verdicts[f"{pair['tumor']}_vs_{pair['normal']}"] = {
            "verdict": identity["verdict"],
            "reasons": "-" if identity["verdict"] == "pass" else f"identity: {identity['verdict']}",
            "identity_concordance": identity["concordance"],
            "somatic_pass": summary[name]["PASS"],
        }

    rules = "; ".join(f"{c.title}: {c.rule_text()}" for c in checks)
    rule = {c.metric: c.rule_text() for c in checks}
    pct = {"min": 0, "max": 1, "format": "{:,.3f}"}  # fractions, as the thresholds are written
    headers = {
        "verdict": verdict_header("QC verdict", "Worst verdict over the sample's checks"),
        "reasons": {"title": "Not passed", "description": "Checks that warn or fail"},
        "mapping_rate": {"title": "Mapped", **pct, "description": rule["mapping_rate"]},
        "duplication_rate": {"title": "Dups", **pct, "description": rule["duplication_rate"]},
        "panel_mean_depth": {
            "title": "Panel depth", "suffix": "x", "format": "{:,.0f}",
            "description": "Mean depth, panel coding exons; " + rule["panel_mean_depth"],
        },
        "panel_fraction_at_depth": {
            "title": f">= {depth}x", **pct,
            "description": f"Panel coding bases at >= {depth}x; " + rule["panel_fraction_at_depth"],
        },
        "identity_concordance": {
            "title": "T-N concordance", **pct,
            "description": "Genotype concordance with the normal; " + rule["identity_concordance"],
        },
        "rna_mapping_rate": {
            "title": "Mapped (RNA)", **pct, "description": rule["rna_mapping_rate"],
        },
        "genes_detected": {"title": "Genes", "format": "{:,.0f}", "description": ">= 1 fragment"},
        "somatic_pass": {
            "title": "Somatic PASS", "format": "{:,.0f}",
            "description": "PASS calls in the pair's somatic VCF",
        },
    }  # fmt: skip
    write_json(
        custom_content(
            "concord_verdicts",
            "QC verdicts",
            f"Per-sample verdicts; a pair's row (tumour_vs_normal) carries its identity verdict "
            f"and its somatic PASS calls. Thresholds: {rules}.",
            "generalstats",
            verdicts,
            headers=headers,
        ),  # fmt: skip
        out / "verdicts_mqc.json",
    )

    thresholds = {
        c.title: {
            "metric": c.metric,
            "applies to": c.applies_to,
            "warn": f"{c.warn:g}",
            "fail": f"{c.fail:g}",
            "rule": c.rule_text(),
        }
        for c in checks
    }
    ident = settings["report"]["identity"]
    write_json(
        custom_content(
            "concord_thresholds",
            "QC thresholds",
            "The thresholds behind every verdict in this report, from the run's config "
            f"(`report:`). Identity uses SNVs with >= {ident['min_depth']} reads and genotype "
            f"quality >= {ident['min_gq']} in both samples; fewer than {ident['min_sites']} "
            "informative sites is a warning.",
            "table",
            thresholds,
            pconfig={"id": "concord_thresholds_table", "title": "Thresholds"},
        ),  # fmt: skip
        out / "thresholds_mqc.json",
    )

    write_json(
        custom_content(
            "concord_identity",
            "Tumour/normal identity",
            "Genotype concordance of each tumour with its normal at the pair's own germline SNV "
            "sites (normal carries the ALT, or tumour is homozygous ALT). A tumour and a normal "
            f"of one person agree at nearly all of them; below {ident['min_concordance']:g} the "
            "pair fails.",
            "table",
            identity_rows,
            pconfig={"id": "concord_identity_table", "title": "Identity"},
            headers={
                "patient": {"title": "Patient"},
                "informative_sites": {"title": "Sites", "format": "{:,.0f}"},
                "concordant_sites": {"title": "Concordant", "format": "{:,.0f}"},
                "concordance": {"title": "Concordance", "min": 0, "max": 1, "format": "{:,.3f}"},
                "verdict": verdict_header("Verdict", "pass / warn (too few sites) / fail"),
            },
        ),  # fmt: skip
        out / "identity_mqc.json",
    )

    write_json(
        custom_content(
            "concord_somatic_summary",
            "Somatic calls",
            "Per pair: records in the standardized somatic VCF, PASS calls, and records per "
            "FILTER reason (a record can have several).",
            "table",
            summary,
            pconfig={"id": "concord_somatic_table", "title": "Somatic calls"},
            headers=table_headers(
                list(next(iter(summary.values()), {})),
                **{k: number(k, 0) for k in next(iter(summary.values()), {})},
            ),
        ),  # fmt: skip
        out / "somatic_summary_mqc.json",
    )
    write_json(
        custom_content(
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
        ),  # fmt: skip
        out / "somatic_vaf_mqc.json",
    )

    if inputs["brca_variants"]:
        write_brca_sections(inputs, coverage, depth, out)
    if inputs["expression_qc"]:
        rows = {
            r["sample"]: {k: v for k, v in r.items() if k != "sample"}
            for r in expression.to_dict("records")
        }
        write_json(
            custom_content(
                "concord_expression_qc",
                "Expression QC",
                "Per RNA sample: fragments, salmon's mapping rate and inferred library type, "
                "genes with >= 1 fragment, and the verdict (a failed sample is left out of the "
                f"matrices; floor {settings['rna_min_mapping_rate']:g}).",
                "table",
                rows,
                pconfig={"id": "concord_expression_table", "title": "Expression"},
                headers=table_headers(
                    [c for c in expression.columns if c != "sample"],
                    fragments=number("fragments", 0),
                    mapping_rate=number("mapping_rate", 4),
                    genes_detected=number("genes_detected", 0),
                    verdict=verdict_header("verdict", "pass, or fail and why"),
                ),
            ),  # fmt: skip
            out / "expression_qc_mqc.json",
        )
    if inputs["certificate"]:
        write_conformance_section(inputs["certificate"][0], out)


def write_brca_sections(inputs: dict, coverage: pd.DataFrame, depth: int, out: Path) -> None:
    variants = read_tables(inputs["brca_variants"]).fillna("")
    columns = [
        "patient", "origin", "gene", "hgvs_c", "hgvs_p", "consequence",
        "clinvar_significance", "tumor_vaf", "normal_vaf",
    ]  # fmt: skip
    findings = {
        f"{r['patient']} {r['chrom']}:{r['pos']} {r['ref']}>{r['alt']}": {c: r[c] for c in columns}
        for r in variants.to_dict("records")
    }
    write_json(
        custom_content(
            "concord_brca_findings",
            "BRCA1/2 findings",
            "Panel variants of each patient (PASS somatic and germline calls) named on the MANE "
            "Select transcripts, with their ClinVar class and allele fractions.",
            "table",
            findings,
            pconfig={"id": "concord_brca_table", "title": "BRCA findings"},
            headers=table_headers(
                columns, tumor_vaf=number("tumor_vaf", 3), normal_vaf=number("normal_vaf", 3)
            ),
        ),  # fmt: skip
        out / "brca_findings_mqc.json",
    )
    exons = {
        f"{r['sample']} {r['gene']} exon {r['exon'].replace('/', ' of ')}": {
            "gene": r["gene"],
            "transcript": r["transcript"],
            "length": r["length"],
            f"frac_ge_{depth}x": r[f"frac_ge_{depth}x"],
            "verdict": r["verdict"],
        }
        for r in coverage.to_dict("records")
    }
    write_json(
        custom_content(
            "concord_brca_coverage",
            "BRCA1/2 exon coverage",
            f"Per coding exon and sample: fraction of bases at >= {depth}x and the verdict of "
            "the BRCA coverage rule (config `brca:`).",
            "table",
            exons,
            pconfig={"id": "concord_brca_coverage_table", "title": "BRCA exon coverage"},
            headers=table_headers(
                ["gene", "transcript", "length", f"frac_ge_{depth}x", "verdict"],
                length=number("length", 0),
                **{f"frac_ge_{depth}x": number(f"frac_ge_{depth}x", 4)},
                verdict=verdict_header("verdict", "pass / fail per exon"),
            ),
        ),  # fmt: skip
        out / "brca_coverage_mqc.json",
    )


def write_conformance_section(certificate: str, out: Path) -> None:
    data = json.loads(Path(certificate).read_text())
    verdict = data["verdict"]
    # row names are labels: MultiQC cleans row names like file names ("x.germline..." -> "x")
    rows = {
        c["label"]: {
            "metric": c["metric"], "value": c["value"], "target": c["target"],
            "met": "yes" if c["met"] else "no",
        }
        for c in verdict["criteria"]
    }  # fmt: skip
    write_json(
        custom_content(
            "concord_conformance",
            f"Conformance: {verdict['overall'].upper()}",
            f"Certificate against kit `{data['kit']}` (results/conformance/certificate.json): "
            f"overall **{verdict['overall']}**; each network target below.",
            "table",
            rows,
            pconfig={"id": "concord_conformance_table", "title": "Conformance"},
            headers=table_headers(["metric", "value", "target", "met"], value=number("value", 4)),
        ),  # fmt: skip
        out / "conformance_mqc.json",
    )


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    keys = (
        "flagstat", "markdup", "panel_depth", "somatic_vcf", "identity", "brca_variants",
        "brca_coverage", "expression_qc", "certificate",
    )  # fmt: skip
    main(
        {k: list(s.input[k]) for k in keys},
        list(s.params.samples), list(s.params.pairs), dict(s.params.settings),
        str(Path(s.output[0]).parent),
    )  # fmt: skip
