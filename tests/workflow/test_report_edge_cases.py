"""Runs with nothing to report still give a complete report: no somatic PASS call, no panel
variant, a single pair without informative identity sites, every RNA sample failing QC, and no
RNA sample at all. Tiny configs built from the demo's own reads."""

import gzip
import json
import random
import subprocess

import pytest
from conftest import Workdir, noisy_lines

# A stretch of a GENA exon with no spiked variant, somatic or germline, in either patient.
QUIET_REGION = "chrD1:31600-32000"


def region_fastqs(bam, region: str, prefix) -> tuple[str, str]:
    """The read pairs of a region of a demo BAM, back as FASTQ."""
    r1, r2 = f"{prefix}_R1.fastq.gz", f"{prefix}_R2.fastq.gz"
    view = subprocess.run(
        ["samtools", "view", "-u", "-F", "0x900", str(bam), region],
        check=True,
        capture_output=True,
    ).stdout
    collated = subprocess.run(
        ["samtools", "collate", "-u", "-O", "-"], input=view, check=True, capture_output=True
    ).stdout
    subprocess.run(
        ["samtools", "fastq", "-n", "-1", r1, "-2", r2, "-0", "/dev/null", "-s", "/dev/null", "-"],
        input=collated,
        check=True,
        capture_output=True,
    )
    return r1, r2


def random_fastqs(prefix, pairs: int = 3000) -> tuple[str, str]:
    """Read pairs of random sequence: nothing maps, salmon refuses the sample."""
    rng = random.Random(7)
    paths = (f"{prefix}_R1.fastq.gz", f"{prefix}_R2.fastq.gz")
    for mate, path in enumerate(paths, start=1):
        with gzip.open(path, "wt") as fh:
            for i in range(pairs):
                seq = "".join(rng.choice("ACGT") for _ in range(100))
                fh.write(f"@noise{i}/{mate}\n{seq}\n+\n{'I' * 100}\n")
    return paths


def quiet_run(tmp_path, normal_bam, with_rna: bool) -> Workdir:
    w = Workdir(tmp_path)
    n1, n2 = region_fastqs(normal_bam, QUIET_REGION, tmp_path / "normal")
    # the "tumour" is the normal's reads again: nothing somatic to find
    t1, t2 = region_fastqs(normal_bam, QUIET_REGION, tmp_path / "tumor")
    samples = ["sample_id\tpatient_id\trole\tassay", "PT01-tumor\tPT01\ttumor\tdna"]
    samples.append("PT01-normal\tPT01\tnormal\tdna")
    units = ["sample_id\tunit_id\tfastq_1\tfastq_2\tplatform"]
    units += [f"PT01-tumor\tL001\t{t1}\t{t2}\tILLUMINA", f"PT01-normal\tL001\t{n1}\t{n2}\tILLUMINA"]
    if with_rna:
        r1, r2 = random_fastqs(tmp_path / "rna")
        samples.append("PT01-rna\tPT01\ttumor\trna")
        units.append(f"PT01-rna\tL001\t{r1}\t{r2}\tILLUMINA")
    w.samples = "\n".join(samples) + "\n"
    w.units = "\n".join(units) + "\n"
    result = w.run("--cores", "2")
    assert result.returncode == 0, result.stderr[-4000:]
    w.stderr = result.stderr
    return w


def section(w: Workdir, name: str) -> dict:
    return json.loads((w.path / f"results/report/sections/{name}_mqc.json").read_text())


@pytest.fixture(scope="module")
def normal_bam(run_two_threads):
    return run_two_threads.path / "results/align/PT01-normal/PT01-normal.bam"


def test_nothing_to_report_still_gives_a_complete_report(tmp_path, normal_bam):
    w = quiet_run(tmp_path, normal_bam, with_rna=True)
    assert (w.path / "results/report/multiqc.html").stat().st_size > 100_000
    vaf = section(w, "somatic_vaf")
    assert vaf["plot_type"] == "html" and "No PASS somatic call" in vaf["data"]
    assert section(w, "somatic_summary")["data"]["PT01-tumor vs PT01-normal"]["PASS"] == 0
    findings = section(w, "brca_findings")
    assert findings["plot_type"] == "html" and "GENA/GENB" in findings["data"]
    identity = section(w, "identity")["data"]["PT01-tumor vs PT01-normal"]
    assert identity["informative_sites"] == 0 and identity["verdict"] == "warn"
    expression = section(w, "expression_qc")["data"]["PT01-rna"]
    assert expression["verdict"].startswith("fail")
    counts = (w.path / "results/expression/genes.counts.tsv").read_text().splitlines()
    assert counts[0] == "gene_id\tgene_name" and len(counts) > 1  # rows, no sample columns
    general = (w.path / "results/report/multiqc_data/multiqc_general_stats.txt").read_text()
    assert "PT01-tumor_vs_PT01-normal" in general
    assert not noisy_lines(w)


def test_a_run_without_rna_has_a_complete_report(tmp_path, normal_bam):
    w = quiet_run(tmp_path, normal_bam, with_rna=False)
    assert (w.path / "results/report/multiqc.html").is_file()
    assert not (w.path / "results/report/sections/expression_qc_mqc.json").exists()
    assert not (w.path / "results/expression").exists()
    assert not noisy_lines(w)
