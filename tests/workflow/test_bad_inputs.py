"""Bad input stops the real workflow before any job, naming file, line and column; no results/."""

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from concord import paths
from conftest import DEMO


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


def with_bam_column(w) -> None:
    w.units = "".join(
        f"{row}\t{'bam' if n == 0 else ''}\n" for n, row in enumerate(w.units.splitlines())
    )


def reads(name: str) -> list[str]:
    return [str(DEMO / "reads" / f"{name}_R{i}.fastq.gz") for i in (1, 2)]


def fastq_and_bam(w):
    with_bam_column(w)
    w.units = set_cell(w.units, 3, "bam", str(w.path / "PT01-tumor_L002.bam"))
    return (
        r"units.tsv: line 3, column 'fastq_1': must be empty \(bam is given, and a unit is "
        r"either paired FASTQ or one BAM/CRAM, not both\)"
    )


def neither_fastq_nor_bam(w):
    with_bam_column(w)
    w.units = set_cell(set_cell(w.units, 3, "fastq_1", ""), 3, "fastq_2", "")
    return (
        r"units.tsv: line 3, column 'fastq_1': must not be empty \(a unit's reads are fastq_1 "
        r"and fastq_2, or one BAM/CRAM in bam\)"
    )


def bam_unit(w, line: int, bam: Path) -> None:
    """Line `line` of the units sheet becomes a BAM unit reading `bam`."""
    with_bam_column(w)
    for column in ("fastq_1", "fastq_2"):
        w.units = set_cell(w.units, line, column, "")
    w.units = set_cell(w.units, line, "bam", str(bam))


def missing_bam(w):
    bam_unit(w, 4, w.path / "archive" / "PT01-normal.bam")
    return r"units.tsv: line 4, column 'bam': BAM/CRAM .*archive/PT01-normal.bam does not exist"


def single_end_bam(w):
    """R1 alone, as single-end reads (names without /1, which samtools import reads as R1)."""
    r1 = w.path / "PT01-normal_R1-only.fastq"
    with gzip.open(reads("PT01-normal_L001")[0], "rt") as fh:
        r1.write_text(fh.read().replace("/1\n", "\n"))
    bam = w.path / "PT01-normal.R1-only.bam"
    subprocess.run(["samtools", "import", "-0", str(r1), "-o", str(bam)], check=True)
    bam_unit(w, 4, bam)
    return (
        r"units.tsv: line 4, column 'bam': BAM .*PT01-normal.R1-only.bam holds single-end reads "
        r"\(read 'PT01-normal:L001:0000001' has FLAG 4, without 0x1 'paired'\)"
    )


def truncated_bam(w):
    """A complete unaligned BAM cut at a BGZF block boundary: every block before the cut reads
    without error, htslib only warns that the end-of-file block is missing."""
    bam = w.path / "PT01-normal.bam"
    r1, r2 = reads("PT01-normal_L001")
    subprocess.run(["samtools", "import", "-1", r1, "-2", r2, "-o", str(bam)], check=True)
    bam.write_bytes(bam.read_bytes()[:-28])
    bam_unit(w, 4, bam)
    return (
        r"units.tsv: line 4, column 'bam': BAM .*PT01-normal.bam ends without its end-of-file "
        r"marker \([\d,]+ bytes\): it is truncated"
    )


def cram_on_another_reference(w):
    """A CRAM written against the demo reference with one base of chrD1 changed."""
    other = w.path / "other" / "genome.fa"
    other.parent.mkdir()
    lines = Path(w.config["reference"]["fasta"]).read_text().splitlines(keepends=True)
    lines[1] = ("C" if lines[1][0] != "C" else "G") + lines[1][1:]  # chrD1:1
    other.write_text("".join(lines))
    subprocess.run(["bwa", "index", str(other)], check=True, capture_output=True)
    cram = w.path / "PT01-normal.cram"
    bwa = subprocess.run(
        ["bwa", "mem", str(other), *reads("PT01-normal_L001")], check=True, capture_output=True
    )
    subprocess.run(
        ["samtools", "view", "-C", "-T", str(other), "-o", str(cram), "-"],
        input=bwa.stdout, check=True,
    )  # fmt: skip
    shutil.rmtree(other.parent)  # the CRAM must not find its own reference
    bam_unit(w, 4, cram)
    return (
        r"units.tsv: line 4, column 'bam': CRAM .*PT01-normal.cram was written against another "
        r"reference: contig 'chrD1' has M5 [0-9a-f]{32} in the CRAM, but "
        r"a56c4b128a0eef3307a092c700bb9391 in reference.expected_md5"
    )


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


