"""Benchmark: concord's panel annotation (make annotate) against bcftools csq, same variants.

    .venv/bin/python bench/annotate_vs_csq.py [KIT] [--n 20000] [--repeat 3] [--processes 2]

Writes N (default 20,000) SNVs spread over the panel transcripts' exons ±50 bp of the kit (more
than one ALT per site when N exceeds the 24,026 sites), annotates them --repeat times with
`scripts/annotate_vcf.py` (HGVS c./p. with biocommons hgvs, consequence, ClinVar; --processes
worker processes) and with `bcftools csq` (same transcripts, GFF3 from concord.csq), and prints
each run's wall and CPU seconds, variants/s and the load average. The summary line gives the
medians; the target (issue 18) is 2,000 variants/s on 2 cores, start-up included.

--checkout DIR measures another concord checkout's annotate_vcf.py on the same variants (e.g.
the one before issue 18, for the before/after table); the table written by the last run is kept
in the work directory (printed) for a byte comparison.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))

import common  # noqa: E402
import pysam  # noqa: E402
import yaml  # noqa: E402
from concord.csq import csq_gff3  # noqa: E402
from concord.kit import prepare  # noqa: E402
from concord.transcripts import read_transcripts  # noqa: E402

TARGET = 2000  # variants/s


def write_variants(config: dict, vcf: Path, n: int) -> int:
    """N SNVs over the panel exons ±50 bp: every (len(sites) // N)-th site, or every site with
    up to three ALTs when N is larger. Returns how many were written."""
    fasta = pysam.FastaFile(config["reference"]["fasta"])
    ids = [p["transcript"] for p in config["panel"]]
    models = read_transcripts(config["annotation"]["gtf"], ids)
    sites = sorted(
        {(m.contig, p) for m in models.values() for s, e in m.exons for p in range(s - 50, e + 50)}
    )
    alts_per_site = min(3, -(-n // len(sites)))
    step = max(1, len(sites) // n) if alts_per_site == 1 else 1
    with open(vcf, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n")
        for c in fasta.references:
            fh.write(f"##contig=<ID={c},length={fasta.get_reference_length(c)}>\n")
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        written = sites_used = 0
        for contig, p in sites[::step][: n if alts_per_site == 1 else None]:
            ref = fasta.fetch(contig, p, p + 1).upper()
            if ref not in "ACGT":
                continue
            for k in range(alts_per_site):
                if written == n:
                    return written
                alt = "ACGT"[("ACGT".index(ref) + 1 + (sites_used + k) % 3) % 4]
                fh.write(f"{contig}\t{p + 1}\t.\t{ref}\t{alt}\t.\t.\t.\n")
                written += 1
            sites_used += 1
    return written


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="concord-bench-annotate-"))
    config_path = prepare(args.kit, work)
    config = yaml.safe_load(config_path.read_text())
    vcf = work / "variants.vcf"
    n = write_variants(config, vcf, args.n)
    ids = [p["transcript"] for p in config["panel"]]
    models = read_transcripts(config["annotation"]["gtf"], ids)
    gff = work / "panel.gff3"
    gff.write_text(csq_gff3([models[t] for t in ids]))
    checkout = (args.checkout or REPO).resolve()
    script = checkout / "scripts" / "annotate_vcf.py"
    # a checkout from before issue 18 has no --processes (it names in one process)
    parallel = "--processes" in script.read_text()
    ours_cmd = [sys.executable, str(script), "--config", str(config_path), "--vcf", str(vcf),
                "--out", str(work / "concord.tsv")]  # fmt: skip
    if parallel:
        ours_cmd += ["--processes", str(args.processes)]
    csq_cmd = ["bcftools", "csq", "--force", "-f", config["reference"]["fasta"], "-g", str(gff),
               "--local-csq", "-Ov", "-o", str(work / "csq.vcf"), str(vcf)]  # fmt: skip
    print(f"variants: {n:,} ({work}); concord from {checkout}, "
          f"{args.processes if parallel else 1} process(es)", flush=True)  # fmt: skip
    ours_rates, csq_rates, cpu = [], [], []
    for run in range(1, args.repeat + 1):
        before = load()
        csq = common.timed(csq_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours = common.timed(ours_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours_rates.append(n / ours.wall_s)
        csq_rates.append(n / csq.wall_s)
        cpu.append(ours.cpu_s)
        print(
            f"run {run}: concord {ours.wall_s:.2f} s wall, {ours.cpu_s:.2f} s CPU, "
            f"{n / ours.wall_s:,.0f} variants/s, peak {ours.peak_mib:.0f} MiB | bcftools csq "
            f"{csq.wall_s:.3f} s, {n / csq.wall_s:,.0f} variants/s | load {before} -> {load()}",
            flush=True,
        )
    ours_median = common.median(ours_rates)
    print(f"concord table: {work / 'concord.tsv'}")
    common.summary(
        "annotate_vs_csq",
        f"{n:,} SNVs, median of {args.repeat}: concord {ours_median:,.0f} variants/s "
        f"({args.processes if parallel else 1} processes, {statistics.median(cpu):.1f} s CPU, "
        f"{n / statistics.median(cpu):,.0f} variants per CPU second), bcftools csq "
        f"{common.median(csq_rates):,.0f} variants/s",
        f"concord >= {TARGET:,} variants/s on 2 cores",
        ours_median >= TARGET,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "kit", nargs="?", type=Path, default=REPO.parent / "shared/conformance/brca-grch38-v1"
    )
    parser.add_argument("--n", type=int, default=20000, help="variants (default 20,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2, help="concord worker processes")
    parser.add_argument("--checkout", type=Path, help="another concord checkout to measure")
    main(parser.parse_args())
