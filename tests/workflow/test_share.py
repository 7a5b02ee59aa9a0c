"""The demo's share bundle (results/share/): what is in it, what is not, and that a receiving
centre can check it. PT02-tumor has no sharing consent in the demo sheet."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from concord.bundle_verify import verify_bundle
from concord.cbioportal import check_study
from concord.pseudonym import pseudonym
from concord.vcfspec import validate_vcf
from conftest import REPO, SNAKEMAKE, TEST_KEY, Workdir
from rocrate_offline import CONTEXT, seed_cache, validate_offline

EXCLUDED = "PT02-tumor"
KEY = TEST_KEY.encode()


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def vcf_records(path: Path) -> list[str]:
    with gzip.open(path, "rt") as fh:
        return [line for line in fh if not line.startswith("#")]


def file_contents(root: Path) -> dict[str, bytes]:
    """Every file under root as bytes, with any gzip/BGZF content decompressed beside it."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data += b"\n" + gzip.decompress(data)
        found[path.relative_to(root).as_posix()] = data
    return found


def read_names(fastq: str, n: int = 50) -> list[str]:
    with gzip.open(fastq, "rt") as fh:
        lines = [line.rstrip("\n") for _, line in zip(range(4 * n), fh, strict=False)]
    return [line[1:].split()[0].removesuffix("/1").removesuffix("/2") for line in lines[::4]]


def identifiers(w: Workdir) -> set[str]:
    """Every id, path, read-group value, free text and read name of the run's sheets."""
    found = {str(w.path), str(REPO), str(w.key), str(Path.home()), TEST_KEY}
    for row in rows(w.samples):
        found |= {row["sample_id"], row["patient_id"], row["description"]}
    for row in rows(w.units):
        sample, unit = row["sample_id"], row["unit_id"]
        found |= {unit, row["library_id"], row["flowcell"], row["platform"]}
        found |= {f"{sample}.{unit}", f"{row['flowcell']}.{row['lane']}"}  # @RG ID and PU
        for column in ("fastq_1", "fastq_2"):
            path = Path(row[column])
            found |= {str(path), path.name, path.name.split(".")[0]}
            found |= set(read_names(row[column]))
    return {x for x in found if len(x) >= 3}  # lanes ("1") are no identifier to search for


@pytest.fixture(scope="module")
def run(run_two_threads) -> Workdir:
    return run_two_threads


@pytest.fixture(scope="module")
def bundle(run) -> Path:
    return run.path / "results" / "share"


@pytest.fixture(scope="module")
def manifest(bundle) -> dict:
    return json.loads((bundle / "bundle.json").read_text())


def test_the_bundle_verifies_as_a_receiving_centre_checks_it(bundle, manifest):
    problems, summary = verify_bundle(bundle)
    assert problems == []
    assert summary["centre"] == "DEMO" and summary["samples_without_sharing_consent"] == 1
    assert manifest["reference"]["assembly"] == "concord-demo-v1"
    assert manifest["format"] == "concord-share" and manifest["concord_version"]


def test_the_bundle_holds_the_shared_samples_under_the_centre_keys_pseudonyms(bundle, manifest):
    def s(sample):
        return pseudonym(KEY, "sample", sample)

    p1, p2 = pseudonym(KEY, "patient", "PT01"), pseudonym(KEY, "patient", "PT02")
    shared = ["PT01-tumor", "PT01-normal", "PT01-rna", "PT02-normal", "PT02-rna"]
    assert [e["sample"] for e in manifest["samples"]] == [s(x) for x in shared]
    files = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    expected = {
        "README.md", "SHA256SUMS", "bundle.json", "ro-crate-metadata.json", "maf/somatic.maf",
        f"somatic/{p1}/{s('PT01-tumor')}_vs_{s('PT01-normal')}.somatic.vcf.gz",
        f"somatic/{p1}/{s('PT01-tumor')}_vs_{s('PT01-normal')}.somatic.vcf.gz.tbi",
        f"germline/{p1}/{s('PT01-normal')}.germline.vcf.gz",
        f"germline/{p2}/{s('PT02-normal')}.germline.vcf.gz",
        f"brca/{p1}/{p1}.brca.tsv", f"brca/{p1}/{p1}.brca_coverage.tsv",
        "expression/genes.tpm.tsv", "expression/transcripts.counts.tsv", "expression/qc.tsv",
        "expression/qc.tsv.meta.json", "reference/genome.contigs.tsv",
        "provenance/software_versions.tsv", "workflow/Snakefile", "workflow/rules/share.smk",
        "workflow/envs/share.yaml", "cbioportal/meta_study.txt",
        "cbioportal/data_mutations.txt", "cbioportal/case_lists/cases_sequenced.txt",
    }  # fmt: skip
    assert expected <= files, sorted(expected - files)
    # PT02's somatic VCF and BRCA tables hold PT02-tumor: not here
    assert not (bundle / "somatic" / p2).exists() and not (bundle / "brca" / p2).exists()


