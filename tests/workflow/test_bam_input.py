"""The demo with units given as BAM/CRAM instead of FASTQ, compared with the FASTQ run.

Inputs are made from the demo's own reads, in the forms centres archive:
- PT01-tumor: both lanes as one unaligned BAM with two read groups (samtools import);
- PT01-rna: an unaligned BAM whose @RG gives library and platform (the sheet leaves them empty);
- PT02-normal: bwa's output as an aligned CRAM, not sorted (mates together, reads in order);
- PT02-tumor: an analysis-ready BAM: both lanes aligned, coordinate-sorted, merged, duplicates
  marked, two read groups;
- PT02-rna: a coordinate-sorted BAM;
- PT01-normal stays FASTQ.
"""

import gzip
import subprocess

import pytest
from conftest import DEMO, Workdir, unaligned_bam

READS = DEMO / "reads"


def fastqs(sample: str, lane: str = "L001"):
    return [READS / f"{sample}_{lane}_R{i}.fastq.gz" for i in (1, 2)]


def read_group(sample: str, lane: str) -> dict:
    """The @RG fields the FASTQ run gives this lane (config/units.tsv), with another ID."""
    return {"ID": f"archive.{lane}", "SM": f"lims-{sample}", "LB": f"{sample}-lib1",
            "PU": f"DEMOFC1.{lane[-1]}", "PL": "ILLUMINA"}  # fmt: skip


def sh(command: str) -> None:
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, capture_output=True)


def bwa_rg(fields: dict) -> str:
    return "@RG\\t" + "\\t".join(f"{k}:{v}" for k, v in fields.items())


def aligned(reference, sample: str, lane: str) -> str:
    """bwa mem's output for a lane, as a shell pipeline start (mates together, input order)."""
    r1, r2 = fastqs(sample, lane)
    return f"bwa mem -t 2 -R '{bwa_rg(read_group(sample, lane))}' {reference} {r1} {r2}"


def coordinate_sorted(reference, sample: str, lanes: list[str], out) -> None:
    """An analysis-ready BAM: each lane aligned and sorted, lanes merged, duplicates marked."""
    parts = []
    for lane in lanes:
        parts.append(out.with_suffix(f".{lane}.bam"))
        sh(
            f"{aligned(reference, sample, lane)} | samtools fixmate -m -u - - "
            f"| samtools sort -o {parts[-1]} -"
        )
    sh(f"samtools merge -u -o - {' '.join(map(str, parts))} | samtools markdup - {out}")


