"""The pooled database's two reports: the cohort summary (`make pool-report`) and the tumour
board's sheet for one patient (`make tumour-board`, HTML and PDF). Static HTML with inline SVG
plots: no script runs in either page."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from concord.pool import SCHEMA_VERSION, meta
from concord.pool_query import run_query
from concord.svg_plots import bar_chart, box_plot

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
svg { display: block; margin: 0.5em 0; } .plots { overflow-x: auto; }
.note { color: #555; font-size: 0.9em; }
.bad { color: #a00; font-weight: bold; } .good { color: #070; }
@page { size: A4 landscape; margin: 1cm; }
@media print { body { margin: 0; max-width: none; } table { font-size: 0.75em; }
  h2 { page-break-after: avoid; } }
"""
# classes a board reads as actionable
PATHOGENIC = ("Pathogenic", "Likely_pathogenic", "Pathogenic/Likely_pathogenic")


def panel_genes(con, genes: list[str] | None) -> list[str]:
    """The genes the reports show: the given ones, else the panels the runs' bundles name."""
    if genes:
        return genes
    return [
        r[0] for r in con.execute("SELECT DISTINCT gene FROM run_panel ORDER BY gene").fetchall()
    ]


def table(columns: list[str], rows, classes: dict[int, callable] | None = None) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            text = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
            css = classes[i](v) if classes and i in classes else ""
            cells.append(
                f'<td class="{css}">{escape(text)}</td>' if css else f"<td>{escape(text)}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body = [f'<tr><td colspan="{len(columns)}" class="note">none</td></tr>']
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def page(title: str, sections: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        + "".join(f'<div class="plots">{x}</div>' if x.startswith("<svg") else x for x in sections)
        + "</body></html>\n"
    )


def _rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


# --- the cohort summary -----------------------------------------------------------------------


def summary_html(con, db_name: str, genes: list[str] | None = None) -> str:
    genes = panel_genes(con, genes)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        "<h1>The network's pooled cohort</h1>",
        f'<p class="note">Database {escape(db_name)} (schema {SCHEMA_VERSION}), reference '
        f"{escape(meta(con, 'reference_assembly') or '-')}, concord "
        f"{escape(meta(con, 'concord_major') or '-')}.x; panel genes: "
        f"{escape(', '.join(genes))}. Made {made}. Patients are centre + pseudonym; no "
        "pseudonym is shown here.</p>",
    ]

    centres = _rows(
        con,
        """SELECT r.centre, count(DISTINCT r.run_id),
            string_agg(DISTINCT r.concord_version, ', '), max(r.created),
            coalesce(string_agg(DISTINCT r.certificate_verdict, ', '), 'no certificate'),
            (SELECT count(DISTINCT patient) FROM samples s WHERE s.centre = r.centre),
            (SELECT count(*) FROM samples s WHERE s.centre = r.centre)
        FROM runs r WHERE r.run_id IN (SELECT run_id FROM samples)
        GROUP BY r.centre ORDER BY r.centre""",
    )
    sections += [
        "<h2>Centres</h2>",
        table(["centre", "runs with current data", "concord", "latest bundle", "certificate",
               "patients", "samples"], centres),
    ]  # fmt: skip

    consent = _rows(
        con,
        """SELECT centre, permission || coalesce(' ' || disease, '') ||
            CASE WHEN len(modifiers) > 0 THEN ' + ' || array_to_string(modifiers, ',') ELSE '' END,
            count(*) FROM samples GROUP BY ALL ORDER BY 1, 2""",
    )
    classes = sorted({r[1] for r in consent})
    names = [r[0] for r in centres]
    counts = {(r[0], r[1]): r[2] for r in consent}
    permissions = sorted({c.split(" ")[0] for c in classes})
    by_permission = {
        p: [sum(v for (c, k), v in counts.items() if c == centre and k.split(" ")[0] == p)
            for centre in names]
        for p in permissions
    }  # fmt: skip
    sections += [
        "<h2>Samples per consent class (GA4GH DUO)</h2>",
        table(["consent class", *names], [[k, *(counts.get((c, k), 0) for c in names)]
                                           for k in classes]),
        bar_chart("Samples per data use permission", names, by_permission, ylabel="samples"),
    ]  # fmt: skip

    variants = _rows(
        con,
        """SELECT centre,
            count(*) FILTER (WHERE origin = 'germline'), count(*) FILTER (WHERE origin = 'somatic'),
            count(DISTINCT variant_key), count(DISTINCT patient)
        FROM brca_findings WHERE list_contains(?, gene) GROUP BY centre ORDER BY centre""",
        [genes],
    )
    sections += [
        "<h2>Panel variants</h2>",
        table(["centre", "germline findings", "somatic findings", "distinct variants",
               "patients with a finding"], variants),
        bar_chart("Panel findings per centre", [r[0] for r in variants],
                  {"germline": [r[1] for r in variants], "somatic": [r[2] for r in variants]},
                  ylabel="findings"),
    ]  # fmt: skip

    columns, carriers = run_query(con, "carriers", {"genes": genes})
    keep = ["gene", "hgvs_c", "hgvs_p", "consequence", "germline_carriers", "somatic_carriers",
            "carriers", "centres"]  # fmt: skip
    top = [[row[columns.index(c)] for c in keep] for row in carriers[:10]]
    sections += ["<h2>Top recurrent variants</h2>", table(keep, top)]

    coverage = _rows(
        con,
        """WITH per_sample AS (
            SELECT centre, gene, sample, bool_and(verdict = 'pass') AS ok,
                count(*) FILTER (WHERE verdict <> 'pass') AS failing, count(*) AS exons
            FROM exon_coverage WHERE list_contains(?, gene) GROUP BY centre, gene, sample)
        SELECT centre, gene, count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok),
            sum(failing), sum(exons)
        FROM per_sample GROUP BY centre, gene ORDER BY centre, gene""",
        [genes],
    )
    sections += [
        "<h2>Exon coverage verdicts</h2>",
        '<p class="note">A sample with a failing exon cannot show that a gene has no variant.</p>',
        table(["centre", "gene", "samples sufficient", "samples insufficient", "exons failing",
               "exons"], coverage),
        bar_chart("Samples with insufficient panel coverage",
                  [f"{r[0]} {r[1]}" for r in coverage],
                  {"sufficient": [r[2] for r in coverage],
                   "insufficient": [r[3] for r in coverage]}, ylabel="samples"),
    ]  # fmt: skip

    sections.append("<h2>Expression of the panel genes (TPM, QC pass)</h2>")
    for gene in genes:
        values = _rows(
            con,
            """SELECT centre, tpm FROM expression WHERE gene_name = ? AND qc_verdict = 'pass'
            ORDER BY centre, tpm""",
            [gene],
        )
        groups: dict[str, list[float]] = {}
        for centre, tpm in values:
            groups.setdefault(centre, []).append(tpm)
        if groups:
            sections.append(box_plot(f"{gene} expression per centre", groups, ylabel="TPM"))
        else:
            sections.append(f'<p class="note">{escape(gene)}: no expression in the pool.</p>')
    columns, by_status = run_query(con, "expression_by_status", {"genes": genes})
    sections += [
        "<h3>By truncating variant status</h3>",
        table(columns, by_status),
    ]
    return page("Pooled cohort summary", sections)