def test_no_identifier_of_the_sheets_is_anywhere_in_the_bundle(run, bundle):
    contents = file_contents(bundle)
    searched = identifiers(run)
    assert {"PT01", "PT02-tumor", "DEMOFC1.1", "PT01-tumor.L001", "ILLUMINA"} <= searched
    found = [
        (name, value)
        for name, data in contents.items()
        for value in searched
        if value.lower().encode() in data.lower()
    ]
    assert found == []
    print(f"scanned {len(contents)} files (gzip/BGZF decompressed) for {len(searched)} values")


def test_the_run_date_is_only_the_bundles_publication_date(bundle):
    today = datetime.now(UTC).date()
    dated = {
        name
        for name, data in file_contents(bundle).items()
        if today.isoformat().encode() in data or today.strftime("%Y%m%d").encode() in data
    }
    assert dated <= {"bundle.json", "ro-crate-metadata.json"}


def test_nothing_of_the_sample_without_sharing_consent_is_in_the_bundle(run, bundle):
    contents = file_contents(bundle)
    name = pseudonym(KEY, "sample", EXCLUDED)
    assert not any(name.encode() in data for data in contents.values())
    # its calls: PT02's somatic PASS records are in no VCF or MAF of the bundle
    source = run.path / "results/somatic/PT02/PT02-tumor_vs_PT02-normal.somatic.vcf.gz"
    excluded = {tuple(r.split("\t")[:2]) for r in vcf_records(source) if "\tPASS\t" in r}
    assert excluded
    shared = set()
    for vcf in bundle.rglob("*.vcf.gz"):
        shared |= {tuple(r.split("\t")[:2]) for r in vcf_records(vcf)}
    maf_rows = rows("".join(x + "\n" for x in (bundle / "maf/somatic.maf").read_text()
                            .splitlines() if not x.startswith("#")))  # fmt: skip
    shared |= {(r["Chromosome"], r["Start_Position"]) for r in maf_rows}
    assert not excluded & shared
    mapping = (run.path / "results/share_local/pseudonyms.tsv").read_text()
    assert EXCLUDED not in mapping and "PT02-normal" in mapping


def test_the_pseudonym_table_stays_local_and_owner_only(run):
    table = run.path / "results/share_local/pseudonyms.tsv"
    assert stat.S_IMODE(table.stat().st_mode) == 0o600
    entries = rows(table.read_text())
    assert {(e["kind"], e["id"]) for e in entries} >= {("patient", "PT01"), ("sample", "PT01-rna")}
    assert all(e["pseudonym"] == pseudonym(KEY, e["kind"], e["id"]) for e in entries)


def test_the_key_is_in_no_output_log_benchmark_or_snakemake_record(run):
    for where in ("results", "logs", "benchmarks", ".snakemake"):
        for name, data in file_contents(run.path / where).items():
            assert KEY not in data, f"{where}/{name}"


