"""Dry-run DAGs: which rules a configuration schedules."""

import re
import shutil
import subprocess

import pytest
from conftest import DEMO, unaligned_bam


def job_counts(result) -> dict[str, int]:
    assert result.returncode == 0, result.stderr[-3000:]
    counts = {}
    for line in result.stdout.splitlines():
        m = re.fullmatch(r"(\w+)\s+(\d+)", line.strip())
        if m and m.group(1) != "total":
            counts[m.group(1)] = int(m.group(2))
    return counts


def test_demo_dag(workdir):
    counts = job_counts(workdir.run("--dry-run", "--quiet", "rules"))
    assert counts == {
        "all": 1,
        "link_reference": 1,
        "samtools_faidx": 1,
        "samtools_dict": 1,
        "bwa_index": 1,
        "contig_digests": 1,
        "annotation_check": 1,
        "fastq_check": 8,  # every FASTQ unit, read to its end before fastp
        "fastp": 8,  # every unit, RNA included
        "bwa_mem": 6,  # DNA units only
        "markdup": 4,  # one per DNA sample: units merged
        "samtools_qc": 4,  # stats and flagstat of the BAM in one job
        "mosdepth": 4,  # the whole genome, then the panel's exons, in one job per BAM
        "tool_version": 12,  # one per env the run uses: 8 tools, python, hgvs, share, multiqc
        "software_versions": 1,
        "calling_chunks": 1,
        "freebayes_chunk": 16,  # 2 pairs x 8 chunks
        "gather_joint_calls": 2,
        "fragment_evidence": 2,  # one per pair, the tumour/normal identity check included
        "somatic_vcf": 2,
        "germline_vcf": 2,  # one per normal
        "brca_regions": 1,
        "brca_report": 2,  # one per patient
        "gffread_transcriptome": 1,
        "expression_annotation": 1,
        "salmon_index": 1,
        "library_type": 2,  # RNA samples only: salmon's unstranded mapping and the call
        "salmon_quant": 2,
        "expression_quant": 2,
        "expression_matrices": 1,
        "bcftools_stats": 4,  # somatic per pair, germline per normal
        "report_sections": 1,
        "multiqc_run_config": 1,
        "multiqc": 1,
        "input_checksums": 6,  # every unit of a sample with sharing consent (not PT02-tumor's)
        "share_bundle": 1,
    }


def test_no_share_section_no_bundle(workdir):
    del workdir.config["share"]
    counts = job_counts(workdir.run("--dry-run", "--quiet", "rules"))
    assert not {"share_bundle", "input_checksums"} & set(counts)
    assert counts["tool_version"] == 11


def test_chunk_count_follows_config(workdir):
    workdir.config["calling"] = {"chunks": 3}
    assert job_counts(workdir.run("--dry-run", "--quiet", "rules"))["freebayes_chunk"] == 6


def test_conformance_rule_only_with_a_kit(workdir):
    assert "conformance_certificate" not in job_counts(workdir.run("--dry-run", "--quiet", "rules"))


def test_prebuilt_indexes_are_linked_not_rebuilt(workdir, tmp_path_factory):
    prebuilt = tmp_path_factory.mktemp("prebuilt")
    fasta = prebuilt / "ref.fa"
    shutil.copy(workdir.config["reference"]["fasta"], fasta)
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    subprocess.run(["samtools", "dict", "-o", f"{fasta}.dict", str(fasta)], check=True)
    for ext in ("amb", "ann", "bwt", "pac", "sa"):
        (prebuilt / f"ref.fa.{ext}").write_text("")  # existence is all a dry run looks at
    workdir.config["reference"].update(
        fasta=str(fasta), fai=f"{fasta}.fai", dict=f"{fasta}.dict", bwa_index=str(fasta)
    )
    counts = job_counts(workdir.run("--dry-run", "--quiet", "rules"))
    assert {"link_reference_fai", "link_reference_dict", "link_bwa_index"} <= set(counts)
    assert not {"samtools_faidx", "samtools_dict", "bwa_index"} & set(counts)


@pytest.mark.parametrize(
    "target", ["results/align/PT01-rna/PT01-rna.bam", "results/align/PT01-rna/units/L001.bam"]
)
def test_rna_samples_are_not_aligned_with_bwa(workdir, target):
    result = workdir.run("--dry-run", target)
    assert result.returncode != 0
    assert "sample 'PT01-rna' is an RNA sample: only DNA samples are aligned (bwa mem)" in (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize(
    "target",
    [
        "results/expression/quant/PT01-tumor.quant.tsv",
        "results/expression/salmon/PT01-normal/quant.sf",
    ],
)
def test_dna_samples_are_not_quantified_with_salmon(workdir, target):
    result = workdir.run("--dry-run", target)
    assert result.returncode != 0
    assert "is a DNA sample: only RNA samples are quantified (salmon)" in (
        result.stdout + result.stderr
    )


def test_bam_units_are_reverted_then_trimmed_like_fastq_units(workdir, tmp_path_factory):
    """Both lanes of PT01-tumor as one unaligned BAM with two read groups: two units, each
    reverted, then trimmed and aligned like a FASTQ unit."""
    reads = DEMO / "reads"
    bam = unaligned_bam(
        tmp_path_factory.mktemp("archive") / "T.bam",
        [
            ({"ID": lane, "PL": "ILLUMINA"}, *sorted(reads.glob(f"PT01-tumor_{lane}_R?.fastq.gz")))
            for lane in ("L001", "L002")
        ],
    )
    rows = [r for r in workdir.units.splitlines() if not r.startswith("PT01-tumor\t")]
    rows[0] += "\tbam"
    rows = [rows[0]] + [f"{r}\t" for r in rows[1:]]
    rows.append(f"PT01-tumor\tFC1\t\t\t\t\t\t\t{bam}")
    workdir.units = "\n".join(rows) + "\n"
    counts = job_counts(workdir.run("--dry-run", "--quiet", "rules"))
    assert counts["revert_bam"] == 2
    assert counts["fastq_check"] == 6  # the FASTQ units; samtools writes the BAM units' FASTQs
    assert (counts["fastp"], counts["bwa_mem"], counts["markdup"]) == (8, 6, 4)
    result = workdir.run("--dry-run", "results/qc/fastp/PT01-tumor/FC1-L002.fastp.json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "results/reverted/PT01-tumor/FC1-L002_R1.fastq.gz" in result.stdout