def unknown_duo_code(w):
    w.samples = set_cell(w.samples, 3, "consent_permission", "GRUX")
    return (
        r"samples.tsv: line 3, column 'consent_permission': 'GRUX' is not a DUO term "
        r"\(permissions: DS, GRU, HMB, NRES, POA\)"
    )


def ds_without_disease(w):
    w.samples = set_cell(w.samples, 6, "consent_disease", "")
    return (
        r"samples.tsv: line 6, column 'consent_disease': empty; DS \(disease specific research\) "
        r"needs the MONDO term of the disease"
    )


def two_permissions(w):
    w.samples = set_cell(w.samples, 2, "consent_permission", "GRU,HMB")
    return (
        r"samples.tsv: line 2, column 'consent_permission': 'GRU,HMB' has 2 codes; a sample has "
        r"exactly one data use permission"
    )


def modifier_as_permission(w):
    w.samples = set_cell(w.samples, 4, "consent_permission", "PUB")
    return (
        r"samples.tsv: line 4, column 'consent_permission': 'PUB' \(publication required\) is a "
        r"DUO data use modifier, not a permission"
    )


def permission_as_modifier(w):
    w.samples = set_cell(w.samples, 4, "consent_modifiers", "PUB,HMB")
    return (
        r"samples.tsv: line 4, column 'consent_modifiers': 'HMB' .* is a DUO data use "
        r"permission, not a modifier"
    )


def shared_without_consent_version(w):
    w.samples = set_cell(w.samples, 2, "consent_version", "")
    return r"samples.tsv: line 2, column 'consent_version': empty; a sample with consent_share"


def key_readable_by_others(w):
    w.key.chmod(0o644)
    return r"config share.key: .*centre.key: the centre key must be readable by its owner only"


def key_missing(w):
    w.config["share"]["key"] = str(w.path / "no.key")
    return r"config share.key: .*no.key: the centre key file does not exist"


# sheets: header, encoding, lines, swapped samples


def unknown_sheet_column(w):
    w.units = replace_in(w.units, "\tfastq_1\t", "\tfastq1\t")
    return r"units.tsv: line 1: unknown column 'fastq1' \(did you mean 'fastq_1'\? allowed: "


def missing_required_column(w):
    rows = [r.split("\t") for r in w.samples.splitlines()]
    gone = rows[0].index("role")
    w.samples = "".join("\t".join(r[:gone] + r[gone + 1 :]) + "\n" for r in rows)
    return r"samples.tsv: line 1: required column 'role' is missing \(the header has sample_id, "


def empty_sheet(w):
    w.units = ""
    return r"units.tsv: sheet is empty \(a header line is required\)"


def header_only_sheet(w):
    w.samples = w.samples.splitlines(keepends=True)[0]
    return r"samples.tsv: line 1: a header and no rows; the sheet needs one row per sample"


def sheet_not_utf8(w):
    text = set_cell(w.samples, 3, "description", "prélèvement sanguin")
    write = w.write

    def write_latin1():  # a LIMS export in Latin-1 / Windows-1252
        write()
        (w.path / "config" / "samples.tsv").write_bytes(text.encode("latin-1"))

    w.write = write_latin1
    return (
        r"samples.tsv: line 3, column 'description': byte 0xe9 is not UTF-8 text \(the sheet "
        r"was saved in another encoding"
    )


def lines_counted_with_comments(w):
    """Comment lines above the header: the message names the file's own line, not the row's."""
    w.samples = "# exported from LIMS\n# by the demo centre\n" + w.samples
    w.samples = replace_in(w.samples, "PT02\tnormal\tdna", "PT02\tgermline\tdna")
    return r"samples.tsv: line 8, column 'role': 'germline' is not one of 'tumor', 'normal'"


