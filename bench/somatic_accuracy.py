"""Somatic accuracy of a kit run per patient, variant type and VAF tier (haplotype matching).

    .venv/bin/python bench/somatic_accuracy.py RUN [KIT]

RUN is a finished `make conformance` directory, KIT the conformance kit (default
../shared/conformance/brca-grch38-v1). The somatic PASS calls and the truth go through
`bcftools norm -m -any` against the run's reference, as the certificate's do, and are matched
by the haplotype they produce (concord.haplotype_match). Prints recall per tier and type, the
false positives, F1 for truth VAF >= 0.10, and germline truth called somatic.
"""

import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import pysam  # noqa: E402
from concord.conformance import PatientMatch, load_patients, score_patient  # noqa: E402
from concord.haplotype_match import match  # noqa: E402


def normalized(vcf: Path, ref: Path, out: Path) -> str:
    command = ["bcftools", "norm", "--no-version", "-f", str(ref), "-m", "-any"]
    subprocess.run([*command, "-o", str(out), str(vcf)], check=True, capture_output=True)
    return str(out)


def main(run: Path, kit: Path) -> None:
    ref = run / "results" / "reference" / "genome.fa"
    fasta = pysam.FastaFile(str(ref))

    def fetch(contig, start, end):
        return fasta.fetch(contig, max(0, start), end).upper()

    work = Path(tempfile.mkdtemp(prefix="accuracy-"))
    vcfs = {}
    for truth in sorted((kit / "truth").glob("*.somatic.vcf.gz")):
        patient = truth.name.split(".")[0]
        calls = next((run / "results" / "somatic" / patient).glob("*.somatic.vcf.gz"), None)
        if calls is None:
            continue
        vcfs[patient] = {
            "truth_somatic": normalized(truth, ref, work / f"{patient}.truth.vcf"),
            "calls": normalized(calls, ref, work / f"{patient}.calls.vcf"),
            "truth_germline": normalized(
                kit / "truth" / f"{patient}.germline.vcf.gz", ref, work / f"{patient}.germ.vcf"
            ),
        }
    patients = load_patients(str(kit / "truth" / "confident.bed"), vcfs)
    pooled = defaultdict(lambda: [0, 0])
    print("patient  tier   SNV found/total   indel found/total")
    for patient, data in patients.items():
        found = PatientMatch(*match(set(data["truth"]), data["calls"], fetch))
        tiers = defaultdict(lambda: [0, 0])
        for site, info in data["truth"].items():
            key = (f"{info['vaf']:.2f}", "snv" if site.is_snv else "indel")
            for bucket in (tiers[key], pooled[key]):
                bucket[0] += site in found.truth_found
                bucket[1] += 1
        for tier in sorted({t for t, _ in tiers}, reverse=True):
            snv, indel = tiers[(tier, "snv")], tiers[(tier, "indel")]
            counts = f"{snv[0]:3d}/{snv[1]:<3d}{'':11s}{indel[0]:3d}/{indel[1]:<3d}"
            print(f"{patient:8s} {tier}   {counts}")
        scores = score_patient(data["truth"], data["calls"], found)
        high = score_patient(data["truth"], data["calls"], found, min_vaf=0.10)
        germline = len(match(data["germline"], data["calls"], fetch)[0])
        for kind in ("snv", "indel"):
            print(
                f"{patient:8s} {kind:5s} false positives {scores[kind]['fp']}, "
                f"VAF >= 0.10: precision {high[kind]['precision']} recall {high[kind]['recall']} "
                f"F1 {high[kind]['f1']}"
            )
        print(f"{patient:8s} germline truth called somatic: {germline}")
    print("pooled   tier   SNV found/total   indel found/total   all")
    for tier in sorted({t for t, _ in pooled}, reverse=True):
        snv, indel = pooled[(tier, "snv")], pooled[(tier, "indel")]
        both = (snv[0] + indel[0], snv[1] + indel[1])
        print(
            f"pooled   {tier}   {snv[0]:3d}/{snv[1]:<3d}           {indel[0]:3d}/{indel[1]:<3d}"
            f"             {both[0]}/{both[1]} = {both[0] / both[1]:.3f}"
        )


if __name__ == "__main__":
    kit_dir = (
        Path(sys.argv[2])
        if len(sys.argv) > 2
        else REPO.parent / "shared/conformance/brca-grch38-v1"
    )
    main(Path(sys.argv[1]), kit_dir)
