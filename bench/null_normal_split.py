"""Null set: a normal against itself. Every somatic PASS is a false positive.

    .venv/bin/python bench/null_normal_split.py RUN [WORK]

RUN is a finished `make conformance` directory. For each patient, the normal's BAM is split
into two halves by fragment (a hash of the read name, so both mates go to the same half); the
halves are called as "tumour" and "normal" exactly as a pair is (freebayes with the rule's
options, bcftools concat | annotate | norm, fragment evidence, the somatic model) and the
FILTER verdicts are counted. Prints the PASS records (false positives) and the reasons of the
rest.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import pysam  # noqa: E402
from concord.candidates import pair_evidence  # noqa: E402
from concord.evidence import EvidenceSettings  # noqa: E402
from concord.somatic import SomaticThresholds, classify_somatic  # noqa: E402


def freebayes_options() -> str:
    """The harmonized options, as rules/somatic.smk states them."""
    text = (REPO / "rules" / "somatic.smk").read_text()
    block = re.search(r"FREEBAYES_OPTIONS = \((.*?)\n\)", text, re.DOTALL).group(1)
    return "".join(re.findall(r'"([^"]*)"', block))


def split_bam(bam: str, halves: tuple[Path, Path]) -> None:
    """Both halves of one BAM, each its own sample (read group) for freebayes."""
    with pysam.AlignmentFile(bam) as src:
        header = src.header.to_dict()
        outs = []
        for i, path in enumerate(halves):
            h = dict(header, RG=[{"ID": f"half{i}", "SM": f"half{i}", "PL": "ILLUMINA"}])
            outs.append(pysam.AlignmentFile(str(path), "wb", header=h))
        for read in src:
            half = zlib.crc32(read.query_name.encode()) & 1
            read.set_tag("RG", f"half{half}")
            outs[half].write(read)
        for out in outs:
            out.close()
    for path in halves:
        pysam.index(str(path))


def joint_call(ref: str, tumor: Path, normal: Path, out: Path) -> None:
    calls = subprocess.run(
        f"freebayes -f {ref} {freebayes_options()} {tumor} {normal} "
        f"| bcftools annotate --no-version -x FORMAT/GQ "
        f"| bcftools norm --no-version -f {ref} -m -any --keep-sum AD -Oz -o {out}",
        shell=True, capture_output=True, text=True,
    )  # fmt: skip
    if calls.returncode:
        raise SystemExit(calls.stderr)
    pysam.tabix_index(str(out), preset="vcf", force=True)


def main(run: Path, work: Path) -> None:
    ref = str(run / "results" / "reference" / "genome.fa")
    th = SomaticThresholds()
    for normal_bam in sorted((run / "results" / "align").glob("*/*.bam")):
        sample = normal_bam.stem
        if not sample.endswith("_N"):
            continue
        halves = (work / f"{sample}.half0.bam", work / f"{sample}.half1.bam")
        split_bam(str(normal_bam), halves)
        joint = work / f"{sample}.joint.vcf.gz"
        joint_call(ref, *halves, joint)
        records = pair_evidence(str(joint), str(halves[0]), str(halves[1]), ref, EvidenceSettings())
        verdicts = Counter()
        for r in records:
            reasons = classify_somatic(r.tumor, r.normal, r.candidate.kind, th)
            verdicts[";".join(reasons) or "PASS"] += 1
            if not reasons:
                c = r.candidate
                print(f"  false positive: {c.chrom}:{c.pos} {c.ref}>{c.alt} {r.tumor} {r.normal}")
        print(f"{sample} half vs half: {len(records)} candidates, PASS {verdicts['PASS']}")
        for verdict, n in sorted(verdicts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:5d}  {verdict}")


if __name__ == "__main__":
    run_dir = Path(sys.argv[1])
    work_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="null-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    main(run_dir, work_dir)