def normal_as_tumour_of_another_patient(w):
    """PT01's normal library listed again as PT02's tumour (a swap in the LIMS export)."""
    w.units = set_cell(w.units, 6, "library_id", "PT01-normal-lib1")
    return (
        r"units.tsv: line 6, column 'library_id': library 'PT01-normal-lib1' is sequenced from "
        r"'PT02-tumor' \(tumour DNA of patient 'PT02'\) here, but from 'PT01-normal' \(normal "
        r"DNA of patient 'PT01'\) on line 4; a library belongs to one sample"
    )


def two_normals_for_one_patient(w):
    w.samples = replace_in(w.samples, "PT02-rna\tPT02\ttumor\trna", "PT02-rna\tPT02\tnormal\tdna")
    return (
        r"samples.tsv: line 5, column 'patient_id': patient 'PT02' has 2 normal DNA samples "
        r"\(PT02-normal, PT02-rna\); exactly one is needed to pair tumour 'PT02-tumor'"
    )


# config


def misspelt_config_key(w):
    w.config["brca"]["min_dept"] = w.config["brca"].pop("min_depth")
    return r"config.*: brca: unknown key 'min_dept' \(did you mean 'min_depth'\? allowed: "


def threshold_out_of_range(w):
    w.config["brca"]["min_fraction"] = 95
    return r"config.*: brca.min_fraction: 95 is out of range \(0 to 1\)"


def zero_chunks(w):
    w.config["calling"] = {"chunks": 0}
    return r"config.*: calling.chunks: 0 is out of range \(at least 1\)"


def more_chunks_than_the_genome_allows(w):
    w.config["calling"] = {"chunks": 100}
    return (
        r"config: calling.chunks: 100 chunks of the 280,000 bases of .*demo.fa would be 2,800 "
        r"bases each; a chunk needs at least 10,000 bases \(at most 28 chunks for this reference\)"
    )


# reference and annotation


def demo_fasta_copy(w) -> Path:
    fasta = w.path / "ref" / "genome.fa"
    fasta.parent.mkdir(exist_ok=True)
    shutil.copy(w.config["reference"]["fasta"], fasta)
    w.config["reference"]["fasta"] = str(fasta)
    return fasta


def fasta_duplicate_contig(w):
    fasta = demo_fasta_copy(w)
    lines = fasta.read_text().splitlines(keepends=True)
    fasta.write_text("".join(lines) + ">chrD1 a second chrD1\nACGTACGT\n")
    return (
        rf"genome.fa: line {len(lines) + 1}: contig 'chrD1' appears twice in the FASTA \(first on "
        r"line 1\); contig names must be unique"
    )


def fai_of_another_fasta(w):
    """The FASTA edited after it was indexed (one line of chrD1 dropped)."""
    fasta = demo_fasta_copy(w)
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    lines = fasta.read_text().splitlines(keepends=True)
    fasta.write_text("".join(lines[:2] + lines[3:]))
    w.config["reference"]["fai"] = f"{fasta}.fai"
    return (
        r"genome.fa.fai: line 1: contig 'chrD1' is 160,000 bases in the index, but another length "
        r"in .*genome.fa: the index does not match the FASTA \(changed after indexing\?\); "
        r"rebuild it with samtools faidx"
    )


def panel_gene_not_the_transcripts_gene(w):
    w.config["panel"][0]["gene"] = "BRCA1"
    gtf = Path(w.config["annotation"]["gtf"]).read_text().splitlines()
    line = next(n for n, x in enumerate(gtf, 1) if "\texon\t" in x and '"GENA-201"' in x)
    return (
        rf"demo.gtf: line {line}, column 9 \(attributes\): panel transcript 'GENA-201' is of gene "
        r"'GENA' here, but config panel\[0\] says gene 'BRCA1'"
    )


def reference_too_large_for_the_memory(w):
    """The run may use less memory than bwa needs to index the (demo) reference and align."""
    run = w.run
    w.run = lambda *args, **kwargs: run(*args, "--resources", "mem_mb=50", **kwargs)
    return (
        r"config reference.fasta: .*demo.fa has 280,000 bases: bwa needs at least 100 MB to index "
        r"it and align against it, but this run may use 50 MB \(--resources mem_mb=50\); raise "
        r"--resources mem_mb \(or the profile's resources\) to at least 100"
    )


def renamed(text: str) -> str:
    """chrD1 -> D1, chrD2 -> D2: the other contig naming style (like 17 for chr17)."""
    return text.replace("chrD", "D")


