"""Benchmark: concord's standardization of a joint call against plain `bcftools norm` on it.

    .venv/bin/python bench/standardize_vs_norm.py [--records 100000] [--repeat 3] [--work DIR]

Writes (not timed, deterministic, seed 18) a random reference of --records x 100 bases in four
contigs with short repeats, and a joint tumour/normal VCF of --records freebayes-like records on
it: freebayes 1.3.6's INFO and FORMAT fields (Number=A/R/G lists included), SNVs, MNPs,
deletions and insertions written with freebayes' flanking base, complex changes and
multiallelic sites (so `norm -m -any` has records to split and alleles to trim).

Then times, --repeat times each:
  (a) plain `bcftools norm -f REF -m -any -Oz` on the joint VCF;
  (b) concord's standardization of the same file, the commands the workflow runs, each its own
      process as its own job would be:
      normalize  rule gather_joint_calls' pipeline (`bcftools annotate -x FORMAT/GQ |
                 bcftools norm -f REF -m -any --keep-sum AD -Oz` + `bcftools index -t`; one
                 input, so no `bcftools concat`),
      classify + write + validate  scripts/standard_vcf.py's main() for the somatic and the
                 germline VCF (rules somatic_vcf, germline_vcf: each checks the VCF it wrote
                 against the spec in the same job, concord.vcfspec).
NOT included: the fragment evidence (rule fragment_evidence: reading both BAMs at every
candidate, issue 14's evidence step). Its output, the evidence table the classification reads,
is made here once (not timed) for every allele of the normalized joint VCF, with synthetic
fragment counts of germline, somatic and noise sites.
(b) is timed twice: each step alone, one after another (its cost on one core), and as the
workflow runs it: normalize, then the somatic and the germline writer (independent jobs) at the
same time. Target (issue 18): (b) as scheduled / (a) <= 5; the one-core and CPU-time ratios are
printed beside it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from common import REPO, median, summary, timed, timed_together  # noqa: E402
from concord.candidates import joint_candidates  # noqa: E402
from concord.evidence import CandidateEvidence, write_evidence_table  # noqa: E402
from concord.reference import contig_digests, write_digests  # noqa: E402
from concord.somatic import SampleEvidence  # noqa: E402

TARGET_RATIO = 5.0
SAMPLES = ("BT01-tumor", "BT01-normal")
FREEBAYES = (
    "--pooled-discrete --pooled-continuous --allele-balance-priors-off "
    "--min-alternate-fraction 0.02 --min-alternate-count 2 "
    "--min-mapping-quality 20 --min-base-quality 20"
)
# freebayes 1.3.6's INFO fields (ID, Number, Type), in its header order
INFO = [
    ("NS", "1", "Integer"), ("DP", "1", "Integer"), ("DPB", "1", "Float"),
    ("AC", "A", "Integer"), ("AN", "1", "Integer"), ("AF", "A", "Float"),
    ("RO", "1", "Integer"), ("AO", "A", "Integer"), ("PRO", "1", "Float"),
    ("PAO", "A", "Float"), ("QR", "1", "Integer"), ("QA", "A", "Integer"),
    ("PQR", "1", "Float"), ("PQA", "A", "Float"), ("SRF", "1", "Integer"),
    ("SRR", "1", "Integer"), ("SAF", "A", "Integer"), ("SAR", "A", "Integer"),
    ("SRP", "1", "Float"), ("SAP", "A", "Float"), ("AB", "A", "Float"), ("ABP", "A", "Float"),
    ("RUN", "A", "Integer"), ("RPP", "A", "Float"), ("RPPR", "1", "Float"),
    ("RPL", "A", "Float"), ("RPR", "A", "Float"), ("EPP", "A", "Float"),
    ("EPPR", "1", "Float"), ("DPRA", "A", "Float"), ("ODDS", "1", "Float"),
    ("GTI", "1", "Integer"), ("TYPE", "A", "String"), ("CIGAR", "A", "String"),
    ("NUMALT", "1", "Integer"), ("MEANALT", "A", "Float"), ("LEN", "A", "Integer"),
    ("MQM", "A", "Float"), ("MQMR", "1", "Float"), ("PAIRED", "A", "Float"),
    ("PAIREDR", "1", "Float"), ("technology.ILLUMINA", "A", "Float"),
]  # fmt: skip
FORMAT = [
    ("GT", "1", "String"), ("GQ", "1", "Float"), ("GL", "G", "Float"), ("DP", "1", "Integer"),
    ("AD", "R", "Integer"), ("RO", "1", "Integer"), ("QR", "1", "Integer"),
    ("AO", "A", "Integer"), ("QA", "A", "Integer"),
]  # fmt: skip
BASES = np.array(list("ACGT"))


def make_reference(path: Path, length: int, rng) -> dict[str, str]:
    """Four contigs of random sequence with a short repeat (homopolymer or dinucleotide) about
    every 300 bases, where indels have more than one placement."""
    sizes = [length * k // 10 for k in (4, 3, 2, 1)]
    contigs = {}
    for i, size in enumerate(sizes, start=1):
        seq = BASES[rng.integers(0, 4, size)]
        for at in range(100, size - 100, 300):
            unit = BASES[rng.integers(0, 4, rng.integers(1, 3))]
            tract = np.tile(unit, 12)[: rng.integers(6, 16)]
            seq[at : at + len(tract)] = tract
        contigs[f"chrB{i}"] = "".join(seq)
    with open(path, "w") as fh:
        for name, seq in contigs.items():
            fh.write(f">{name}\n")
            fh.writelines(seq[i : i + 60] + "\n" for i in range(0, len(seq), 60))
    subprocess.run(["samtools", "faidx", str(path)], check=True)
    return contigs


def _other(base: str, k: int) -> str:
    return "ACGT"[("ACGT".index(base) + 1 + k % 3) % 4]


def alleles(seq: str, p: int, rng) -> tuple[str, list[str], list[str]]:
    """REF, ALTs and freebayes' TYPE of each, at 0-based p, written the way freebayes does."""
    r = rng.random()
    b = seq[p]
    if r < 0.76:
        return b, [_other(b, int(rng.integers(3)))], ["snp"]
    if r < 0.84:  # deletion with one base of right flank: GCCAT > GT
        n = int(rng.integers(1, 6))
        return seq[p : p + n + 2], [b + seq[p + n + 1]], ["del"]
    if r < 0.91:  # insertion with one base of right flank: TC > TAGC
        ins = "".join(BASES[rng.integers(0, 4, rng.integers(1, 6))])
        return seq[p : p + 2], [b + ins + seq[p + 1]], ["ins"]
    if r < 0.94:  # MNP
        ref = seq[p : p + 2]
        return ref, ["".join(_other(x, k) for k, x in enumerate(ref))], ["mnp"]
    if r < 0.96:  # complex: a base changed next to a deletion
        ref = seq[p : p + 4]
        return ref, [_other(b, 1) + ref[3]], ["complex"]
    # multiallelic: two SNVs, or a deletion and an SNV of its first base
    if r < 0.98:
        return b, [_other(b, 0), _other(b, 1)], ["snp", "snp"]
    ref = seq[p : p + 4]
    return ref, [b + ref[3], _other(b, 2) + ref[1:]], ["del", "snp"]


