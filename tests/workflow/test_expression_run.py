"""Expression matrices on the demo: truth, identical bytes across runs and threads, failed QC."""

import csv
import gzip
import random

from conftest import DEMO, Workdir

MATRICES = (
    "genes.counts.tsv",
    "genes.tpm.tsv",
    "genes.length_scaled_counts.tsv",
    "transcripts.counts.tsv",
    "transcripts.tpm.tsv",
)


def read_tsv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_gene_counts_follow_the_simulated_fragments(run_two_threads):
    counts = read_tsv(run_two_threads.path / "results/expression/genes.counts.tsv")
    assert list(counts[0]) == ["gene_id", "gene_name", "PT01-rna", "PT02-rna"]  # sheet order
    truth: dict[tuple[str, str], int] = {}
    for row in read_tsv(DEMO / "truth/expression.transcripts.tsv"):
        key = (row["sample"], row["gene_id"])
        truth[key] = truth.get(key, 0) + int(row["simulated_pairs"])
    for row in counts:
        for sample in ("PT01-rna", "PT02-rna"):
            expected = truth[(sample, row["gene_id"])]
            assert abs(float(row[sample]) - expected) <= 0.01 * expected + 1, (row, expected)
    qc = read_tsv(run_two_threads.path / "results/expression/qc.tsv")
    assert [(q["sample"], q["strandedness"], q["library_type"], q["verdict"]) for q in qc] == [
        ("PT01-rna", "unstranded", "IU", "pass"),  # the demo's reads are unstranded
        ("PT02-rna", "unstranded", "IU", "pass"),
    ]
    assert all(abs(float(q["sense_fraction"]) - 0.5) < 0.02 and q["warnings"] == "" for q in qc)
    assert all(float(q["mapping_rate"]) > 0.95 and int(q["genes_detected"]) == 4 for q in qc)


def test_salmon_output_kept_for_multiqc(run_two_threads):
    d = run_two_threads.path / "results/expression/salmon/PT01-rna"
    assert (d / "aux_info/meta_info.json").is_file() and (d / "lib_format_counts.json").is_file()


def test_matrices_identical_for_one_and_two_threads(run_two_threads, run_one_thread):
    for name in MATRICES:
        a = (run_two_threads.path / "results/expression" / name).read_bytes()
        b = (run_one_thread.path / "results/expression" / name).read_bytes()
        assert a == b, name


def test_matrices_identical_when_salmon_runs_again(run_two_threads):
    before = {n: (run_two_threads.path / "results/expression" / n).read_bytes() for n in MATRICES}
    result = run_two_threads.run(
        "--cores", "2", "--forcerun", "salmon_quant", "results/expression/genes.counts.tsv"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "salmon_quant" in result.stderr
    for name, data in before.items():
        assert (run_two_threads.path / "results/expression" / name).read_bytes() == data, name


def random_fastq(path, seed, n=2000, length=75):
    rng = random.Random(seed)
    with gzip.open(path, "wt") as fh:
        for i in range(n):
            seq = "".join(rng.choice("ACGT") for _ in range(length))
            fh.write(f"@noise{i}\n{seq}\n+\n{'F' * length}\n")


def test_sample_that_does_not_map_fails_qc_and_is_left_out(tmp_path):
    w = Workdir(tmp_path)
    random_fastq(tmp_path / "noise_R1.fastq.gz", 1)
    random_fastq(tmp_path / "noise_R2.fastq.gz", 2)
    w.samples += "PT03-rna\tPT03\ttumor\trna\t\t\t\tunrelated reads\tno\t\t\t\t\n"
    r1, r2 = tmp_path / "noise_R1.fastq.gz", tmp_path / "noise_R2.fastq.gz"
    w.units += f"PT03-rna\tL001\t{r1}\t{r2}\tILLUMINA\t\t\t\n"
    result = w.run("--cores", "2", "results/expression/qc.tsv")
    assert result.returncode == 0, result.stderr[-3000:]
    qc = {q["sample"]: q for q in read_tsv(tmp_path / "results/expression/qc.tsv")}
    assert qc["PT03-rna"]["verdict"] == "fail: mapping rate below 0.5"
    # nothing mapped, so no orientation to count: quantified unstranded, and said so
    assert (qc["PT03-rna"]["strandedness"], qc["PT03-rna"]["sense_fraction"]) == (
        "undetermined",
        "",
    )
    assert qc["PT03-rna"]["warnings"] == "strandedness_undetermined"
    assert float(qc["PT03-rna"]["mapping_rate"]) < 0.1
    header = (tmp_path / "results/expression/genes.counts.tsv").read_text().splitlines()[0]
    assert header == "gene_id\tgene_name\tPT01-rna\tPT02-rna"
