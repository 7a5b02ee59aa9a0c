"""Somatic and germline VCFs on the demo: spec, truth, and byte-identical across runs."""

import subprocess

import pytest
from conftest import Workdir

PAIRS = {"PT01": ("PT01-tumor", "PT01-normal"), "PT02": ("PT02-tumor", "PT02-normal")}


def somatic(w, patient):
    tumor, normal = PAIRS[patient]
    return w.path / f"results/somatic/{patient}/{tumor}_vs_{normal}.somatic.vcf.gz"


def germline(w, patient):
    return w.path / f"results/germline/{patient}/{PAIRS[patient][1]}.germline.vcf.gz"


def targets(w, *paths):
    """Snakemake targets are relative to the run directory."""
    return [str(p.relative_to(w.path)) for p in paths]


def records(vcf, *args):
    out = subprocess.run(
        ["bcftools", "view", "-H", *args, str(vcf)], capture_output=True, text=True, check=True
    ).stdout
    return [line.split("\t") for line in out.splitlines()]


def truth(patient, kind):
    lines = Workdir.demo_truth(f"{patient}.{kind}.vcf").read_text().splitlines()
    return {
        tuple(f[i] for i in (0, 1, 3, 4))
        for f in (row.split("\t") for row in lines if row[0] != "#")
    }


@pytest.fixture(scope="module")
def chunked_once(tmp_path_factory):
    w = Workdir(tmp_path_factory.mktemp("demo_one_chunk"))
    w.config["calling"] = {"chunks": 1}
    outputs = [somatic(w, p) for p in PAIRS] + [germline(w, p) for p in PAIRS]
    result = w.run("--cores", "2", *targets(w, *outputs))
    assert result.returncode == 0, result.stderr[-3000:]
    return w


@pytest.mark.parametrize("patient", sorted(PAIRS))
def test_vcfs_are_validated_and_readable(run_two_threads, patient):
    for vcf in (somatic(run_two_threads, patient), germline(run_two_threads, patient)):
        assert (
            vcf.with_suffix(".gz.tbi").exists() or vcf.parent.joinpath(vcf.name + ".tbi").exists()
        )
        report = vcf.parent / vcf.name.replace(".vcf.gz", ".validation.txt")
        assert "conforms to the concord" in report.read_text()
        assert records(vcf)  # bcftools reads it


@pytest.mark.parametrize("patient", sorted(PAIRS))
def test_somatic_pass_calls_recover_the_spiked_variants(run_two_threads, patient):
    calls = {
        tuple(r[i] for i in (0, 1, 3, 4))
        for r in records(somatic(run_two_threads, patient), "-f", "PASS")
    }
    spiked = truth(patient, "somatic")
    assert len(calls & spiked) >= len(spiked) - 1  # the demo is easy: at most one miss
    assert not calls & truth(patient, "germline")  # no germline variant called somatic
    assert len(calls - spiked) <= 1


@pytest.mark.parametrize("patient", sorted(PAIRS))
def test_germline_vcf_has_the_normals_variants(run_two_threads, patient):
    calls = {
        tuple(r[i] for i in (0, 1, 3, 4))
        for r in records(germline(run_two_threads, patient), "-f", "PASS")
    }
    assert truth(patient, "germline") <= calls
    assert not calls & truth(patient, "somatic")


def test_somatic_header_names_samples_and_provenance(run_two_threads):
    header = subprocess.run(
        ["bcftools", "view", "--no-version", "-h", str(somatic(run_two_threads, "PT01"))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "##SAMPLE=<ID=TUMOR,SampleName=PT01-tumor,Individual=PT01,Role=tumor>" in header
    assert "##concordCentre=DEMO" in header
    assert "md5=a56c4b128a0eef3307a092c700bb9391" in header
    assert '##concordTool=<ID=freebayes,Version="1.3.6"' in header
    assert header.rstrip().endswith("FORMAT\tTUMOR\tNORMAL")
    assert str(run_two_threads.path) not in header


def test_vcf_bytes_identical_for_one_and_two_threads(run_two_threads, run_one_thread):
    for patient in PAIRS:
        for path in (somatic, germline):
            assert (
                path(run_two_threads, patient).read_bytes()
                == path(run_one_thread, patient).read_bytes()
            )


def test_vcf_bytes_identical_for_one_and_eight_chunks(run_two_threads, chunked_once):
    for patient in PAIRS:
        for path in (somatic, germline):
            assert (
                path(run_two_threads, patient).read_bytes()
                == path(chunked_once, patient).read_bytes()
            )


def test_vcf_bytes_identical_on_rerun(run_two_threads):
    vcf = somatic(run_two_threads, "PT02")
    before = vcf.read_bytes()
    result = run_two_threads.run(
        "--cores", "2", "--forcerun", "freebayes_chunk", *targets(run_two_threads, vcf)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "freebayes_chunk" in result.stderr
    assert vcf.read_bytes() == before