def vcf_record(chrom: str, p: int, ref: str, alts: list[str], types: list[str], rng) -> str:
    n_alt = len(alts)
    depth_t, depth_n = (int(x) for x in rng.poisson((80, 50)))
    ao_t = [int(x) for x in rng.binomial(depth_t, 0.5 / n_alt, n_alt)]
    ao_n = [int(x) for x in rng.binomial(depth_n, 0.4 / n_alt, n_alt)]
    ro_t, ro_n = max(depth_t - sum(ao_t), 0), max(depth_n - sum(ao_n), 0)
    ao = [a + b for a, b in zip(ao_t, ao_n, strict=True)]
    ro = ro_t + ro_n

    def per_alt(values) -> str:
        return ",".join(str(v) for v in values)

    def floats(k: int, scale: float) -> str:
        return ",".join(f"{x:g}" for x in np.round(rng.random(k) * scale, 5))

    info = {
        "AB": floats(n_alt, 1), "ABP": floats(n_alt, 50), "AC": per_alt([1] * n_alt),
        "AF": per_alt([0.25] * n_alt), "AN": "4", "AO": per_alt(ao),
        "CIGAR": per_alt(f"{len(ref)}X" if len(a) == len(ref) else f"1M{abs(len(a) - len(ref))}"
                         f"{'D' if len(a) < len(ref) else 'I'}1M" for a in alts),
        "DP": str(depth_t + depth_n), "DPB": f"{depth_t + depth_n:g}", "DPRA": floats(n_alt, 3),
        "EPP": floats(n_alt, 20), "EPPR": floats(1, 20), "GTI": "0",
        "LEN": per_alt(max(abs(len(a) - len(ref)), 1) for a in alts), "MEANALT": floats(n_alt, 2),
        "MQM": per_alt([60] * n_alt), "MQMR": "60", "NS": "2", "NUMALT": str(n_alt),
        "ODDS": floats(1, 100), "PAIRED": per_alt([1] * n_alt), "PAIREDR": "1",
        "PAO": per_alt([0] * n_alt), "PQA": per_alt([0] * n_alt), "PQR": "0", "PRO": "0",
        "QA": per_alt(a * 35 for a in ao), "QR": str(ro * 35), "RO": str(ro),
        "RPL": per_alt(a // 2 for a in ao), "RPP": floats(n_alt, 20), "RPPR": floats(1, 20),
        "RPR": per_alt(a - a // 2 for a in ao), "RUN": per_alt([1] * n_alt),
        "SAF": per_alt(a // 2 for a in ao), "SAP": floats(n_alt, 20),
        "SAR": per_alt(a - a // 2 for a in ao), "SRF": str(ro // 2), "SRP": floats(1, 20),
        "SRR": str(ro - ro // 2), "TYPE": per_alt(types),
        "technology.ILLUMINA": per_alt([1] * n_alt),
    }  # fmt: skip
    n_gl = (n_alt + 1) * (n_alt + 2) // 2

    def sample(ro_s: int, ao_s: list[int]) -> str:
        gt = "0/1" if max(ao_s) * 5 > ro_s + sum(ao_s) else "0/0"
        gl = ",".join(f"{-x:g}" for x in np.round(rng.random(n_gl) * 200, 4))
        return (
            f"{gt}:{ro_s + sum(ao_s)}:{ro_s},{per_alt(ao_s)}:{ro_s}:{ro_s * 35}:"
            f"{per_alt(ao_s)}:{per_alt(a * 35 for a in ao_s)}:{gl}"
        )

    qual = f"{rng.random() * 3000:g}"
    return (
        f"{chrom}\t{p + 1}\t.\t{ref}\t{','.join(alts)}\t{qual}\t.\t"
        + ";".join(f"{k}={info[k]}" for k in sorted(info, key=str.lower))
        + f"\tGT:DP:AD:RO:QR:AO:QA:GL\t{sample(ro_t, ao_t)}\t{sample(ro_n, ao_n)}\n"
    )


def make_joint_vcf(path: Path, ref_path: Path, contigs: dict[str, str], n: int, rng) -> None:
    """n records spread evenly over the contigs, 12 or more bases apart."""
    total = sum(len(s) for s in contigs.values())
    with open(path, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n##source=freeBayes v1.3.6\n")
        fh.write(f"##reference={ref_path.name}\n##phasing=none\n")
        fh.write(f'##commandline="freebayes -f {ref_path.name} {FREEBAYES}"\n')
        for name, seq in contigs.items():
            fh.write(f"##contig=<ID={name},length={len(seq)}>\n")
        for key, number, kind in INFO:
            fh.write(f'##INFO=<ID={key},Number={number},Type={kind},Description="{key}">\n')
        for key, number, kind in FORMAT:
            fh.write(f'##FORMAT=<ID={key},Number={number},Type={kind},Description="{key}">\n')
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(SAMPLES))
        fh.write("\n")
        for name, seq in contigs.items():
            k = n * len(seq) // total
            gaps = rng.integers(12, 2 * len(seq) // k - 12, k)
            for p in np.cumsum(gaps):
                if p + 12 >= len(seq):
                    break
                ref, alts, types = alleles(seq, int(p), rng)
                fh.write(vcf_record(name, int(p), ref, alts, types, rng))


def _sample(ref: int, alt: int, rng) -> SampleEvidence:
    def hist(count: int) -> tuple[tuple[int, int], ...]:
        low = int(rng.binomial(count, 0.1))
        return tuple((q, m) for q, m in ((25, low), (37, count - low)) if m)

    ref_fw, alt_fw = int(rng.binomial(ref, 0.5)), int(rng.binomial(alt, 0.5))
    ref_12, alt_12 = int(rng.binomial(ref, 0.5)), int(rng.binomial(alt, 0.5))
    return SampleEvidence(
        ref_quals=hist(ref), alt_quals=hist(alt), other=int(rng.binomial(ref + alt, 0.005)),
        ref_forward=ref_fw, ref_reverse=ref - ref_fw, alt_forward=alt_fw,
        alt_reverse=alt - alt_fw, ref_f1r2=ref_12, ref_f2r1=ref - ref_12, alt_f1r2=alt_12,
        alt_f2r1=alt - alt_12, alt_mapq_sum=60 * alt,
        alt_end_distance=float(rng.integers(2, 70)) if alt else None,
    )  # fmt: skip


def make_evidence(normalized: Path, out: Path, rng) -> int:
    """The evidence table of every allele of the normalized joint VCF: germline heterozygous
    (60 %) and homozygous (5 %), somatic (10 %) and noise (25 %) sites."""
    records = []
    for c in joint_candidates(str(normalized)):
        depth_t, depth_n = (int(x) for x in rng.poisson((80, 50)))
        kind = rng.random()
        af_t, af_n = (
            (0.5, 0.5) if kind < 0.6 else (1.0, 1.0) if kind < 0.65
            else (rng.uniform(0.05, 0.5), 0.0) if kind < 0.75 else (0.02, 0.005)
        )  # fmt: skip
        alt_t, alt_n = int(rng.binomial(depth_t, af_t)), int(rng.binomial(depth_n, af_n))
        records.append(
            CandidateEvidence(
                c, _sample(depth_t - alt_t, alt_t, rng), _sample(depth_n - alt_n, alt_n, rng)
            )
        )
    write_evidence_table(records, str(out))
    return len(records)


def normalize_command(ref: Path, joint: Path, out: Path) -> list[str]:
    """rule gather_joint_calls' pipeline on one joint VCF (no chunks to concatenate)."""
    return [
        "bash", "-o", "pipefail", "-c",
        f"bcftools annotate --no-version -x FORMAT/GQ {joint} "
        f"| bcftools norm --no-version -f {ref} -m -any --keep-sum AD -Oz -o {out} "
        f"&& bcftools index -t -f -o {out}.tbi {out}",
    ]  # fmt: skip


def standard_command(kind: str, w: Path) -> list[str]:
    samples = {"NORMAL": [SAMPLES[1], "BT01", "normal"]}
    if kind == "somatic":
        samples["TUMOR"] = [SAMPLES[0], "BT01", "tumor"]
    params = {"centre": "bench", "assembly": "synthetic", "samples": samples}
    code = (
        "import sys; sys.path.insert(0, 'scripts'); from standard_vcf import main; "
        f"sys.exit(main({kind!r}, {str(w / 'evidence.tsv.gz')!r}, "
        f"{str(w / 'genome.contigs.tsv')!r}, "
        f"{str(w / 'versions.tsv')!r}, {params!r}, {FREEBAYES!r}, {str(w / kind)!r} + '.vcf.gz', "
        f"{str(w / 'genome.fa')!r}, {str(w / kind)!r} + '.validation.txt'))"
    )
    return [sys.executable, "-c", code]


def prepare(w: Path, n: int) -> None:
    stamp = w / f"inputs-{n}.done"
    if stamp.exists():
        return
    rng = np.random.default_rng(18)
    contigs = make_reference(w / "genome.fa", n * 100, rng)
    write_digests(contig_digests(w / "genome.fa"), w / "genome.contigs.tsv")
    make_joint_vcf(w / "joint.vcf", w / "genome.fa", contigs, n, rng)
    subprocess.run(normalize_command(w / "genome.fa", w / "joint.vcf", w / "setup.vcf.gz"),
                   check=True)  # fmt: skip
    alleles_n = make_evidence(w / "setup.vcf.gz", w / "evidence.tsv.gz", rng)
    versions = subprocess.run(["bcftools", "--version"], capture_output=True, text=True).stdout
    import pysam

    (w / "versions.tsv").write_text(
        "tool\tversion\tpin\tstatus\tgroup\tenvironment\n"
        "freebayes\t1.3.6\t1.3.6\tpinned\tdna\tfreebayes\n"
        f"bcftools\t{versions.split()[1]}\t\tunpinned\tdna\tbcftools\n"
        f"pysam\t{pysam.__version__}\t\tunpinned\tpython\tpython\n"
    )
    print(f"inputs: {n} joint records, {alleles_n} alleles after norm -m -any, in {w}")
    stamp.touch()


STEPS = ("normalize", "somatic", "germline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="input/output folder (reused)")
    args = parser.parse_args()
    w = args.work or Path(tempfile.mkdtemp(prefix="concord-bench-standardize-"))
    w.mkdir(parents=True, exist_ok=True)
    prepare(w, args.records)
    ref = w / "genome.fa"
    commands = {
        "normalize": normalize_command(ref, w / "joint.vcf", w / "joint.norm.vcf.gz"),
        "somatic": standard_command("somatic", w),
        "germline": standard_command("germline", w),
    }
    plain_cmd = ["bcftools", "norm", "-f", str(ref), "-m", "-any", "-Oz", "-o",
                 str(w / "plain.vcf.gz"), str(w / "joint.vcf")]  # fmt: skip
    plain, serial, scheduled, steps, cpu = [], [], [], {s: [] for s in STEPS}, []
    writers = [commands["somatic"], commands["germline"]]
    with open(os.devnull, "w") as quiet:
        for i in range(args.repeat):
            a = timed(plain_cmd, stderr=quiet)
            # each step alone, one after another: the step's cost on one core
            costs = {s: timed(commands[s], cwd=REPO, stdout=quiet) for s in STEPS}
            # as the workflow runs it: normalize (gather_joint_calls), then the somatic and the
            # germline writer, independent jobs, at the same time on the machine's cores
            norm = timed(commands["normalize"], cwd=REPO, stdout=quiet)
            both = timed_together(writers, cwd=REPO, stdout=quiet)
            plain.append(a.wall_s)
            serial.append(sum(t.wall_s for t in costs.values()))
            scheduled.append(norm.wall_s + both.wall_s)
            # CPU seconds: less disturbed than wall time by other work on a shared machine
            cpu.append(sum(t.cpu_s for t in costs.values()) / a.cpu_s)
            for s in STEPS:
                steps[s].append(costs[s].wall_s)
            print(
                f"run {i + 1}: bcftools norm {a.wall_s:.2f} s; concord one step after another "
                f"{serial[-1]:.2f} s ("
                + ", ".join(f"{s} {t.wall_s:.2f}" for s, t in costs.items())
                + f"), as scheduled {scheduled[-1]:.2f} s (normalize {norm.wall_s:.2f}, writers "
                f"together {both.wall_s:.2f}); ratios: scheduled "
                f"{scheduled[-1] / a.wall_s:.2f}, one after another {serial[-1] / a.wall_s:.2f}, "
                f"CPU {cpu[-1]:.2f} (load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
    if not args.work:
        shutil.rmtree(w)
    ratio = median(o / a for o, a in zip(scheduled, plain, strict=True))
    serial_ratio = median(o / a for o, a in zip(serial, plain, strict=True))
    summary(
        "standardize_vs_norm",
        f"{args.records} records: bcftools norm {median(plain):.2f} s, concord standardization "
        f"as scheduled on {os.cpu_count()} cores {median(scheduled):.2f} s (ratio {ratio:.2f}); "
        f"one step after another {median(serial):.2f} s ("
        + ", ".join(f"{s} {median(t):.2f}" for s, t in steps.items())
        + f"; ratio {serial_ratio:.2f}), CPU-time ratio {median(cpu):.2f} ({len(plain)} runs)",
        f"wall ratio as scheduled <= {TARGET_RATIO:g}",
        ratio <= TARGET_RATIO,
    )


if __name__ == "__main__":
    main()
