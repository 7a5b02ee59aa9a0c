"""Benchmark: the matrix-building step at cohort scale.

    .venv/bin/python bench/expression_matrices.py [N_SAMPLES] [N_GENES]   (default 1000 60000)

Writes N_SAMPLES per-sample quantification files (the format of
results/expression/quant/{sample}.quant.tsv; one transcript per gene: 10 distinct synthetic
samples, copied to make N_SAMPLES files) and a tx2gene table in a temporary directory, then runs
scripts/expression_matrices.py's main() on them in a child process and prints its wall time,
CPU time and peak memory. Generating the inputs is not timed.
"""

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def make_inputs(work: Path, n_samples: int, n_genes: int) -> None:
    rng = np.random.default_rng(7)
    ids = [f"TX{i:06d}" for i in range(n_genes)]
    with open(work / "tx2gene.tsv", "w") as fh:
        fh.write("transcript_id\tgene_id\tgene_name\n")
        fh.writelines(f"{t}\tG{i:06d}\tGENE{i}\n" for i, t in enumerate(ids))
    lengths = rng.integers(300, 10000, n_genes)
    eff = np.maximum(lengths - 249, 1).astype(float)
    id_col = np.array(ids, dtype=object)
    for s in range(n_samples):
        if s >= 10:
            shutil.copy(work / f"S{s % 10:04d}.quant.tsv", work / f"S{s:04d}.quant.tsv")
            shutil.copy(work / f"S{s % 10:04d}.qc.json", work / f"S{s:04d}.qc.json")
            continue
        counts = rng.gamma(0.5, 200, n_genes)
        rate = counts / eff
        tpm = rate / rate.sum() * 1e6
        table = np.column_stack([id_col, lengths, eff, counts, tpm])
        with open(work / f"S{s:04d}.quant.tsv", "w") as fh:
            fh.write("transcript_id\tlength\teffective_length\tcount\ttpm\n")
            np.savetxt(fh, table, fmt=["%s", "%d", "%.6f", "%.6f", "%.6f"], delimiter="\t")
        (work / f"S{s:04d}.qc.json").write_text(
            '{"compatible_fragment_ratio": 1.0, "fragments": 1000000, "library_type": "ISR", '
            '"mapping_rate": 0.9, "sense_fraction": 0.02, "strandedness": "stranded_reverse", '
            '"warnings": []}\n'
        )


def main(n_samples: int, n_genes: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="concord-bench-matrices-"))
    start = time.perf_counter()
    make_inputs(work, n_samples, n_genes)
    print(
        f"inputs: {n_samples} samples x {n_genes} genes in {work} "
        f"({time.perf_counter() - start:.0f} s to write, not timed)"
    )
    samples = [f"S{s:04d}" for s in range(n_samples)]
    quants = {s: str(work / f"{s}.quant.tsv") for s in samples}
    qcs = {s: str(work / f"{s}.qc.json") for s in samples}
    names = ("genes_counts", "genes_tpm", "genes_length_scaled_counts", "transcripts_counts")
    outs = {n: str(work / f"out.{n}.tsv") for n in (*names, "transcripts_tpm", "qc")}
    code = (
        "import sys; sys.path.insert(0, 'scripts'); from expression_matrices import main; "
        f"main({samples!r}, {quants!r}, {qcs!r}, {str(work / 'tx2gene.tsv')!r}, 0.5, {outs!r})"
    )
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode:
        sys.exit(result.stderr[-2000:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    size = sum(p.stat().st_size for p in work.glob("*.quant.tsv")) / 2**30
    print(f"wall time: {wall:.1f} s for {size:.2f} GiB of input")
    print(f"CPU: user {usage.ru_utime:.1f} s, system {usage.ru_stime:.1f} s")
    print(f"peak memory: {usage.ru_maxrss // 1024} MiB")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1000, 60000][len(args) :]))
