"""The report's sections built from small hand-made files: a full run, and the empty cases."""

import gzip
import json

import pytest
from concord.report_sections import ReportFiles, build_sections, versions_yaml

SETTINGS = {
    "report": {
        "mapping_rate": {"warn": 0.95, "fail": 0.90},
        "duplication_rate": {"warn": 0.20, "fail": 0.40},
        "panel_mean_depth": {"warn": 50, "fail": 20},
        "panel_fraction_at_depth": {"warn": 0.98, "fail": 0.95},
        "rna_mapping_rate": {"warn": 0.70},
        "identity": {"min_depth": 15, "min_gq": 20, "min_sites": 5, "min_concordance": 0.8},
    },
    "panel_min_depth": 20,
    "rna_min_mapping_rate": 0.5,
    "panel_genes": ["BRCA1", "BRCA2"],
}

VCF_HEADER = """##fileformat=VCFv4.2
##contig=<ID=c1,length=1000>
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=germline,Description="germline">
##FILTER=<ID=low_vaf,Description="low vaf">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="ALT fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\tNORMAL
"""


class Files:
    """Hand-made QC files for samples and pairs, in a temporary directory."""

    def __init__(self, tmp_path):
        self.dir = tmp_path

    def flagstat(self, sample, mapped=990, primary=1000):
        path = self.dir / f"{sample}.flagstat.txt"
        path.write_text(
            f"{primary} + 0 in total (QC-passed reads + QC-failed reads)\n"
            f"{primary} + 0 primary\n"
            f"{mapped} + 0 primary mapped ({mapped / primary:.2%} : N/A)\n"
        )
        return str(path)

    def markdup(self, sample, dups=50, examined=1000):
        path = self.dir / f"{sample}.markdup.txt"
        path.write_text(
            f"COMMAND: samtools markdup\nEXAMINED: {examined}\nDUPLICATE PRIMARY TOTAL: {dups}\n"
        )
        return str(path)

    def regions(self, sample, depth=80.0):
        path = self.dir / f"{sample}.regions.bed.gz"
        with gzip.open(path, "wt") as fh:
            fh.write(f"c1\t0\t100\tG|T|1/2\t{depth}\n")
        return str(path)

    def somatic_vcf(self, name, records):
        """records: (pos, filter, tumour AF)."""
        path = self.dir / f"{name}.somatic.vcf"
        body = "".join(
            f"c1\t{pos}\t.\tA\tC\t.\t{flt}\t.\tAF\t{af}\t0\n" for pos, flt, af in records
        )
        path.write_text(VCF_HEADER + body)
        return str(path)

    def identity(self, name, sites=20, concordant=20, verdict="pass"):
        path = self.dir / f"{name}.identity.json"
        concordance = concordant / sites if sites else None
        path.write_text(
            json.dumps(
                {
                    "sites": sites,
                    "concordant": concordant,
                    "concordance": concordance,
                    "verdict": verdict,
                }
            )  # fmt: skip
        )
        return str(path)

    def table(self, name, header, rows):
        path = self.dir / name
        path.write_text("\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows))
        return str(path)


def pair(patient="P1"):
    return {"patient": patient, "tumor": f"{patient}-T", "normal": f"{patient}-N"}


def dna_samples(*patients):
    out = []
    for p in patients:
        out += [
            {"sample": f"{p}-T", "patient": p, "role": "tumor", "assay": "dna"},
            {"sample": f"{p}-N", "patient": p, "role": "normal", "assay": "dna"},
        ]
    return out


def files_for(f: Files, patients, somatic_records, panel=True) -> ReportFiles:
    files = ReportFiles()
    for p in patients:
        key = f"{p}-T_vs_{p}-N"
        for s in (f"{p}-T", f"{p}-N"):
            files.flagstat[s] = f.flagstat(s)
            files.markdup[s] = f.markdup(s)
            if panel:
                files.panel_depth[s] = f.regions(s)
        files.somatic_vcf[key] = f.somatic_vcf(key, somatic_records)
        files.identity[key] = f.identity(key)
    return files


EXPRESSION_QC_HEADER = (
    "sample", "fragments", "mapping_rate", "strandedness", "sense_fraction", "library_type",
    "compatible_fragment_ratio", "genes_detected", "warnings", "verdict",
)  # fmt: skip
COVERAGE_HEADER = ("sample", "gene", "transcript", "exon", "length", "frac_ge_20x", "verdict")
VARIANT_HEADER = (
    "patient", "origin", "gene", "chrom", "pos", "ref", "alt", "hgvs_c", "hgvs_p",
    "consequence", "clinvar_significance", "tumor_vaf", "normal_vaf",
)  # fmt: skip


def test_full_run_has_every_section_with_verdicts_per_sample_and_pair(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [(10, "PASS", 0.3), (20, "germline", 0.5), (30, "PASS", 0.07)])
    files.brca_coverage = [
        f.table("cov.tsv", COVERAGE_HEADER, [("P1-T", "G", "T", "1/2", "140", "1.0000", "pass")])
    ]
    files.brca_variants = [
        f.table(
            "var.tsv",
            VARIANT_HEADER,
            [
                (
                    "P1",
                    "somatic",
                    "G",
                    "c1",
                    "10",
                    "A",
                    "C",
                    "c.5A>C",
                    "p.(Lys2Thr)",
                    "missense_variant",
                    "Pathogenic",
                    "0.300",
                    "0.000",
                )
            ],
        )  # fmt: skip
    ]
    files.expression_qc = f.table(
        "qc.tsv",
        EXPRESSION_QC_HEADER,
        [("P1-R", "1000", "0.40", "unstranded", "0.4920", "IU", "1.0000", "3", "",
          "fail: mapping rate 0.4 < 0.5")],
    )  # fmt: skip
    samples = dna_samples("P1") + [
        {"sample": "P1-R", "patient": "P1", "role": "tumor", "assay": "rna"}
    ]
    sections = build_sections(samples, [pair()], files, SETTINGS)
    assert sections["brca_findings"]["section_name"] == "BRCA1/BRCA2 findings"
    assert list(sections) == [
        "verdicts", "thresholds", "identity", "somatic_summary", "somatic_vaf",
        "brca_findings", "brca_coverage", "expression_qc",
    ]  # fmt: skip
    verdicts = sections["verdicts"]["data"]
    assert list(verdicts) == ["P1-T", "P1-N", "P1-R", "P1-T_vs_P1-N"]
    assert verdicts["P1-T"]["mapping_rate"] == pytest.approx(0.99)
    assert verdicts["P1-T"]["panel_fraction_at_depth"] == pytest.approx(1.0)
    # no coverage row for the normal: its panel bases are not judged, its depth is
    assert verdicts["P1-N"]["verdict"] == "pass"
    assert "panel_fraction_at_depth" not in verdicts["P1-N"]
    assert verdicts["P1-R"] == {
        "verdict": "fail", "reasons": "rna_mapping_rate: fail",
        "rna_mapping_rate": 0.4, "genes_detected": 3,
    }  # fmt: skip
    assert verdicts["P1-T_vs_P1-N"]["somatic_pass"] == 2
    summary = sections["somatic_summary"]["data"]["P1-T vs P1-N"]
    assert (summary["records"], summary["PASS"], summary["germline"]) == (3, 2, 1)
    vaf = sections["somatic_vaf"]["data"]["P1-T vs P1-N"]
    assert vaf["0.30-0.40"] == 1 and vaf["0.05-0.10"] == 1 and sum(vaf.values()) == 2
    finding = sections["brca_findings"]["data"]["P1 c1:10 A>C"]
    assert finding["hgvs_p"] == "p.(Lys2Thr)" and finding["tumor_vaf"] == pytest.approx(0.3)
    assert list(sections["brca_coverage"]["data"]) == ["P1-T G exon 1 of 2"]
    expression = sections["expression_qc"]
    assert list(expression["headers"]) == list(EXPRESSION_QC_HEADER[1:])
    assert expression["data"]["P1-R"]["warnings"] == ""  # an empty cell, not NaN


def test_expression_section_shows_strandedness_and_salmon_warnings(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [], panel=False)
    files.expression_qc = f.table(
        "qc.tsv",
        EXPRESSION_QC_HEADER,
        [
            ("P1-R", "1586", "0.9900", "stranded_reverse", "0.0542", "ISR", "0.9460", "12", "",
             "pass"),
            ("P2-R", "623", "0.9500", "unstranded", "0.4799", "IU", "1.0000", "11",
             "salmon_strand_bias", "pass"),
            ("P3-R", "1000", "0.0000", "undetermined", "", "IU", "0.0000", "0",
             "strandedness_undetermined", "fail: mapping rate below 0.5"),
        ],
    )  # fmt: skip
    rna = [
        {"sample": f"P{i}-R", "patient": f"P{i}", "role": "tumor", "assay": "rna"}
        for i in (1, 2, 3)
    ]
    section = build_sections(dna_samples("P1") + rna, [pair()], files, SETTINGS)["expression_qc"]
    rows = section["data"]
    assert rows["P1-R"]["strandedness"] == "stranded_reverse"
    assert rows["P1-R"]["sense_fraction"] == pytest.approx(0.0542)
    assert rows["P1-R"]["library_type"] == "ISR" and rows["P1-R"]["warnings"] == ""
    assert rows["P2-R"]["warnings"] == "salmon_strand_bias"
    assert rows["P3-R"]["sense_fraction"] is None  # nothing mapped: no fraction, no NaN
    assert rows["P3-R"]["warnings"] == "strandedness_undetermined"
    json.dumps(section, allow_nan=False)  # MultiQC's custom content must be plain JSON
    # the warnings column is coloured for every name it can hold
    rules = section["headers"]["warnings"]["cond_formatting_rules"]["warn"]
    for name in ("salmon_strand_bias", "salmon_incompatible_fragments",
                 "strandedness_undetermined"):  # fmt: skip
        assert {"s_contains": name} in rules
    assert "strand" in section["headers"]["sense_fraction"]["description"]


def test_no_pass_calls_still_gives_every_section(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [(10, "low_vaf", 0.01)], panel=False)
    sections = build_sections(dna_samples("P1"), [pair()], files, SETTINGS)
    assert sections["somatic_summary"]["data"]["P1-T vs P1-N"]["PASS"] == 0
    # MultiQC drops an all-zero bar plot silently: the section says why it has no plot
    vaf = sections["somatic_vaf"]
    assert vaf["plot_type"] == "html" and "No PASS somatic call in any pair" in vaf["data"]
    assert sections["verdicts"]["data"]["P1-T_vs_P1-N"]["somatic_pass"] == 0
    assert "brca_findings" not in sections and "expression_qc" not in sections


def test_empty_somatic_vcf(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [], panel=False)
    sections = build_sections(dna_samples("P1"), [pair()], files, SETTINGS)
    assert sections["somatic_summary"]["data"]["P1-T vs P1-N"]["records"] == 0


def test_panel_without_variants_says_so(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [(10, "PASS", 0.3)])
    files.brca_variants = [f.table("var.tsv", VARIANT_HEADER, [])]
    files.brca_coverage = [f.table("cov.tsv", COVERAGE_HEADER, [])]
    sections = build_sections(dna_samples("P1"), [pair()], files, SETTINGS)
    findings = sections["brca_findings"]
    assert findings["plot_type"] == "html"
    assert "No PASS somatic or germline variant on the BRCA1/BRCA2 transcripts" in findings["data"]
    assert sections["brca_coverage"]["plot_type"] == "html"


def test_section_titles_name_the_configured_panel(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [])
    files.brca_variants = [f.table("var.tsv", VARIANT_HEADER, [])]
    files.brca_coverage = [
        f.table("cov.tsv", COVERAGE_HEADER, [("P1-T", "GENA", "T", "1/2", "140", "1.0", "pass")])
    ]
    settings = {**SETTINGS, "panel_genes": ["GENA", "GENB"]}
    sections = build_sections(dna_samples("P1"), [pair()], files, settings)
    assert sections["brca_findings"]["section_name"] == "GENA/GENB findings"
    assert sections["brca_coverage"]["section_name"] == "GENA/GENB exon coverage"
    assert "BRCA" not in json.dumps(sections)


def test_pair_without_informative_identity_sites(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [(10, "PASS", 0.3)], panel=False)
    files.identity["P1-T_vs_P1-N"] = f.identity("none", sites=0, concordant=0, verdict="warn")
    sections = build_sections(dna_samples("P1"), [pair()], files, SETTINGS)
    row = sections["identity"]["data"]["P1-T vs P1-N"]
    assert row["informative_sites"] == 0 and row["concordance"] is None
    tumour = sections["verdicts"]["data"]["P1-T"]
    assert tumour["verdict"] == "warn" and "identity_concordance: warn" in tumour["reasons"]
    assert tumour["identity_concordance"] is None


def test_two_pairs_keep_their_own_files(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [(10, "PASS", 0.3)], panel=False)
    two = files_for(f, ["P2"], [], panel=False)
    for kind in ("flagstat", "markdup", "somatic_vcf", "identity"):
        getattr(files, kind).update(getattr(two, kind))
    files.flagstat["P2-N"] = f.flagstat("P2-N", mapped=800)
    sections = build_sections(dna_samples("P1", "P2"), [pair("P1"), pair("P2")], files, SETTINGS)
    verdicts = sections["verdicts"]["data"]
    assert verdicts["P2-N"]["verdict"] == "fail" and verdicts["P1-N"]["verdict"] == "pass"
    assert verdicts["P1-T_vs_P1-N"]["somatic_pass"] == 1
    assert verdicts["P2-T_vs_P2-N"]["somatic_pass"] == 0


def test_conformance_and_accuracy_sections(tmp_path):
    f = Files(tmp_path)
    files = files_for(f, ["P1"], [], panel=False)
    certificate = tmp_path / "certificate.json"
    certificate.write_text(
        json.dumps(
            {
                "kit": {"name": "k1", "files_checked": 3, "problems": []},
                "reference": {"problems": []},
                "toolchain": {"problems": ["samtools 1.15 ran; the network pins 1.16.1"]},
                "equivalence": {
                    "outputs": {
                        "results/somatic/P1/x.somatic.vcf.gz": {
                            "status": "different",
                            "detail": {
                                "counts": {
                                    "only_in_centre": 2,
                                    "only_in_reference": 0,
                                    "changed": 1,
                                }
                            },
                        },
                        "results/expression/genes.tpm.tsv": {"status": "identical"},
                    }
                },
                "conformance": {"verdict": "FAIL", "reasons": ["toolchain: samtools"]},
                "accuracy": {
                    "targets": [
                        {
                            "metric": "somatic.x",
                            "label": "X",
                            "value": 1.0,
                            "target": ">= 0.9",
                            "met": "met",
                        }
                    ]
                },
            }
        )  # fmt: skip
    )
    files.certificate = str(certificate)
    sections = build_sections(dna_samples("P1"), [pair()], files, SETTINGS)
    conformance, accuracy = sections["conformance"], sections["accuracy"]
    assert conformance["section_name"] == "Conformance: FAIL"
    rows = conformance["data"]
    assert rows["Toolchain"]["status"] == "FAIL" and "samtools" in rows["Toolchain"]["detail"]
    assert rows["Kit integrity"] == {"file": "", "status": "ok", "detail": "3 files checked"}
    assert rows["Output 02"] == {
        "file": "results/somatic/P1/x.somatic.vcf.gz",
        "status": "different",
        "detail": "2 only in centre, 1 changed",
    }
    assert accuracy["data"] == {
        "X": {"metric": "somatic.x", "value": 1.0, "target": ">= 0.9", "met": "met"}
    }


def test_versions_yaml_groups_in_report_order():
    rows = [
        {"tool": "pysam", "version": "0.24.1", "group": "python"},
        {"tool": "salmon", "version": "1.10.1", "group": "rna"},
        {"tool": "bwa", "version": "0.7.17", "group": "dna"},
        {"tool": "snakemake", "version": "9.27.1", "group": "workflow"},
    ]
    assert versions_yaml(rows) == (
        'Workflow:\n  snakemake: "9.27.1"\nDNA tools:\n  bwa: "0.7.17"\n'
        'RNA tools:\n  salmon: "1.10.1"\nPython packages:\n  pysam: "0.24.1"\n'
    )


def test_the_sharing_section_counts_who_was_left_out():
    from concord.report_sections import sharing_section

    summary = {
        "samples": 3, "shared": 2, "excluded": 1, "excluded_samples": ["T2"], "files": 40,
        "samples_detail": [
            {"sample": "T1", "shared": True, "data_use": "GRU (DUO:0000042); consent form v1"},
            {"sample": "N1", "shared": True, "data_use": "GRU (DUO:0000042); consent form v1"},
            {"sample": "T2", "shared": False, "data_use": ""},
        ],
    }  # fmt: skip
    section = sharing_section(summary)
    assert section["id"] == "concord_sharing"
    assert "2 of 3 samples are in the share bundle" in section["description"]
    assert "1 left out for lack of sharing consent: T2" in section["description"]
    assert section["data"]["T2"] == {"in_bundle": "no", "data_use": "none"}
    assert section["data"]["T1"]["in_bundle"] == "yes"


def test_a_version_that_differs_from_its_pin_shows_the_pin_in_the_report():
    rows = [
        {"tool": "samtools", "version": "1.17", "group": "dna", "pin": "1.16.1",
         "status": "differs"},
        {"tool": "bwa", "version": "0.7.17-r1188", "group": "dna", "pin": "0.7.17",
         "status": "pinned"},
    ]  # fmt: skip
    assert versions_yaml(rows) == (
        'DNA tools:\n  samtools: "1.17 (pinned: 1.16.1)"\n  bwa: "0.7.17-r1188"\n'
    )