def test_shared_vcfs_conform_and_keep_every_record(run, bundle):
    reference = run.path / "results/reference/genome.fa"
    for vcf in sorted(bundle.rglob("*.vcf.gz")):
        kind = "somatic" if ".somatic." in vcf.name else "germline"
        assert validate_vcf(vcf, kind, reference) == []
        with gzip.open(vcf, "rt") as fh:
            header = [line for line in fh if line.startswith("##")]
        samples = [line for line in header if line.startswith("##SAMPLE=")]
        assert all(
            "DataUsePermission=DUO:" in line and "ConsentVersion=" in line for line in samples
        )
        assert sum(line.startswith("##concordShare=<Format=concord-share") for line in header) == 1
    s = "PT01-tumor_vs_PT01-normal"
    run_vcf = run.path / f"results/somatic/PT01/{s}.somatic.vcf.gz"
    shared = next(bundle.glob("somatic/*/*.somatic.vcf.gz"))
    assert vcf_records(shared) == vcf_records(run_vcf)


def test_the_maf_has_every_somatic_pass_call_with_gdc_columns(run, bundle):
    run_vcf = run.path / "results/somatic/PT01/PT01-tumor_vs_PT01-normal.somatic.vcf.gz"
    passed = [r.split("\t") for r in vcf_records(run_vcf) if "\tPASS\t" in r]
    text = (bundle / "maf/somatic.maf").read_text()
    lines = text.splitlines()
    assert lines[0] == "#version 2.4"
    assert any(x.startswith("#concord.sample ") and "data_use_permission=DUO:0000042" in x
               for x in lines)  # fmt: skip
    maf = rows("\n".join(x for x in lines if not x.startswith("#")) + "\n")
    assert len(maf) == len(passed) == 12
    assert list(maf[0])[:3] == ["Hugo_Symbol", "Entrez_Gene_Id", "Center"]
    assert list(maf[0])[34:40] == ["HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID",
                                   "Exon_Number", "t_depth"]  # fmt: skip
    by_pos = {(r["Chromosome"], r["Start_Position"]): r for r in maf}
    missense = by_pos[("chrD1", "24265")]  # GENA c.361G>T p.(Gly121Cys) in the BRCA table
    assert (missense["Hugo_Symbol"], missense["Variant_Classification"]) == (
        "GENA", "Missense_Mutation",
    )  # fmt: skip
    assert (missense["HGVSp_Short"], missense["t_alt_count"]) == ("p.G121C", "18")
    deletion = by_pos[("chrD1", "28386")]  # VCF 28385 GCCA>G: MAF drops the anchor base
    assert (deletion["Reference_Allele"], deletion["Tumor_Seq_Allele2"]) == ("CCA", "-")
    assert deletion["Variant_Classification"] == "Intron"
    # PT01's four calls on chrD2 are on no panel transcript
    assert {r["Variant_Classification"] for r in maf if r["Chromosome"] == "chrD2"} == {
        "Targeted_Region"
    }


def test_the_cbioportal_study_has_the_required_files_and_passes_the_structure_checks(bundle):
    study = bundle / "cbioportal"
    assert check_study(study) == []
    sample_rows = (study / "data_clinical_sample.txt").read_text().splitlines()
    header = sample_rows[4].split("\t")
    assert {"DATA_USE_PERMISSION", "DATA_USE_MODIFIERS", "CONSENT_VERSION"} <= set(header)
    permissions = {r.split("\t")[header.index("DATA_USE_PERMISSION")] for r in sample_rows[5:]}
    assert permissions == {"GRU (DUO:0000042)", "DS (DUO:0000007)"}
    assert "reference_genome: hg38" in (study / "meta_study.txt").read_text()


@pytest.mark.skipif(not CONTEXT.is_file(), reason="../shared/vocab has no RO-Crate context")
def test_the_ro_crate_passes_the_validator_offline_with_no_check_skipped(bundle, tmp_path):
    cache = seed_cache(tmp_path / "http_cache")
    report = validate_offline(bundle, cache, tmp_path / "report.json")
    stats = report["statistics"]
    assert report["passed"], [i["message"] for i in report["issues"]]
    assert stats["total_failed_checks"] == 0 and report["issues"] == []
    assert report["skipped_checks"] == 0 and stats["total_skipped_checks"] == 0
    assert stats["total_checks"] == stats["total_passed_checks"] >= 50
    assert {"ro-crate-1.1", "workflow-run-crate-0.5"} <= set(stats["profiles"])
    print(f"rocrate-validator: {stats['total_passed_checks']} of {stats['total_checks']} passed")