@pytest.fixture(scope="module")
def bam_run(run_two_threads, tmp_path_factory):
    """The whole demo with the units above; the reference and bwa index of the FASTQ run."""
    archive = tmp_path_factory.mktemp("archive")
    reference = run_two_threads.path / "results/reference/genome.fa"
    tumor = unaligned_bam(
        archive / "PT01-tumor.bam",
        [
            (read_group("PT01-tumor", lane), *fastqs("PT01-tumor", lane))
            for lane in ("L001", "L002")
        ],
    )
    rna_group = {"ID": "run1", "LB": "PT01-rna-lib1", "PU": "DEMOFC1.1", "PL": "illumina"}
    rna = unaligned_bam(archive / "PT01-rna.bam", [(rna_group, *fastqs("PT01-rna"))])
    cram = archive / "PT02-normal.cram"
    sh(f"{aligned(reference, 'PT02-normal', 'L001')} | samtools view -C -T {reference} -o {cram}")
    analysed = archive / "PT02-tumor.bam"
    coordinate_sorted(reference, "PT02-tumor", ["L001", "L002"], analysed)
    rna_sorted = archive / "PT02-rna.bam"
    coordinate_sorted(reference, "PT02-rna", ["L001"], rna_sorted)

    w = Workdir(tmp_path_factory.mktemp("demo_bam"))
    normal = next(r for r in w.units.splitlines() if r.startswith("PT01-normal\t"))
    bam_rows = [
        ("PT01-tumor", "FC1", tumor), ("PT01-rna", "L001", rna),
        ("PT02-tumor", "archive", analysed), ("PT02-normal", "L001", cram),
        ("PT02-rna", "L001", rna_sorted),
    ]  # fmt: skip
    w.units = "\t".join(w.units.splitlines()[0].split("\t") + ["bam"]) + "\n" + f"{normal}\t\n"
    w.units += "".join(f"{s}\t{u}\t\t\t\t\t\t\t{bam}\n" for s, u, bam in bam_rows)
    result = w.run("--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return w


def vcf_text(path) -> str:
    """A VCF's text without the header lines that name the run (date, command)."""
    with gzip.open(path, "rt") as fh:
        return "".join(
            line for line in fh if not line.startswith("##fileDate") and "ommand" not in line[:40]
        )


STANDARDIZED_VCFS = [
    "somatic/PT01/PT01-tumor_vs_PT01-normal.somatic.vcf.gz",
    "somatic/PT02/PT02-tumor_vs_PT02-normal.somatic.vcf.gz",
    "germline/PT01/PT01-normal.germline.vcf.gz",
    "germline/PT02/PT02-normal.germline.vcf.gz",
    "brca/PT01/PT01.brca.vcf.gz",
    "brca/PT02/PT02.brca.vcf.gz",
]
TABLES = [
    *(f"brca/{p}/{p}.{t}" for p in ("PT01", "PT02") for t in ("brca.tsv", "brca_coverage.tsv")),
    *(f"expression/{m}.tsv" for m in ("genes.counts", "genes.tpm", "genes.length_scaled_counts")),
    "expression/transcripts.counts.tsv",
    "expression/transcripts.tpm.tsv",
    "expression/qc.tsv",
]


@pytest.mark.parametrize("name", STANDARDIZED_VCFS)
def test_standardized_vcfs_are_those_of_the_fastq_run(bam_run, run_two_threads, name):
    fastq = vcf_text(run_two_threads.path / "results" / name)
    assert any(not line.startswith("#") for line in fastq.splitlines())  # records to compare
    assert vcf_text(bam_run.path / "results" / name) == fastq


@pytest.mark.parametrize("name", TABLES)
def test_brca_tables_and_expression_matrices_are_those_of_the_fastq_run(
    bam_run, run_two_threads, name
):
    fastq = (run_two_threads.path / "results" / name).read_text()
    assert (bam_run.path / "results" / name).read_text() == fastq


def records(run: Workdir, sample: str) -> list[str]:
    """The sample's alignment records as SAM lines, RG tag left out (unit ids differ)."""
    bam = run.path / f"results/align/{sample}/{sample}.bam"
    sam = subprocess.run(["samtools", "view", bam], capture_output=True, text=True, check=True)
    return [
        "\t".join(f for f in line.split("\t") if not f.startswith("RG:Z:"))
        for line in sam.stdout.splitlines()
    ]


@pytest.mark.parametrize("sample", ["PT01-tumor", "PT02-normal"])
def test_reads_in_their_original_order_give_the_same_alignments(bam_run, run_two_threads, sample):
    """An unaligned BAM, or an aligned file whose reads are still in sequencing order, reverts
    to the original FASTQ's reads in the original order: every record is the same, in order."""
    fastq = records(run_two_threads, sample)
    assert fastq and records(bam_run, sample) == fastq


def test_a_coordinate_sorted_bam_gives_the_same_records_in_another_tie_order(
    bam_run, run_two_threads
):
    """A coordinate-sorted BAM reverts to the same reads in another order (mates are brought
    together by position). On the demo every record is the same, but records that share a
    sort position can be in another order (docs/aligned-input.md says why and when more can
    differ on real data)."""
    fastq = records(run_two_threads, "PT02-tumor")
    assert fastq and sorted(records(bam_run, "PT02-tumor")) == sorted(fastq)


def test_read_groups_come_from_the_bam(bam_run, run_two_threads):
    """Both lanes of PT01-tumor's BAM are units, with LB, PU and PL of their @RG lines."""

    def groups(run):
        bam = run.path / "results/align/PT01-tumor/PT01-tumor.bam"
        header = subprocess.run(
            ["samtools", "view", "-H", bam], capture_output=True, text=True, check=True
        ).stdout
        return [line.split("\t")[1:] for line in header.splitlines() if line.startswith("@RG")]

    ids = [g[0] for g in groups(bam_run)]
    assert ids == ["ID:PT01-tumor.FC1-archive_L001", "ID:PT01-tumor.FC1-archive_L002"]
    assert [g[1:] for g in groups(bam_run)] == [g[1:] for g in groups(run_two_threads)]
    assert not (bam_run.path / "results/reverted").exists()  # temporary


def test_a_bam_whose_mates_are_missing_stops_at_the_revert(workdir, tmp_path):
    """Reads flagged as first mates, without their second mates: the first records pass the
    check before any job, the revert job finds no mate for any of them and fails."""
    bam = tmp_path / "R1-only.bam"
    subprocess.run(  # names end in /1, so samtools import flags the reads as first mates
        ["samtools", "import", "-0", fastqs("PT01-normal")[0], "-o", bam], check=True
    )
    rows = workdir.units.splitlines()
    rows = [rows[0] + "\tbam"] + [r + "\t" for r in rows[1:] if not r.startswith("PT01-normal")]
    workdir.units = "\n".join(rows) + f"\nPT01-normal\tL001\t\t\tILLUMINA\t\t\t\t{bam}\n"
    result = workdir.run("--cores", "2", "results/qc/fastp/PT01-normal/L001.fastp.json")
    assert result.returncode != 0
    log = (workdir.path / "logs/qc/revert_bam/PT01-normal/L001.log").read_text()
    assert "R1-only.bam: reads without their mate" in log
    assert not (workdir.path / "results/qc/fastp/PT01-normal").exists()


def test_second_bam_run_has_nothing_to_do(bam_run):
    """The reverted FASTQs are gone (temp), and nothing asks for them again."""
    result = bam_run.run("--cores", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Nothing to be done" in result.stdout + result.stderr
