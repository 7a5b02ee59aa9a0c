"""BRCA module: dev-truth naming, bcftools csq cross-check, bad inputs, demo and kit tables."""

import csv
import json
import subprocess

import pysam
import pytest
import yaml
from concord.brca import CHUNK, annotate_vcf
from concord.config import validate_config
from concord.csq import csq_gff3, csq_term
from concord.hgvs_compare import equivalent_p, strip_deleted_bases
from concord.kit import prepare
from concord.panel import load_panel
from concord.samplesheet import load_schema
from conftest import REPO

KIT = REPO.parent / "shared" / "conformance" / "brca-grch38-v1"
needs_kit = pytest.mark.skipif(not KIT.is_dir(), reason="the conformance kit is not at ../shared")
SCHEMA = REPO / "rules" / "schemas" / "config.schema.yaml"
DEV_TX = {"BRCA1": "NM_007294.4", "BRCA2": "NM_000059.4"}


def read_tsv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def kit_config(tmp_path_factory):
    path = prepare(KIT, tmp_path_factory.mktemp("kit-config"))
    return path, validate_config(yaml.safe_load(path.read_text()), load_schema(SCHEMA), str(path))


@pytest.fixture(scope="module")
def kit_panel(kit_config):
    return load_panel(kit_config[1])


