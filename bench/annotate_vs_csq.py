"""Benchmark: concord's panel annotation (make annotate) against bcftools csq, same variants.

    .venv/bin/python bench/annotate_vs_csq.py [KIT] [N]

Writes N (default 20,000) SNVs spread over the panel transcripts' exons ±50 bp of the kit,
annotates them with `scripts/annotate_vcf.py` and with `bcftools csq` (same transcripts, GFF3
from concord.csq) and prints variants/s of each and the ratio.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import pysam  # noqa: E402
import yaml  # noqa: E402
from concord.csq import csq_gff3  # noqa: E402
from concord.kit import prepare  # noqa: E402
from concord.transcripts import read_transcripts  # noqa: E402


def main(kit: Path, n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="concord-bench-annotate-"))
    config_path = prepare(kit, work)
    config = yaml.safe_load(config_path.read_text())
    fasta = pysam.FastaFile(config["reference"]["fasta"])
    ids = [p["transcript"] for p in config["panel"]]
    models = read_transcripts(config["annotation"]["gtf"], ids)
    sites = sorted(
        {(m.contig, p) for m in models.values() for s, e in m.exons for p in range(s - 50, e + 50)}
    )
    step = max(1, len(sites) // n)
    vcf = work / "variants.vcf"
    with open(vcf, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n")
        for c in fasta.references:
            fh.write(f"##contig=<ID={c},length={fasta.get_reference_length(c)}>\n")
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        written = 0
        for contig, p in sites[::step][:n]:
            ref = fasta.fetch(contig, p, p + 1).upper()
            alt = "ACGT"[("ACGT".index(ref) + 1 + written % 3) % 4] if ref in "ACGT" else None
            if alt:
                fh.write(f"{contig}\t{p + 1}\t.\t{ref}\t{alt}\t.\t.\t.\n")
                written += 1
    gff = work / "panel.gff3"
    gff.write_text(csq_gff3([models[t] for t in ids]))
    start = time.perf_counter()
    subprocess.run(
        ["bcftools", "csq", "--force", "-f", config["reference"]["fasta"], "-g", str(gff),
         "--local-csq", "-Ov", "-o", str(work / "csq.vcf"), str(vcf)],
        check=True, capture_output=True,
    )  # fmt: skip
    csq_s = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "scripts/annotate_vcf.py"), "--config", str(config_path),
         "--vcf", str(vcf), "--out", str(work / "concord.tsv")],
        check=True, capture_output=True,
    )  # fmt: skip
    ours_s = time.perf_counter() - start
    print(f"variants: {written} ({work})")
    print(f"bcftools csq: {csq_s:.2f} s, {written / csq_s:,.0f} variants/s")
    print(
        f"concord annotate: {ours_s:.2f} s, {written / ours_s:,.0f} variants/s (start-up included)"
    )
    print(f"concord / csq speed: {csq_s / ours_s:.4f}")


if __name__ == "__main__":
    kit = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else REPO.parent / "shared/conformance/brca-grch38-v1"
    )
    main(kit, int(sys.argv[2]) if len(sys.argv) > 2 else 20000)
