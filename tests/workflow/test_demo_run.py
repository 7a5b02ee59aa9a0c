"""Real runs of the workflow on the bundled demo, with the real tools."""

import subprocess

import pysam
from conftest import Workdir, bad_table_cells, noisy_lines

DNA_SAMPLES = ["PT01-tumor", "PT01-normal", "PT02-tumor", "PT02-normal"]


def alignment_records(bam) -> str:
    """The BAM's records as SAM text, without the header (its @PG lines name the run)."""
    return subprocess.run(
        ["samtools", "view", str(bam)], capture_output=True, text=True, check=True
    ).stdout


def test_analysis_ready_bams_with_qc(run_two_threads):
    results = run_two_threads.path / "results"
    for sample in DNA_SAMPLES:
        bam = results / "align" / sample / f"{sample}.bam"
        with pysam.AlignmentFile(bam) as fh:
            assert fh.header["HD"]["SO"] == "coordinate"
            assert fh.has_index()
            groups = fh.header["RG"]
            assert {g["SM"] for g in groups} == {sample}
            assert {g["CN"] for g in groups} == {"DEMO"}
            assert all(g["PL"] == "ILLUMINA" and g["LB"] == f"{sample}-lib1" for g in groups)
            pg = [p["ID"] for p in fh.header["PG"]]
            assert any(p.startswith("samtools.") or p == "samtools" for p in pg)
            assert "bwa" in pg
            mapped = fh.mapped
        stats = (results / "qc/samtools" / sample / f"{sample}.stats.txt").read_text()
        assert "SN\treads mapped:" in stats
        flagstat = (results / "qc/samtools" / sample / f"{sample}.flagstat.txt").read_text()
        assert f"{mapped} + 0 mapped" in flagstat
        summary = (results / "qc/mosdepth" / sample / f"{sample}.mosdepth.summary.txt").read_text()
        assert summary.startswith("chrom\tlength\tbases\tmean")
        assert (
            (results / "qc/markdup" / sample / f"{sample}.markdup.txt")
            .read_text()
            .startswith("COMMAND:")
        )
    for unit_json in ("PT01-tumor/L001", "PT01-tumor/L002", "PT01-rna/L001"):
        assert (results / "qc/fastp" / f"{unit_json}.fastp.json").stat().st_size > 1000


def test_units_of_a_sample_are_merged(run_two_threads):
    bam = run_two_threads.path / "results/align/PT01-tumor/PT01-tumor.bam"
    with pysam.AlignmentFile(bam) as fh:
        assert [g["ID"] for g in fh.header["RG"]] == ["PT01-tumor.L001", "PT01-tumor.L002"]
        seen = {read.get_tag("RG") for read in fh.head(20000)}
    assert seen == {"PT01-tumor.L001", "PT01-tumor.L002"}


def test_duplicates_are_marked_and_mate_tags_present(run_two_threads):
    bam = run_two_threads.path / "results/align/PT01-normal/PT01-normal.bam"
    with pysam.AlignmentFile(bam) as fh:
        reads = list(fh.head(2000))
    assert all(
        r.has_tag("MC") and r.has_tag("ms") for r in reads if r.is_paired and not r.mate_is_unmapped
    )
    text = (
        run_two_threads.path / "results/qc/markdup/PT01-normal/PT01-normal.markdup.txt"
    ).read_text()
    assert "DUPLICATE TOTAL:" in text


def test_spiked_somatic_variant_is_in_tumour_not_normal(run_two_threads):
    """A VAF 0.40 truth SNV of PT01 shows ALT reads in the tumour BAM and none in the normal."""
    lines = Workdir.demo_truth("PT01.somatic.vcf").read_text().splitlines()
    truth = [line.split("\t") for line in lines if not line.startswith("#")]
    chrom, pos, _, _ref, alt = next(
        r for r in truth if "VAF=0.40" in r[7] and "VARTYPE=SNV" in r[7]
    )[:5]

    def alt_reads(sample):
        bam = run_two_threads.path / f"results/align/{sample}/{sample}.bam"
        with pysam.AlignmentFile(bam) as fh:
            counts = fh.count_coverage(chrom, int(pos) - 1, int(pos), quality_threshold=0)
        return [c[0] for c in counts]["ACGT".index(alt)]

    assert alt_reads("PT01-tumor") >= 15
    assert alt_reads("PT01-normal") == 0


def test_alignment_records_identical_for_one_and_two_threads(run_two_threads, run_one_thread):
    for sample in DNA_SAMPLES:
        a = alignment_records(run_two_threads.path / f"results/align/{sample}/{sample}.bam")
        b = alignment_records(run_one_thread.path / f"results/align/{sample}/{sample}.bam")
        assert a and a == b, sample


def test_alignment_records_identical_on_rerun(run_two_threads, tmp_path):
    before = alignment_records(run_two_threads.path / "results/align/PT02-tumor/PT02-tumor.bam")
    w = Workdir(tmp_path)
    result = w.run("--cores", "2", "results/align/PT02-tumor/PT02-tumor.bam")
    assert result.returncode == 0, result.stderr[-3000:]
    assert alignment_records(tmp_path / "results/align/PT02-tumor/PT02-tumor.bam") == before


def test_second_run_has_nothing_to_do(run_two_threads):
    result = run_two_threads.run("--cores", "2")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_reference_digests_recorded(run_two_threads):
    rows = (run_two_threads.path / "results/reference/genome.contigs.tsv").read_text().splitlines()
    assert rows[0] == "contig\tlength\tmd5"
    md5 = run_two_threads.config["reference"]["expected_md5"]
    assert rows[1:] == [f"{c}\t{n}\t{md5[c]}" for c, n in (("chrD1", 160000), ("chrD2", 120000))]


def test_reference_md5_mismatch_stops_before_alignment(workdir):
    workdir.config["reference"]["expected_md5"]["chrD2"] = "0" * 32
    result = workdir.run("--cores", "2")
    assert result.returncode != 0
    assert "contig 'chrD2' has MD5 0430cf7d1565d10724d92620293f32a1" in result.stderr
    results = workdir.path / "results"
    assert not (results / "reference/genome.contigs.tsv").exists()
    assert not list(results.glob("align/*/units/*.bam"))
    assert not list(results.glob("align/*/*.bam"))


def test_every_file_the_run_writes_has_one_template_in_the_paths_module(run_two_threads):
    """concord.paths lists every output: a file under results/ that no template owns is a path
    spelled somewhere else; a deliverable template the demo has none of is dead."""
    from concord import paths

    root = run_two_threads.path
    files = [str(p.relative_to(root)) for p in (root / "results").rglob("*") if p.is_file()]
    assert files
    unowned = [f for f in files if paths.owning_template(f) is None]
    assert not unowned, unowned
    produced = {paths.owning_template(f) for f in files}
    conformance_only = {paths.CERTIFICATE}
    missing = set(paths.DELIVERABLES) - produced - conformance_only
    assert not missing, sorted(missing)


def test_a_clean_run_prints_no_errors_tracebacks_or_library_warnings(run_two_threads):
    """htslib's [E::]/[W::] lines, Python tracebacks and warnings must not reach the user from a
    run that went well: each is either a real problem or noise that hides one."""
    assert not noisy_lines(run_two_threads)


def test_no_table_says_none_or_lacks_an_hgvs_name(run_two_threads):
    results = run_two_threads.path / "results"
    assert len(list(results.rglob("*.tsv"))) > 10
    assert not bad_table_cells(results)