def gtf_contigs_named_otherwise(w):
    gtf = w.path / "genes.gtf"
    gtf.write_text(renamed(Path(w.config["annotation"]["gtf"]).read_text()))
    w.config["annotation"]["gtf"] = str(gtf)
    return (
        r"genes.gtf: line 1, column 1 \(seqname\): contig 'D1' is not in the reference "
        r".*demo.fa \(which names it 'chrD1': the annotation must use the reference's contig names"
    )


def clinvar_contigs_named_otherwise(w):
    vcf = w.path / "clinvar.vcf"
    vcf.write_text(renamed(Path(w.config["annotation"]["clinvar"]).read_text()))
    w.config["annotation"]["clinvar"] = str(vcf)
    return (
        r"clinvar.vcf: line 9, column 1 \(CHROM\): contig 'D1' is not in the reference .*demo.fa, "
        r"which names it 'chrD1': the ClinVar VCF \(config annotation.clinvar\) must use"
    )


def clinvar_on_another_build(w):
    """The same records 7 bases further on, as a lift between builds would not leave them."""
    vcf = w.path / "clinvar.vcf"
    rows = []
    for line in Path(w.config["annotation"]["clinvar"]).read_text().splitlines():
        f = line.split("\t")
        if not line.startswith("#"):
            f[1] = str(int(f[1]) + 7)
        rows.append("\t".join(f))
    vcf.write_text("\n".join(rows) + "\n")
    w.config["annotation"]["clinvar"] = str(vcf)
    return (
        r"clinvar.vcf: line \d+, column 4 \(REF\): '[ACGT]+' at chrD\d:\d+, but the reference "
        r"has '[ACGT]+'; \d+ of the first \d+ records disagree with .*demo.fa: the ClinVar VCF "
        r"\(config annotation.clinvar\) is on another build"
    )


CASES = [
    unknown_duo_code,
    ds_without_disease,
    two_permissions,
    modifier_as_permission,
    permission_as_modifier,
    shared_without_consent_version,
    key_readable_by_others,
    key_missing,
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
    fastq_and_bam,
    neither_fastq_nor_bam,
    missing_bam,
    single_end_bam,
    truncated_bam,
    cram_on_another_reference,
    gtf_contig_not_in_reference,
    panel_transcript_not_in_gtf,
    gtf_without_transcript_id,
    unknown_config_key,
    missing_reference,
    unknown_sheet_column,
    missing_required_column,
    empty_sheet,
    header_only_sheet,
    sheet_not_utf8,
    lines_counted_with_comments,
    normal_as_tumour_of_another_patient,
    two_normals_for_one_patient,
    misspelt_config_key,
    threshold_out_of_range,
    zero_chunks,
    more_chunks_than_the_genome_allows,
    fasta_duplicate_contig,
    fai_of_another_fasta,
    reference_too_large_for_the_memory,
    gtf_contigs_named_otherwise,
    panel_gene_not_the_transcripts_gene,
    clinvar_contigs_named_otherwise,
    clinvar_on_another_build,
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


def test_an_rna_sample_of_a_patient_without_dna_is_quantified_and_paired_with_nothing(workdir):
    """Decided: allowed. Expression needs no DNA; the patient gets no tumour/normal pair, no
    somatic call, no BRCA table (a dry run: the plan is what is checked)."""
    for i in (1, 2):
        shutil.copy(DEMO / "reads" / f"PT02-rna_L001_R{i}.fastq.gz", workdir.path / f"R{i}.fq.gz")
    workdir.samples += "PT03-rna\tPT03\ttumor\trna\tbreast\tfemale\t\t\tno\t\t\t\t\n"
    workdir.units += (
        f"PT03-rna\tL001\t{workdir.path}/R1.fq.gz\t{workdir.path}/R2.fq.gz\tILLUMINA\t\t\t\n"
    )
    result = workdir.run("--cores", "1", "--dry-run", "--printshellcmds")
    assert result.returncode == 0, result.stderr[-2000:]
    planned = result.stdout + result.stderr
    assert paths.SAMPLE_QUANT.format(sample="PT03-rna") in planned
    assert "PT03" not in planned.replace("PT03-rna", "")  # no pair, no BRCA table for PT03
