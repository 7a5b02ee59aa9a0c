"""The demo's MultiQC report: its sections, its numbers against the pipeline's own outputs, and
how it behaves in a real browser (Debian's headless Chromium)."""

import csv
import re

import pysam
from browser import visit
from conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
SECTIONS = [
    "concord_thresholds",
    "concord_identity",
    "concord_somatic_summary",
    "concord_somatic_vaf",
    "concord_brca_findings",
    "concord_brca_coverage",
    "concord_expression_qc",
    "concord_sharing",
    "fastp",
    "samtools",
    "mosdepth",
    "bcftools",
    "salmon",
    "multiqc_software_versions",
]


def table(path):
    with open(path) as fh:
        return {row["Sample"]: row for row in csv.DictReader(fh, delimiter="\t")}


def test_report_numbers_match_the_pipeline_outputs(run_two_threads):
    results = run_two_threads.path / "results"
    data = results / "report" / "multiqc_data"
    assert (results / "report" / "multiqc.html").stat().st_size > 100_000
    somatic = table(data / "multiqc_concord_somatic_table.txt")
    general = table(data / "multiqc_general_stats.txt")
    for patient in ("PT01", "PT02"):
        vcf = results / f"somatic/{patient}/{patient}-tumor_vs_{patient}-normal.somatic.vcf.gz"
        with pysam.VariantFile(str(vcf)) as fh:
            records = list(fh)
        row = somatic[f"{patient}-tumor vs {patient}-normal"]
        assert int(float(row["PASS"])) == sum(list(r.filter.keys()) == ["PASS"] for r in records)
        assert int(float(row["records"])) == len(records)
        assert int(float(row["germline"])) == sum("germline" in r.filter.keys() for r in records)
        pair_row = general[f"{patient}-tumor_vs_{patient}-normal"]
        assert int(float(pair_row["custom_content_concord_verdicts-somatic_pass"])) == int(
            float(row["PASS"])
        )
        assert pair_row["custom_content_concord_verdicts-verdict"] == "pass"
    for sample in ("PT01-tumor", "PT01-normal", "PT01-rna", "PT02-tumor", "PT02-normal"):
        assert general[sample]["custom_content_concord_verdicts-verdict"] == "pass", general[sample]
    identity = table(data / "multiqc_concord_identity_table.txt")
    assert {r["verdict"] for r in identity.values()} == {"pass"}
    assert all(int(float(r["informative_sites"])) >= 5 for r in identity.values())
    with open(results / "brca/PT01/PT01.brca.tsv") as fh:
        brca_rows = sum(1 for _ in fh) - 1
    findings = table(data / "multiqc_concord_brca_table.txt")
    assert sum(r["patient"] == "PT01" for r in findings.values()) == brca_rows
    expression = table(data / "multiqc_concord_expression_table.txt")
    with open(results / "expression" / "qc.tsv") as fh:
        qc = {row["sample"]: row for row in csv.DictReader(fh, delimiter="\t")}
    assert set(expression) == set(qc) == {"PT01-rna", "PT02-rna"}
    for sample, row in qc.items():
        for column in ("strandedness", "library_type", "warnings", "verdict"):
            assert expression[sample][column] == row[column], (sample, column)
        assert float(expression[sample]["sense_fraction"]) == float(row["sense_fraction"])
    versions = table(data / "multiqc_software_versions.txt")
    assert versions["RNA tools"]["salmon"] == "1.10.1"
    assert versions["DNA tools"]["samtools"] == "1.16.1"
    inputs = (results / "report" / "multiqc_inputs.txt").read_text().split()
    assert all((run_two_threads.path / p).is_file() for p in inputs)
    assert not any("brca/coverage" in p for p in inputs)  # explicit list, nothing scanned


def test_report_in_a_real_browser(run_two_threads):
    report = run_two_threads.path / "results" / "report" / "multiqc.html"
    page = visit(report, screenshot=ARTIFACTS / "demo-report.png")
    assert page.script_errors == [], page.script_errors
    for section in SECTIONS:
        assert f'id="mqc-module-section-{section}"' in page.dom, section
    assert 'id="general_stats_table"' in page.dom
    # the scripts ran: Plotly drew the plots (SVG), the verdict column is in General Statistics
    assert page.dom.count('class="main-svg"') >= 10
    assert re.search(r'class="[^"]*js-plotly-plot', page.dom)
    assert "QC verdict" in page.dom


def test_the_browser_check_sees_script_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>notAFunction();</script></body></html>")
    assert any("notAFunction" in m for m in visit(page).script_errors)
