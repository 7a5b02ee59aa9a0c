"""The report's own sections as MultiQC custom content (concord.report_sections), and the
software versions section from the run's software_versions.tsv."""

from pathlib import Path

from concord import paths
from concord.jsonio import write_json
from concord.report_sections import ReportFiles, build_sections, pair_key, versions_yaml
from concord.versions import read_version_rows


def report_files(samples: list[dict], pairs: list[dict], inputs: dict) -> ReportFiles:
    """The rule's inputs keyed by sample or pair, found by the same path templates."""
    dna = [s["sample"] for s in samples if s["assay"] == "dna"]
    by_sample = {
        kind: {s: paths.job_file(inputs[kind], template.format(sample=s)) for s in dna}
        if inputs[kind] else {}  # no panel, no panel depth
        for kind, template in (
            ("flagstat", paths.FLAGSTAT), ("markdup", paths.MARKDUP_STATS),
            ("panel_depth", paths.PANEL_REGIONS),
        )
    }  # fmt: skip
    by_pair = {
        kind: {pair_key(p): paths.job_file(inputs[kind], template.format(**p)) for p in pairs}
        for kind, template in (("somatic_vcf", paths.SOMATIC_VCF), ("identity", paths.IDENTITY))
    }
    files = ReportFiles(
        **by_sample,
        **by_pair,
        brca_variants=list(inputs["brca_variants"]),
        brca_coverage=list(inputs["brca_coverage"]),
        expression_qc=inputs["expression_qc"][0] if inputs["expression_qc"] else None,
        certificate=inputs["certificate"][0] if inputs["certificate"] else None,
        share_summary=inputs["share_summary"][0] if inputs["share_summary"] else None,
    )
    return files


def main(samples, pairs, inputs: dict, settings: dict, outputs: dict) -> None:
    sections = build_sections(samples, pairs, report_files(samples, pairs, inputs), settings)
    expected = set(outputs) - {"versions"}
    assert set(sections) == expected, f"sections {sorted(sections)} != outputs {sorted(expected)}"
    for name, content in sections.items():
        write_json(content, outputs[name])
    rows = read_version_rows(inputs["versions"][0])
    Path(outputs["versions"]).write_text(versions_yaml(rows))


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    inputs = {key: list(s.input[key]) if not isinstance(s.input[key], str) else [s.input[key]]
              for key in s.input.keys()}  # fmt: skip
    main(list(s.params.samples), list(s.params.pairs), inputs, dict(s.params.settings),
         dict(s.output))  # fmt: skip
