"""Benchmark: the matrix-building step (rule expression_matrices) at cohort scale.

    .venv/bin/python bench/expression_matrices.py [--samples 1000] [--transcripts 60000]
        [--genes N] [--repeat 3] [--work DIR] [--keep]

Writes --samples per-sample quantification files (the format of
results/expression/quant/{sample}.quant.tsv: 10 distinct synthetic samples, copied to make the
cohort) and a tx2gene table into a temporary directory (or --work, reused when it already holds
them), then runs scripts/expression_matrices.py's main() on them in a child process --repeat
times and prints each run's wall time, CPU time and peak resident memory. Writing the inputs is
not timed. --genes (default: as many as transcripts, one transcript per gene, so the gene
matrices are as large as the transcript ones: the worst case for memory) spreads the transcripts
over fewer genes. Target (issue 18): 1,000 x 60,000 in <= 60 s and <= 2 GiB peak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, median, summary, timed  # noqa: E402

NAMES = ("genes_counts", "genes_tpm", "genes_length_scaled_counts", "transcripts_counts")
TARGET_S, TARGET_GIB = 60, 2


def make_inputs(work: Path, n_samples: int, n_tx: int, n_genes: int) -> None:
    """tx2gene and the quant/qc files, deterministic (seed 7); kept when already there."""
    stamp = work / f"inputs-{n_samples}x{n_tx}x{n_genes}.done"
    if stamp.exists():
        return
    rng = np.random.default_rng(7)
    ids = [f"TX{i:06d}" for i in range(n_tx)]
    # every gene gets a transcript, the rest go to random genes (a few genes get many)
    genes = np.concatenate([np.arange(n_genes), rng.integers(0, n_genes, n_tx - n_genes)])
    with open(work / "tx2gene.tsv", "w") as fh:
        fh.write("transcript_id\tgene_id\tgene_name\n")
        fh.writelines(f"{t}\tG{g:06d}\tGENE{g}\n" for t, g in zip(ids, genes, strict=True))
    lengths = rng.integers(300, 10000, n_tx)
    eff = np.maximum(lengths - 249, 1).astype(float)
    id_col = np.array(ids, dtype=object)
    for s in range(n_samples):
        if s >= 10:
            for ext in ("quant.tsv", "qc.json"):
                shutil.copy(work / f"S{s % 10:04d}.{ext}", work / f"S{s:04d}.{ext}")
            continue
        counts = rng.gamma(0.5, 200, n_tx)
        counts[rng.random(n_tx) < 0.2] = 0.0  # unexpressed transcripts
        rate = counts / eff
        tpm = rate / rate.sum() * 1e6
        table = np.column_stack([id_col, lengths, eff, counts, tpm])
        with open(work / f"S{s:04d}.quant.tsv", "w") as fh:
            fh.write("transcript_id\tlength\teffective_length\tcount\ttpm\n")
            np.savetxt(fh, table, fmt=["%s", "%d", "%.6f", "%.6f", "%.6f"], delimiter="\t")
        (work / f"S{s:04d}.qc.json").write_text(
            '{"compatible_fragment_ratio": 1.0, "fragments": 1000000, "library_type": "ISR", '
            f'"mapping_rate": {0.3 if s == 3 else 0.9}, "sense_fraction": 0.02, '
            '"strandedness": "stranded_reverse", "warnings": []}\n'
        )  # sample 3 (and its copies) fails QC: in qc.tsv, not in the matrices
    stamp.touch()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--transcripts", type=int, default=60000)
    parser.add_argument("--genes", type=int, help="default: as many as transcripts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="input/output folder (reused)")
    parser.add_argument("--keep", action="store_true", help="keep the folder (its outputs)")
    args = parser.parse_args()
    n_genes = args.genes or args.transcripts
    work = args.work or Path(tempfile.mkdtemp(prefix="concord-bench-matrices-"))
    work.mkdir(parents=True, exist_ok=True)
    make_inputs(work, args.samples, args.transcripts, n_genes)
    samples = [f"S{s:04d}" for s in range(args.samples)]
    size = sum((work / f"{s}.quant.tsv").stat().st_size for s in samples) / 2**30
    print(
        f"inputs: {args.samples} samples x {args.transcripts} transcripts ({n_genes} genes), "
        f"{size:.2f} GiB in {work}; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    quants = {s: str(work / f"{s}.quant.tsv") for s in samples}
    qcs = {s: str(work / f"{s}.qc.json") for s in samples}
    outs = {n: str(work / f"out.{n}.tsv") for n in (*NAMES, "transcripts_tpm", "qc")}
    code = (
        "import sys; sys.path.insert(0, 'scripts'); from expression_matrices import main; "
        f"main({samples!r}, {quants!r}, {qcs!r}, {str(work / 'tx2gene.tsv')!r}, 0.5, {outs!r})"
    )
    runs = []
    for i in range(args.repeat):
        t = timed([sys.executable, "-c", code], cwd=REPO)
        runs.append(t)
        print(
            f"run {i + 1}: wall {t.wall_s:.1f} s, CPU {t.cpu_s:.1f} s, peak {t.peak_mib:,.0f} MiB"
            f" (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
    if not args.keep and not args.work:
        shutil.rmtree(work)
    wall = median(t.wall_s for t in runs)
    peak = median(t.peak_mib for t in runs)
    summary(
        "expression_matrices",
        f"{args.samples} x {args.transcripts}: median wall {wall:.1f} s, "
        f"CPU {median(t.cpu_s for t in runs):.1f} s, peak {peak / 1024:.2f} GiB "
        f"({len(runs)} runs)",
        f"<= {TARGET_S} s and <= {TARGET_GIB} GiB",
        wall <= TARGET_S and peak <= TARGET_GIB * 1024,
    )


if __name__ == "__main__":
    main()