# --- the tumour board's sheet -----------------------------------------------------------------


def patient_centre(con, patient: str, centre: str | None) -> str:
    rows = _rows(con, "SELECT DISTINCT centre FROM samples WHERE patient = ?", [patient])
    found = [r[0] for r in rows if centre in (None, r[0])]
    if not found:
        raise ValueError(f"patient {patient} is not in the database")
    if len(found) > 1:
        raise ValueError(f"patient {patient} is at centres {found}: give CENTRE=")
    return found[0]


def board_html(con, patient: str, centre: str | None = None, genes: list[str] | None = None):
    """The sheet: findings with class and origin, whether absence is informative, expression
    against the pool, and how many other patients carry each variant (their pseudonyms only when
    every sample of theirs allows clinical care use: DUO CC, or NRES)."""
    centre = patient_centre(con, patient, centre)
    genes = panel_genes(con, genes)
    run = _rows(
        con,
        """SELECT r.run_id, r.created, r.concord_version, r.assembly,
            coalesce(r.certificate_verdict, 'no certificate') FROM runs r
        WHERE r.run_id = (
            SELECT any_value(run_id) FROM samples WHERE centre = ? AND patient = ?)""",
        [centre, patient],
    )[0]
    samples = _rows(
        con,
        """SELECT sample, role, assay, permission || coalesce(' ' || disease, '') ||
            CASE WHEN len(modifiers) > 0 THEN ' + ' || array_to_string(modifiers, ',') ELSE '' END,
            consent_version FROM samples WHERE centre = ? AND patient = ? ORDER BY role, assay""",
        [centre, patient],
    )
    sections = [
        f"<h1>Molecular tumour board: patient {escape(patient)}</h1>",
        f'<p class="note">Centre {escape(centre)}, run {escape(run[0])} (bundle of {run[1]}, '
        f"concord {escape(run[2])}, reference {escape(run[3])}, conformance {escape(run[4])}). "
        f"Panel genes: {escape(', '.join(genes))}.</p>",
        table(["sample", "role", "assay", "data use", "consent form"], samples),
    ]

    findings = _rows(
        con,
        """WITH mine AS (
            SELECT * FROM brca_findings
            WHERE centre = ? AND patient = ? AND list_contains(?, gene)),
        others AS (
            SELECT f.variant_key, f.centre, f.patient,
                bool_and(s.permission = 'NRES' OR list_contains(s.modifiers, 'CC')) AS clinical
            FROM brca_findings f JOIN samples s ON s.centre = f.centre AND s.patient = f.patient
            WHERE f.variant_key IN (SELECT variant_key FROM mine)
                AND NOT (f.centre = ? AND f.patient = ?)
            GROUP BY f.variant_key, f.centre, f.patient)
        SELECT m.gene, m.hgvs_c, m.hgvs_p, m.consequence, m.origin,
            coalesce(m.clinvar_significance, 'not in ClinVar'), m.clinvar_release,
            m.tumor_vaf, m.normal_vaf,
            (SELECT count(*) FROM others o WHERE o.variant_key = m.variant_key),
            (SELECT count(DISTINCT o.centre) FROM others o WHERE o.variant_key = m.variant_key),
            (SELECT string_agg(o.centre || ' ' || o.patient, ', ' ORDER BY o.centre, o.patient)
                FROM others o WHERE o.variant_key = m.variant_key AND o.clinical)
        FROM mine m ORDER BY m.gene, m.pos""",
        [centre, patient, genes, centre, patient],
    )
    shown = [
        [*r[:5], f"{r[5]} ({r[6]})" if r[6] else r[5], _vaf(r[7], r[8]),
         f"{r[9]} at {r[10]} centre(s)" if r[9] else "none",
         _named(r[11]) or ("withheld (no clinical-care consent)" if r[9] else "")]
        for r in findings
    ]  # fmt: skip
    sections += [
        "<h2>Panel findings</h2>",
        table(
            ["gene", "HGVS c.", "HGVS p.", "consequence", "origin",
             "ClinVar class (release)", "VAF tumour / normal", "other carriers in the network",
             "named (clinical-care consent)"],
            shown,
            {5: lambda v: "bad" if v.split(" ")[0] in PATHOGENIC else ""},
        ),
        '<p class="note">Other carriers are counted over every centre; a carrier is named only '
        "when each of its samples' consent allows clinical care use (DUO CC, or NRES).</p>",
    ]  # fmt: skip

    coverage = _rows(
        con,
        """SELECT gene, role, sample, count(*) FILTER (WHERE verdict <> 'pass'), count(*),
            string_agg(exon, ',' ORDER BY start_pos) FILTER (WHERE verdict <> 'pass')
        FROM exon_coverage WHERE centre = ? AND patient = ? AND list_contains(?, gene)
        GROUP BY gene, role, sample ORDER BY gene, role""",
        [centre, patient, genes],
    )
    verdicts = [
        [g, role, s, f"{fail} of {n}", exons or "",
         "sufficient: absence is informative" if fail == 0 else
         f"insufficient: absence of {'germline' if role == 'normal' else 'somatic'} variants "
         "is not informative"]
        for g, role, s, fail, n, exons in coverage
    ]  # fmt: skip
    missing = [g for g in genes if g not in {r[0] for r in coverage}]
    sections += [
        "<h2>Is absence informative? Exon coverage</h2>",
        table(["gene", "role", "sample", "exons failing", "failing exons", "verdict"], verdicts,
              {5: lambda v: "good" if v.startswith("sufficient") else "bad"}),
    ]  # fmt: skip
    if missing:
        sections.append(
            f'<p class="bad">No coverage table for {escape(", ".join(missing))}: absence of '
            "variants there is not informative.</p>"
        )

    expression_rows, plots = [], []
    for gene in genes:
        mine = _rows(
            con,
            """SELECT tpm FROM expression WHERE centre = ? AND patient = ? AND gene_name = ?
            AND qc_verdict = 'pass'""",
            [centre, patient, gene],
        )
        cohort = [r[0] for r in _rows(
            con, "SELECT tpm FROM expression WHERE gene_name = ? AND qc_verdict = 'pass'", [gene]
        )]  # fmt: skip
        if not mine:
            expression_rows.append([gene, "no RNA (or QC failed)", "", len(cohort)])
            continue
        value = mine[0][0]
        below = sum(1 for v in cohort if v < value)
        percentile = round(100 * below / max(1, len(cohort) - 1), 1) if len(cohort) > 1 else 50.0
        expression_rows.append([gene, f"{value:g}", f"{percentile:g}", len(cohort)])
        plots.append(
            box_plot(f"{gene}: this patient against the pool", {"network": cohort},
                     width=420, ylabel="TPM", marker=("network", value))
        )  # fmt: skip
    sections += [
        "<h2>Expression against the pooled cohort (TPM)</h2>",
        table(["gene", "TPM", "percentile in the network", "samples in the network"],
              expression_rows),
        *plots,
    ]  # fmt: skip
    return page(f"Tumour board {patient}", sections)


def _named(names: str | None, most: int = 10) -> str:
    """At most `most` carriers by name; the rest counted (a common variant has thousands)."""
    listed = names.split(", ") if names else []
    if len(listed) <= most:
        return ", ".join(listed)
    return ", ".join(listed[:most]) + f" and {len(listed) - most} more"


def _vaf(tumour, normal) -> str:
    return " / ".join("-" if v is None else f"{v:g}" for v in (tumour, normal))


def write_pdf(html: Path, pdf: Path) -> None:
    """Print the page to PDF with headless Chromium (Debian's `chromium`)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise RuntimeError("chromium is not installed (make test installs it): no PDF written")
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    if run.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"chromium could not print {html}: {run.stderr[-500:]}")