def annotate_cli(config, vcf, out):
    return subprocess.run(
        ["make", "-s", "annotate", f"CONFIG={config}", f"VCF={vcf}", f"OUT={out}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@needs_kit
def test_dev_truth_names(kit_panel):
    rows = read_tsv(KIT / "hgvs" / "dev_truth.tsv")
    c_ok = p_ok = p_total = 0
    for r in rows:
        [a] = [
            x
            for x in kit_panel.annotator.annotate(r["chrom"], int(r["pos"]), r["ref"], r["alt"])
            if x.transcript == DEV_TX[r["gene"]]
        ]
        c_ok += strip_deleted_bases(a.hgvs_c) == r["hgvs_c"]
        if r["hgvs_p"]:
            p_total += 1
            p_ok += equivalent_p(a.hgvs_p, r["hgvs_p"])
    # issue 18's floor for any speed change: every c. name, at least 99.4 % of the p. names
    assert c_ok == len(rows), c_ok
    assert p_ok / p_total >= 0.994, (p_ok, p_total)


@needs_kit
def test_rows_do_not_depend_on_the_processes(kit_config, kit_panel):
    """The kit's ClinVar VCF (SNVs and indels) named in one process and in three: same rows,
    same order."""
    clinvar, config = str(KIT / "clinvar" / "clinvar.vcf.gz"), kit_config[1]
    one = annotate_vcf(clinvar, kit_panel, config["reference"]["fasta"])
    three = annotate_vcf(clinvar, kit_panel, config["reference"]["fasta"], 3, config)
    assert len(one) > 3 * CHUNK
    assert three == one


@needs_kit
def test_substitutions_need_no_normalizing(kit_panel):
    """annotate_on skips hgvs's normalizer for one-base substitutions: in either direction it
    gives back a variant equal to the one it was given (every tenth ClinVar SNV of the kit)."""
    annotator = kit_panel.annotator
    with pysam.VariantFile(str(KIT / "clinvar" / "clinvar.vcf.gz")) as vcf:
        snvs = [
            (r.chrom, r.pos, r.ref, r.alts[0])
            for r in vcf
            if len(r.ref) == 1 and len(r.alts[0]) == 1
        ][::10]
    assert len(snvs) > 300
    for snv in snvs:
        var = annotator.genomic_variant(*snv)
        assert var.posedit.edit.type == "sub"
        for normalizer in annotator.normalizers.values():
            assert normalizer.normalize(var) == var, snv


@needs_kit
def test_named_examples(kit_panel):
    def name(chrom, pos, ref, alt, tx):
        return next(
            a for a in kit_panel.annotator.annotate(chrom, pos, ref, alt) if a.transcript == tx
        )

    upstream = name("chr13_32300001_32500000", 14943, "A", "G", "NM_000059.4")
    assert (upstream.hgvs_c, upstream.consequence) == ("c.-764A>G", "upstream_gene_variant")
    donor = name("chr13_32300001_32500000", 26151, "G", "A", "NM_000059.4")
    assert (donor.hgvs_c, donor.consequence, donor.intron) == (
        "c.475+1G>A",
        "splice_donor_variant",
        "5/26",
    )


@needs_kit
def test_a_change_called_as_pieces_is_named_as_one(kit_panel, tmp_path):
    """BRCA1 c.1561_1564delinsTAAA (ClinVar 54292, a stop) proposed as three substitutions:
    the reads carry them together, so the evidence has one record and the BRCA module one
    name, the stop gain ClinVar knows, not three substitutions."""
    from concord.candidates import pair_evidence
    from concord.evidence import EvidenceSettings
    from handmade_reads import Bam, aligned, joint_vcf

    contig = "chr17_43000001_43200000"
    reference = str(KIT / "reference" / "genome.fa")
    sequence = pysam.FastaFile(reference).fetch(contig).upper()
    delins = (93966, "CTGC", "TTTA")
    assert sequence[93966:93970] == "CTGC"
    pieces = [(93966, "C", "T"), (93968, "G", "T"), (93969, "C", "A")]
    tumor, normal = Bam(contig, len(sequence), 100), Bam(contig, len(sequence), 100)
    carrying = aligned(sequence, [delins], 93700, 94300)
    clean = aligned(sequence, [], 93700, 94300)
    for i in range(40):
        haplotype = carrying if i < 12 else clean
        tumor.pair(f"t{i}", haplotype, 93880 + 2 * i, 93990 + 2 * i)
        normal.pair(f"n{i}", clean, 93880 + 2 * i, 93990 + 2 * i)
    records = pair_evidence(
        joint_vcf(tmp_path / "joint.vcf", contig, len(sequence), pieces),
        tumor.write(tmp_path / "tumor.bam"), normal.write(tmp_path / "normal.bam"), reference,
        EvidenceSettings(),
    )  # fmt: skip
    assert [(r.candidate.pos, r.candidate.ref, r.candidate.alt) for r in records] == [
        (93967, "CTGC", "TTTA")
    ]
    [row] = [
        a for a in kit_panel.annotator.annotate(contig, 93967, "CTGC", "TTTA")
        if a.transcript == "NM_007294.4"
    ]  # fmt: skip
    assert (row.hgvs_c, row.consequence) == ("c.1561_1564delinsTAAA", "stop_gained")
    assert kit_panel.clinvar.lookup(contig, 93967, "CTGC", "TTTA").variation_id == "54292"
    # the first piece alone is another ClinVar record, a variant of uncertain significance
    assert kit_panel.clinvar.lookup(contig, 93967, "C", "T").variation_id == "54293"


@needs_kit
def test_consequences_agree_with_bcftools_csq(kit_config, kit_panel, tmp_path):
    clinvar = KIT / "clinvar" / "clinvar.vcf.gz"
    out = tmp_path / "clinvar.tsv"
    result = annotate_cli(kit_config[0], clinvar, out)
    assert result.returncode == 0, result.stderr
    ours = {(r["chrom"], r["pos"], r["ref"], r["alt"]): r["consequence"] for r in read_tsv(out)}
    gff = tmp_path / "panel.gff3"
    gff.write_text(csq_gff3(kit_panel.models))
    csq = subprocess.run(
        ["bcftools", "csq", "--force", "-f", str(KIT / "reference/genome.fa"), "-g", str(gff),
         "--local-csq", "-Ov", str(clinvar)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    agree = total = 0
    for line in csq.splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        info = dict(x.split("=", 1) for x in f[7].split(";") if "=" in x)
        theirs = csq_term(info.get("BCSQ", ""))
        if theirs is None:  # csq names nothing outside transcripts (our up/downstream)
            continue
        total += 1
        agree += ours[(f[0], f[1], f[3], f[4])] == theirs
    assert total > 8000
    assert agree / total >= 0.99, (agree, total)


def test_panel_transcript_missing_from_gtf(tmp_path):
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    config["panel"][0]["transcript"] = "NM_999999.1"
    for key in ("fasta",):
        config["reference"][key] = str(REPO / config["reference"][key])
    config["annotation"] = {k: str(REPO / v) for k, v in config["annotation"].items()}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    result = annotate_cli(path, REPO / "resources/demo/truth/PT01.somatic.vcf", tmp_path / "o.tsv")
    assert result.returncode != 0
    assert "demo.gtf: panel transcript 'NM_999999.1' is not in the GTF" in result.stderr
    assert not (tmp_path / "o.tsv").exists()


@needs_kit
def test_clinvar_with_other_contig_names(kit_config, tmp_path):
    renamed = tmp_path / "clinvar.chr.vcf.gz"
    names = tmp_path / "names.txt"
    names.write_text("chr13_32300001_32500000\t13\nchr17_43000001_43200000\t17\n")
    subprocess.run(
        ["bcftools", "annotate", "--rename-chrs", str(names), "-Oz", "-o", str(renamed),
         str(KIT / "clinvar/clinvar.vcf.gz")],
        check=True, capture_output=True,
    )  # fmt: skip
    config = yaml.safe_load(kit_config[0].read_text())
    config["annotation"]["clinvar"] = str(renamed)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    result = annotate_cli(path, KIT / "truth/P1.somatic.vcf.gz", tmp_path / "o.tsv")
    assert result.returncode != 0
    assert "clinvar.chr.vcf.gz: none of its contigs (13, 17" in result.stderr
    assert "must use the reference's contig names" in result.stderr


@needs_kit
def test_vcf_whose_ref_disagrees_with_the_reference(kit_config, tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr17_43000001_43200000>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr17_43000001_43200000\t100\t.\tT\tG\t.\t.\t.\n"
    )
    genome = pysam.FastaFile(str(KIT / "reference/genome.fa"))
    assert genome.fetch("chr17_43000001_43200000", 99, 100) != "T"
    result = annotate_cli(kit_config[0], bad, tmp_path / "o.tsv")
    assert result.returncode != 0
    assert (
        "bad.vcf: chr17_43000001_43200000:100: REF T does not match the reference" in result.stderr
    )


def test_demo_brca_tables(run_two_threads):
    base = run_two_threads.path / "results/brca/PT01/PT01"
    variants = read_tsv(f"{base}.brca.tsv")
    coverage = read_tsv(f"{base}.brca_coverage.tsv")
    report = json.loads(open(f"{base}.brca.json").read())
    assert {v["origin"] for v in variants} == {"somatic", "germline"}
    assert {v["gene"] for v in variants} == {"GENA", "GENB"}
    assert all(v["hgvs_c"].startswith("c.") and v["consequence"] for v in variants)
    assert all(v["clinvar_release"] == "20261123" for v in variants)
    truth = Workdir_truth("PT01")
    somatic = {
        (v["chrom"], v["pos"], v["ref"], v["alt"]) for v in variants if v["origin"] == "somatic"
    }
    assert truth <= somatic
    # GENA has 8 coding exons, GENB 6: one row per exon and sample
    assert len(coverage) == (8 + 6) * 2
    assert {c["verdict"] for c in coverage} == {"pass"}
    assert {g["verdict"] for g in report["genes"]} == {"sufficient coverage"}
    assert [{k: str(v) for k, v in row.items()} for row in report["variants"]] == variants
    with pysam.VariantFile(f"{base}.brca.vcf.gz") as vcf:
        assert len(list(vcf)) == len(variants)


def Workdir_truth(patient):
    from conftest import Workdir

    rows = Workdir.demo_truth(f"{patient}.somatic.vcf").read_text().splitlines()
    return {
        tuple(f[i] for i in (0, 1, 3, 4))
        for f in (r.split("\t") for r in rows if not r.startswith("#"))
        if "GENE=GENA" in f[7] or "GENE=GENB" in f[7]
    }
