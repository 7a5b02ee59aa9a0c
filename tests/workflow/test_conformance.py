"""make conformance: on a kit made from the demo (any kit layout works) and on the real kit."""

import csv
import gzip
import json
import os
import shutil
import subprocess

import pysam
import pytest
import yaml
from concord.kit_integrity import file_sha256
from conftest import DEMO, REPO, SNAKEMAKE, bad_table_cells

KIT = REPO.parent / "shared" / "conformance" / "brca-grch38-v1"
METRICS = {"tp", "tp_call", "fp", "fn", "precision", "recall", "f1"}


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
    md5 = yaml.safe_load((REPO / "config/config.yaml").read_text())["reference"]["expected_md5"]
    (kit / "reference/contigs.tsv").write_text(
        "contig\tlength\tmd5\n" + "".join(f"{c}\t0\t{m}\n" for c, m in md5.items())
    )
    write_checksums(kit)
    return kit


def write_checksums(kit):
    lines = [
        f"{file_sha256(p)}  {p.relative_to(kit)}"
        for p in sorted(kit.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    (kit / "SHA256SUMS").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def demo_kit_run(demo_kit, tmp_path_factory):
    """make conformance on the demo-made kit, once for the module."""
    out = tmp_path_factory.mktemp("demo-kit-run")
    result = make_conformance(demo_kit, out)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return out


def test_certificate_on_a_kit_made_from_the_demo(demo_kit_run):
    out = demo_kit_run
    cert = json.loads((out / "certificate.json").read_text())
    somatic = cert["accuracy"]["somatic"]
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
    """The real kit end to end: PASS against the reference digests concord ships, the network
    can confirm it from the outputs, and the method's accuracy is reported beside it."""
    out = tmp_path / "kit-run"
    result = make_conformance(KIT, out)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    cert = json.loads((out / "certificate.json").read_text())
    assert cert["conformance"] == {"verdict": "PASS", "reasons": []}, cert["conformance"]
    assert cert["kit"]["problems"] == [] and cert["kit"]["files_checked"] > 30
    assert all(c["match"] for c in cert["reference"]["contigs"])
    assert cert["toolchain"]["tools"]["samtools"] == {
        "ran": "1.16.1",
        "pin": "1.16.1",
        "match": True,
    }
    statuses = {o["status"] for o in cert["equivalence"]["outputs"].values()}
    assert statuses == {"identical"} and len(cert["equivalence"]["outputs"]) >= 14
    verify = subprocess.run(
        ["make", "-s", "verify-certificate", f"CERT={out / 'certificate.json'}", f"RESULTS={out}"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert verify.returncode == 0 and "verdict: confirmed" in verify.stdout, verify.stdout
    accuracy = cert["accuracy"]
    assert {t["metric"] for t in accuracy["targets"]} >= {
        "somatic.vaf_ge_010.snv.f1", "expression.min_tx_spearman_tpm",
        "brca.named_fraction_of_called",
    }  # fmt: skip
    assert all(t["met"] in ("met", "missed") for t in accuracy["targets"])
    assert accuracy["brca"]["named_fraction_of_called"] == 1.0
    somatic = accuracy["somatic"]
    assert set(somatic["patients"]) == {"P1", "P2"}
    assert somatic["vaf_ge_010"]["snv"]["f1"] >= 0.97
    assert somatic["vaf_ge_010"]["indel"]["f1"] >= 0.90
    assert somatic["recall_by_vaf"]["0.05"]["recall"] >= 0.5
    assert somatic["germline_as_somatic"] == 0
    assert somatic["truth_sites_with_sim_alt_reads_lt3"] > 0
    expression = accuracy["expression"]
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
        # the run's report: both verdicts, and both true pairs pass identity
        data = out / "results/report/multiqc_data"
        with open(data / "multiqc_concord_accuracy_table.txt") as fh:
            criteria = {r["metric"]: r for r in csv.DictReader(fh, delimiter="\t")}
        assert len(criteria) == len(accuracy["targets"])  # none merged by name cleaning
        assert criteria["somatic.vaf_ge_010.snv.f1"]["met"] == "met"
        with open(data / "multiqc_concord_conformance_table.txt") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        assert {r["status"] for r in rows} == {"ok", "identical"}
        identity = json.loads(
            (out / f"results/qc/identity/{patient}/{patient}_T_vs_{patient}_N.identity.json")
            .read_text()
        )  # fmt: skip
        assert identity["verdict"] == "pass" and identity["concordance"] >= 0.95, identity
    assert not bad_table_cells(out / "results")


def test_a_kit_with_a_changed_fastq_fails_before_any_read_is_aligned(demo_kit, tmp_path):
    kit = tmp_path / "copied-kit"
    shutil.copytree(demo_kit, kit)
    fastq = kit / "dna/PT01-tumor_1.fastq.gz"
    fastq.chmod(0o644)
    data = bytearray(fastq.read_bytes())
    data[-20] ^= 0x01  # one bit of one FASTQ
    fastq.write_bytes(bytes(data))
    out = tmp_path / "run"
    result = make_conformance(kit, out)
    assert result.returncode != 0
    assert "modified: dna/PT01-tumor_1.fastq.gz" in result.stderr
    cert = json.loads((out / "certificate.json").read_text())
    assert cert["conformance"]["verdict"] == "FAIL"
    assert cert["conformance"]["reasons"] == ["kit: modified: dna/PT01-tumor_1.fastq.gz"]
    assert not (out / "results").exists()


def run_kit(kit, out, expected=None, cores="2", chunks=None, snakefile=REPO / "Snakefile"):
    """A conformance run like make conformance, with the reference digests and chunking given."""
    subprocess.run(
        [str(SNAKEMAKE.parent / "python"), str(REPO / "scripts/conformance_config.py"), str(kit),
         str(out)], check=True, capture_output=True,
    )  # fmt: skip
    config_path = out / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    if expected:
        config["conformance"]["expected"] = str(expected)
    if chunks:
        config["calling"] = {"chunks": chunks}
    config_path.write_text(yaml.safe_dump(config))
    env = dict(os.environ, PATH=f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(
        [str(SNAKEMAKE), "--snakefile", str(snakefile), "--directory", str(out), "--configfile",
         str(config_path), "--cores", cores],
        capture_output=True, text=True, timeout=1800, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "results/conformance/certificate.json").read_text())


def digests(cert):
    return {name: o["digest"] for name, o in cert["equivalence"]["outputs"].items()}


def test_equivalence_is_the_same_for_any_cores_and_chunks_and_names_a_changed_method(
    demo_kit, demo_kit_run, tmp_path
):
    first = json.loads((demo_kit_run / "certificate.json").read_text())
    assert first["conformance"]["verdict"] == "FAIL"  # concord ships no digests for this kit
    assert first["conformance"]["reasons"] == [
        "equivalence: concord ships no reference digests for this kit version"
    ]
    expected = tmp_path / "expected.json"
    subprocess.run(
        [str(SNAKEMAKE.parent / "python"), str(REPO / "scripts/conformance_reference.py"),
         str(demo_kit), str(demo_kit_run), str(expected)], check=True,
    )  # fmt: skip
    again = run_kit(demo_kit, tmp_path / "again", expected, cores="1", chunks=3)
    assert again["conformance"] == {"verdict": "PASS", "reasons": []}
    assert digests(again) == digests(first)
    assert {o["status"] for o in again["equivalence"]["outputs"].values()} == {"identical"}

    def verify(run):
        certificate = run / "results/conformance/certificate.json"
        return subprocess.run(
            ["make", "-s", "verify-certificate", f"CERT={certificate}", f"RESULTS={run}",
             f"EXPECTED={expected}"], cwd=REPO, capture_output=True, text=True,
        )  # fmt: skip

    confirmed = verify(tmp_path / "again")
    assert confirmed.returncode == 0, confirmed.stdout
    assert "verdict: confirmed" in confirmed.stdout
    # an output altered after the certificate was written is caught by the network
    vcf = next((tmp_path / "again/results/germline").rglob("*.germline.vcf.gz"))
    lines = gzip.decompress(vcf.read_bytes()).decode().replace("\tPASS\t", "\tlow_depth\t", 1)
    vcf.write_bytes(gzip.compress(lines.encode()))
    altered = verify(tmp_path / "again")
    assert altered.returncode != 0
    assert f"ALTERED    {vcf.relative_to(tmp_path / 'again')}" in altered.stdout

    # the harmonized method changed in a copy of the workflow: one somatic threshold
    copy = tmp_path / "workflow-copy"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".venv", ".git", "results", "logs"))
    model = copy / "scripts/concord/somatic.py"
    model.write_text(
        model.read_text().replace("min_tumor_lod: float = 5.9", "min_tumor_lod: float = 50.0")
    )
    changed = run_kit(demo_kit, tmp_path / "changed", expected, snakefile=copy / "Snakefile")
    assert changed["conformance"]["verdict"] == "FAIL"
    different = {
        name for name, o in changed["equivalence"]["outputs"].items() if o["status"] == "different"
    }
    assert different and all(".somatic.vcf.gz" in n or ".brca" in n for n in different)
    details = [changed["equivalence"]["outputs"][n]["detail"] for n in sorted(different)]
    # the threshold is in every somatic header; records whose FILTER changed are named
    assert all(d["counts"]["changed"] or d.get("header") for d in details)
    assert sum(d["counts"]["changed"] for d in details) > 0
    assert {f"equivalence: {n}: different" for n in different} <= set(
        changed["conformance"]["reasons"]
    )
