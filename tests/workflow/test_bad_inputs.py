"""Bad input stops the real workflow before any job, naming file, line and column; no results/."""

import re
from pathlib import Path

import pytest


def cell(text: str, line: int, column: str) -> str:
    rows = [r.split("\t") for r in text.splitlines()]
    return rows[line - 1][rows[0].index(column)]


def set_cell(text: str, line: int, column: str, value: str) -> str:
    rows = [r.split("\t") for r in text.splitlines()]
    rows[line - 1][rows[0].index(column)] = value
    return "\n".join("\t".join(r) for r in rows) + "\n"


def replace_in(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def missing_fastq(w):
    w.units = replace_in(w.units, "PT01-normal_L001_R1.fastq.gz", "PT01-normal_L009_R1.fastq.gz")
    return (
        r"units.tsv: line 4, column 'fastq_1': FASTQ .*PT01-normal_L009_R1.fastq.gz does not exist"
    )


def corrupt_fastq(w):
    bad = w.path / "broken_R2.fastq.gz"
    bad.write_bytes(b"\x1f\x8b" + b"this is not deflate data" * 4)  # gzip magic, broken stream
    w.units = set_cell(w.units, 2, "fastq_2", str(bad))
    return r"units.tsv: line 2, column 'fastq_2': FASTQ .*broken_R2.fastq.gz cannot be read"


def not_a_fastq(w):
    w.units = set_cell(w.units, 2, "fastq_1", w.config["annotation"]["gtf"])
    return r"units.tsv: line 2, column 'fastq_1': .*demo.gtf is not a FASTQ file"


def duplicate_sample_id(w):
    w.samples = replace_in(w.samples, "PT02-rna\tPT02", "PT01-rna\tPT02")
    return (
        r"samples.tsv: line 7, column 'sample_id': "
        r"duplicate sample_id 'PT01-rna' \(first on line 4\)"
    )


def duplicate_unit(w):
    w.units = replace_in(w.units, "PT01-tumor\tL002", "PT01-tumor\tL001")
    return r"units.tsv: line 3, column 'unit_id': duplicate sample_id 'PT01-tumor' / unit_id 'L001'"


def unknown_role(w):
    w.samples = replace_in(w.samples, "PT02\tnormal\tdna", "PT02\tgermline\tdna")
    return r"samples.tsv: line 6, column 'role': 'germline' is not one of 'tumor', 'normal'"


def unknown_assay(w):
    w.samples = replace_in(w.samples, "PT02\ttumor\trna", "PT02\ttumor\tscrna")
    return r"samples.tsv: line 7, column 'assay': 'scrna' is not one of 'dna', 'rna'"


def illegal_id(w):
    w.samples = replace_in(w.samples, "PT01-rna\t", "PT01 rna#1\t")
    return (
        r"samples.tsv: line 4, column 'sample_id': 'PT01 rna#1' has characters that are not allowed"
    )


def r1_without_r2(w):
    w.units = set_cell(w.units, 2, "fastq_2", "")
    return r"units.tsv: line 2, column 'fastq_2': empty; concord needs paired-end reads"


def drop_rows(text: str, sample: str) -> str:
    return "".join(row for row in text.splitlines(keepends=True) if not row.startswith(sample))


def tumour_without_normal(w):
    w.samples = drop_rows(w.samples, "PT02-normal")
    w.units = drop_rows(w.units, "PT02-normal")
    return (
        r"samples.tsv: line 5, column 'patient_id': "
        r"tumour DNA sample 'PT02-tumor' of patient 'PT02' has no normal"
    )


def unit_of_unknown_sample(w):
    w.units = replace_in(w.units, "PT02-rna\tL001", "PT02-RNA\tL001")
    return r"units.tsv: line 9, column 'sample_id': sample 'PT02-RNA' is not in .*samples.tsv"


def same_fastq_twice(w):
    w.units = set_cell(w.units, 9, "fastq_1", cell(w.units, 2, "fastq_1"))
    return r"units.tsv: line 9, column 'fastq_1': .*PT01-tumor_L001_R1.fastq.gz is already used on line 2"  # noqa: E501


def sample_without_units(w):
    w.units = drop_rows(w.units, "PT02-rna")
    return r"samples.tsv: line 7, column 'sample_id': sample 'PT02-rna' has no units"


def gtf_contig_not_in_reference(w):
    gtf = w.path / "genes.gtf"
    text = Path(w.config["annotation"]["gtf"]).read_text()
    gtf.write_text(text + 'chr17\tx\texon\t10\t20\t.\t+\t.\tgene_id "G"; transcript_id "T";\n')
    w.config["annotation"]["gtf"] = str(gtf)
    n = text.count("\n") + 1
    return rf"genes.gtf: line {n}, column 1 \(seqname\): contig 'chr17' is not in the reference"


def gtf_without_transcript_id(w):
    gtf = w.path / "genes.gtf"
    gtf.write_text('chrD1\tx\texon\t10\t20\t.\t+\t.\tgene_id "G";\n')
    w.config["annotation"]["gtf"] = str(gtf)
    w.config["panel"] = []
    return r"genes.gtf: line 1, column 9 \(attributes\): exon without transcript_id"


def panel_transcript_not_in_gtf(w):
    w.config["panel"][1]["transcript"] = "GENB-209"
    return r"demo.gtf: panel transcript 'GENB-209' is not in the GTF"


def unknown_config_key(w):
    w.config["outdir"] = "/scratch/results"
    return r"config.*: \(top level\): unknown key 'outdir'"


def missing_reference(w):
    w.config["reference"]["fasta"] = str(w.path / "hg38.fa")
    return r"config: reference.fasta: file .*hg38.fa does not exist"


CASES = [
    missing_fastq,
    corrupt_fastq,
    not_a_fastq,
    duplicate_sample_id,
    duplicate_unit,
    unknown_role,
    unknown_assay,
    illegal_id,
    r1_without_r2,
    tumour_without_normal,
    unit_of_unknown_sample,
    same_fastq_twice,
    sample_without_units,
    gtf_contig_not_in_reference,
    panel_transcript_not_in_gtf,
    gtf_without_transcript_id,
    unknown_config_key,
    missing_reference,
]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input_stops_before_any_job(workdir, case):
    message = case(workdir)
    result = workdir.run("--cores", "1")
    assert result.returncode != 0
    assert "concord input check failed (nothing was run)" in result.stderr
    assert re.search(message, result.stderr), result.stderr[-2000:]
    assert not (workdir.path / "results").exists()
    assert not (workdir.path / "logs").exists()


def test_an_annotation_that_does_not_fit_the_reference_stops_annotation_and_expression(workdir):
    """Same contig names, coordinates 7 bp off (another build, an offset window): the GTF passes
    the parse-time checks, so the early annotation_check job must stop the run before any panel
    variant is named or any RNA sample quantified."""
    gtf = workdir.path / "offset.gtf"
    rows = []
    for line in Path(workdir.config["annotation"]["gtf"]).read_text().splitlines():
        f = line.split("\t")
        f[3], f[4] = str(int(f[3]) + 7), str(int(f[4]) + 7)
        rows.append("\t".join(f))
    gtf.write_text("\n".join(rows) + "\n")
    workdir.config["annotation"]["gtf"] = str(gtf)
    targets = ["results/brca/PT01/PT01.brca.tsv", "results/expression/genes.counts.tsv"]
    result = workdir.run("--cores", "2", *targets)
    assert result.returncode != 0
    assert re.search(r"offset.gtf does not fit .*genome.fa: only \d+ of \d+ introns", result.stderr)
    assert re.search(r"offset.gtf: panel transcript GENA-201: .*not ATG", result.stderr)
    results = workdir.path / "results"
    assert not (results / "reference/annotation_check.json").exists()
    assert not list(results.glob("brca/*/*.tsv")) and not (results / "expression/quant").exists()
