"""make conformance: on a kit made from the demo (any kit layout works) and on the real kit."""

import csv
import json
import shutil
import subprocess

import pysam
import pytest
from conftest import DEMO, REPO, bad_table_cells

KIT = REPO.parent / "shared" / "conformance" / "brca-grch38-v1"
METRICS = {"tp", "fp", "fn", "precision", "recall", "f1"}


def make_conformance(kit, out):
    return subprocess.run(
        ["make", "-s", "conformance", f"KIT={kit}", f"OUT={out}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.fixture(scope="module")
def demo_kit(tmp_path_factory):
    """A conformance kit with the brca-grch38-v1 layout, assembled from the demo dataset."""
    kit = tmp_path_factory.mktemp("demo-kit")
    for sub in ("reference", "annotation", "truth", "dna"):
        (kit / sub).mkdir()
    shutil.copy(DEMO / "reference/demo.fa", kit / "reference/genome.fa")
    shutil.copy(DEMO / "annotation/demo.gtf", kit / "annotation/genes.gtf")
    rows = ["sample_id\tpatient\tkind\trole\tfastq_1\tfastq_2\tread_length"]
    for patient in ("PT01", "PT02"):
        for role, lane in (("tumor", "L001"), ("normal", "L001")):
            sample = f"{patient}-{role}"
            for mate in (1, 2):
                shutil.copy(
                    DEMO / f"reads/{sample}_{lane}_R{mate}.fastq.gz",
                    kit / f"dna/{sample}_{mate}.fastq.gz",
                )
            rows.append(
                f"{sample}\t{patient}\tdna\t{role}\tdna/{sample}_1.fastq.gz\tdna/{sample}_2.fastq.gz\t100"
            )
        for kind in ("somatic", "germline"):
            target = kit / f"truth/{patient}.{kind}.vcf.gz"
            pysam.tabix_compress(str(DEMO / f"truth/{patient}.{kind}.vcf"), str(target))
            pysam.tabix_index(str(target), preset="vcf")
    (kit / "manifest.tsv").write_text("\n".join(rows) + "\n")
    (kit / "truth/confident.bed").write_text("chrD1\t0\t160000\nchrD2\t0\t120000\n")
    return kit


def test_certificate_on_a_kit_made_from_the_demo(demo_kit, tmp_path):
    out = tmp_path / "run"
    result = make_conformance(demo_kit, out)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    cert = json.loads((out / "certificate.json").read_text())
    somatic = cert["somatic"]
    assert set(somatic["patients"]) == {"PT01", "PT02"}
    for scope in ("overall", "vaf_ge_010"):
        for kind in ("snv", "indel"):
            assert set(somatic[scope][kind]) == METRICS
    assert set(somatic["recall_by_vaf"]) == {"0.10", "0.20", "0.40"}
    assert somatic["overall"]["snv"]["tp"] + somatic["overall"]["snv"]["fn"] == 18  # 9 per patient
    assert somatic["overall"]["indel"]["tp"] + somatic["overall"]["indel"]["fn"] == 6
    assert somatic["overall"]["snv"]["recall"] >= 0.9
    assert somatic["germline_as_somatic"] == 0
    assert (out / "config.yaml").is_file()
    assert "conformance" in (out / "config.yaml").read_text()


def test_usage_without_kit():
    result = subprocess.run(["make", "-s", "conformance"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert "usage: make conformance KIT=<kit dir> OUT=<out dir>" in result.stdout


def test_not_a_kit(tmp_path):
    result = make_conformance(tmp_path, tmp_path / "out")
    assert result.returncode != 0
    assert "not a conformance kit (manifest.tsv is missing)" in result.stderr


@pytest.mark.skipif(not KIT.is_dir(), reason="the conformance kit is not at ../shared")
def test_brca_kit_certificate(tmp_path):
    """The real kit end to end; accuracy targets of issue 3 as regression guards."""
    out = tmp_path / "kit-run"
    result = make_conformance(KIT, out)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    somatic = json.loads((out / "certificate.json").read_text())["somatic"]
    assert set(somatic["patients"]) == {"P1", "P2"}
    assert somatic["vaf_ge_010"]["snv"]["f1"] >= 0.97
    assert somatic["vaf_ge_010"]["indel"]["f1"] >= 0.90
    assert somatic["recall_by_vaf"]["0.05"]["recall"] >= 0.5
    assert somatic["germline_as_somatic"] == 0
    assert somatic["truth_sites_with_sim_alt_reads_lt3"] > 0
    expression = json.loads((out / "certificate.json").read_text())["expression"]
    assert set(expression["samples"]) == {"R1", "R2", "R3", "R4"}
    for values in expression["samples"].values():
        assert set(values) == {
            "spearman_counts",
            "spearman_tpm",
            "pearson_log_tpm",
            "tx_spearman_tpm",
        }
        assert values["spearman_counts"] >= 0.99 and values["spearman_tpm"] >= 0.99
    assert expression["min_spearman_tpm"] >= 0.99
    assert expression["min_tx_spearman_tpm"] > 0.9  # the issue's target is 0.95: not reached yet
    # BRCA tables: every called ClinVar P/LP somatic truth variant is in the patient's table,
    # as somatic, with its ClinVar id and class and an HGVS name on the MANE transcript
    for patient in ("P1", "P2"):
        table = out / f"results/brca/{patient}/{patient}.brca.tsv"
        with open(table) as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        called = {(r["chrom"], int(r["pos"]), r["ref"], r["alt"]) for r in rows}
        found = 0
        with pysam.VariantFile(str(KIT / f"truth/{patient}.somatic.vcf.gz")) as truth:
            clinvar_truth = [t for t in truth if t.info["ORIGIN"] != "random"]
        for t in clinvar_truth:
            key = (t.chrom, t.pos, t.ref, t.alts[0])
            if key not in called:
                continue
            found += 1
            row = next(r for r in rows if (r["chrom"], int(r["pos"]), r["ref"], r["alt"]) == key)
            assert row["origin"] == "somatic"
            assert row["clinvar_variation_id"] == str(t.info["ORIGIN"])
            assert "athogenic" in row["clinvar_significance"]
            assert row["transcript"] in ("NM_007294.4", "NM_000059.4")
            assert row["hgvs_c"].startswith("c.")
        assert found >= 0.8 * len(clinvar_truth), (patient, found, len(clinvar_truth))
        coverage = out / f"results/brca/{patient}/{patient}.brca_coverage.tsv"
        assert coverage.stat().st_size > 0
        # the run's report: the conformance verdict, and both true pairs pass identity
        data = out / "results/report/multiqc_data"
        with open(data / "multiqc_concord_conformance_table.txt") as fh:
            criteria = {r["metric"]: r for r in csv.DictReader(fh, delimiter="\t")}
        assert len(criteria) == 7  # every target judged, none merged by name cleaning
        assert criteria["somatic.vaf_ge_010.snv.f1"]["met"] == "yes"
        identity = json.loads(
            (out / f"results/qc/identity/{patient}/{patient}_T_vs_{patient}_N.identity.json")
            .read_text()
        )  # fmt: skip
        assert identity["verdict"] == "pass" and identity["concordance"] >= 0.95, identity
    assert not bad_table_cells(out / "results")
    cert = json.loads((out / "certificate.json").read_text())
    assert cert["verdict"]["overall"] in ("pass", "fail")
    assert {c["metric"] for c in cert["verdict"]["criteria"]} >= {
        "somatic.vaf_ge_010.snv.f1", "expression.min_tx_spearman_tpm",
    }  # fmt: skip