@pytest.mark.skipif(not CONTEXT.is_file(), reason="../shared/vocab has no RO-Crate context")
def test_the_validator_fails_a_crate_without_the_run_s_instrument(bundle, tmp_path):
    broken = tmp_path / "bundle"
    shutil.copytree(bundle, broken)
    crate = json.loads((broken / "ro-crate-metadata.json").read_text())
    run_action = next(e for e in crate["@graph"] if e["@id"] == "#run")
    del run_action["instrument"]
    (broken / "ro-crate-metadata.json").write_text(json.dumps(crate))
    report = validate_offline(broken, seed_cache(tmp_path / "cache"), tmp_path / "report.json")
    assert not report["passed"] and report["skipped_checks"] == 0


def test_a_changed_or_added_file_fails_verification(bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    qc = copy / "expression/qc.tsv"
    qc.write_text(qc.read_text().replace("pass", "fail", 1))
    (copy / "notes.txt").write_text("added after the checksums\n")
    problems, _ = verify_bundle(copy)
    assert "expression/qc.tsv: SHA-256 differs from SHA256SUMS" in problems
    assert "notes.txt: not in SHA256SUMS" in problems
    crate = json.loads((copy / "ro-crate-metadata.json").read_text())
    next(e for e in crate["@graph"] if e["@id"] == "maf/somatic.maf")["sha256"] = "0" * 64
    (copy / "ro-crate-metadata.json").write_text(json.dumps(crate))
    problems, _ = verify_bundle(copy)
    assert "ro-crate-metadata.json: maf/somatic.maf: sha256 differs from SHA256SUMS" in problems


def test_the_same_key_gives_the_same_bundle_another_key_other_pseudonyms(run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run.path, copy, symlinks=True)  # the run's outputs, its records, its key
    config = copy / "config" / "config.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["share"]["key"] = str(copy / "centre.key")
    config.write_text(yaml.safe_dump(settings))
    target = ["results/share/SHA256SUMS", "--forcerun", "share_bundle"]
    before = (copy / "results/share/SHA256SUMS").read_text().splitlines()
    again = rerun(copy, config, target)
    assert again.returncode == 0, again.stderr[-2000:]
    after = (copy / "results/share/SHA256SUMS").read_text().splitlines()
    undated = [x for x in before if not x.endswith(("bundle.json", "ro-crate-metadata.json"))]
    assert undated and set(undated) <= set(after)  # same key, same bytes
    (copy / "centre.key").write_text("another-centre-key-" + "a7" * 20 + "\n")  # still 0600
    other = rerun(copy, config, target)
    assert other.returncode == 0, other.stderr[-2000:]
    ours = json.loads((run.path / "results/share/bundle.json").read_text())["samples"]
    theirs = json.loads((copy / "results/share/bundle.json").read_text())["samples"]
    assert len(ours) == len(theirs)
    assert not {s["sample"] for s in ours} & {s["sample"] for s in theirs}
    assert not {s["patient"] for s in ours} & {s["patient"] for s in theirs}
    somatic = next((copy / "results/share").glob("somatic/*/*.vcf.gz"))
    assert vcf_records(somatic) == vcf_records(next((run.path / "results/share").glob(
        "somatic/*/*.vcf.gz")))  # fmt: skip


def rerun(path: Path, config: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        [str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(path),
         "--configfile", str(config), "--cores", "1", *args],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip


def test_the_report_counts_the_sample_left_out(run):
    section = json.loads((run.path / "results/report/sections/sharing_mqc.json").read_text())
    assert "5 of 6 samples are in the share bundle" in section["description"]
    assert f"1 left out for lack of sharing consent: {EXCLUDED}" in section["description"]
    assert section["data"][EXCLUDED]["in_bundle"] == "no"
    log = (run.path / "logs/share/share_bundle.log").read_text()
    assert f"{EXCLUDED}: no sharing consent" in log and "1 left out" in log
