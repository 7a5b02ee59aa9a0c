"""Measurement: does a stranded library's strandedness matter for concord's gene counts?

    .venv/bin/python bench/expression_strandedness.py [KIT_DIR]
        (default ../shared/conformance/brca-grch38-v1 from the repository)

Simulates stranded (dUTP-like, read 1 antisense: salmon's ISR) paired libraries with known
truth, maps each with salmon 1.10.1 as `-l A` (what concord ran before), `-l ISR` (the detected
type) and `-l IU`, runs concord's EM on the equivalence classes and prints each gene's counts
against the simulated pairs. Libraries:

1. the demo genome with a sense/antisense pair: GENA (+) and ASGA (-), whose exons overlap by
   312 nt (concord.demo_data.stranded_rna_library), 6,000 pairs, ASGA silent, at 1/10 of
   GENA-201's TPM and at GENA-201's TPM, 5 seeds each;
2. the same at 100,000 pairs, ASGA at 1/10: past salmon's auto-detection, which guesses after
   50,000 mappings (not fragments); `-l A` and `-l ISR` are also run 6 times with 2 threads and
   once with 1, to compare the equivalence classes and concord's counts between runs;
3. the conformance kit's RNA samples R1-R4 (its truth's pairs per transcript, 250 +- 25 bp
   fragments, 2x100) simulated again as ISR: real gene models (BRCA1's exons overlap the
   antisense pseudogene RPL21P4 by 66 nt).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from concord import demo_data  # noqa: E402
from concord.expression import (  # noqa: E402
    expression_annotation,
    quantify_sample,
    read_fasta,
    transcript_genes,
)

DEMO = REPO / "resources" / "demo"
LIBTYPES = ("A", "ISR", "IU")


def salmon_index(fasta: Path, index: Path) -> None:
    subprocess.run(
        ["salmon", "index", "-t", str(fasta), "-i", str(index), "-k", "31", "-p", "2"],
        check=True, capture_output=True,
    )  # fmt: skip


def salmon_quant(index: Path, r1: Path, r2: Path, libtype: str, out: Path, threads=2) -> dict:
    """salmon as the pipeline runs it, with the given library type; its library-format counts."""
    subprocess.run(
        ["salmon", "quant", "-i", str(index), "-l", libtype, "-1", str(r1), "-2", str(r2),
         "--validateMappings", "--dumpEq", "-p", str(threads), "-o", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return json.loads((out / "lib_format_counts.json").read_text())


def sorted_classes_md5(out: Path) -> str:
    with gzip.open(out / "aux_info" / "eq_classes.txt.gz", "rt") as fh:
        lines = fh.read().splitlines()
    n_tx, n_cls = int(lines[0]), int(lines[1])
    names = lines[2 : 2 + n_tx]
    classes = sorted(
        (tuple(sorted(names[int(x)] for x in f[1 : 1 + int(f[0])])), f[-1])
        for f in (line.split() for line in lines[2 + n_tx : 2 + n_tx + n_cls])
    )
    return hashlib.md5(repr(classes).encode()).hexdigest()[:8]


def gene_counts(out: Path, lengths: pd.Series, tx2gene: dict, fragment_length: int) -> pd.Series:
    quant = quantify_sample(str(out / "aux_info" / "eq_classes.txt.gz"), lengths, fragment_length)
    return quant["count"].groupby(quant.index.map(tx2gene)).sum()


def compare(name: str, truth: pd.Series, counts: dict[str, pd.Series], rows: list) -> None:
    """One row per library type: each gene's count minus its simulated pairs."""
    for libtype, est in counts.items():
        err = est.reindex(truth.index, fill_value=0.0) - truth
        rows.append(
            {"library": name, "libtype": libtype, **{g: round(e, 1) for g, e in err.items()},
             "sum_abs_error": round(err.abs().sum(), 1)}
        )  # fmt: skip


# --- 1 and 2: the demo's sense/antisense pair ------------------------------------------------


def demo_pair(work: Path, n_pairs: int, seeds, antisense_shares, rows: list, threads_check=False):
    truth_tpm = pd.read_csv(DEMO / "truth" / "expression.transcripts.tsv", sep="\t")
    tpm = truth_tpm[truth_tpm["sample"] == "PT01-rna"].set_index("transcript_id")["true_tpm"]
    built = None
    for share in antisense_shares:
        for seed in seeds:
            lib = work / f"pair_{n_pairs}_{share}_{seed}"
            tpms = {**tpm.to_dict(), "ASGA-201": share * tpm["GENA-201"]}
            pairs = demo_data.stranded_rna_library(DEMO, lib, "ISR", n_pairs, tpms, seed)
            if built is None:  # the annotation is the same for every library
                fasta = work / "pair.fa"
                subprocess.run(
                    ["gffread", "-w", str(fasta), "-g", str(work / "demo.fa"),
                     str(lib / demo_data.ANTISENSE_GTF)],
                    check=True, capture_output=True,
                )  # fmt: skip
                salmon_index(fasta, work / "pair_index")
                seqs = read_fasta(str(fasta))
                lengths = pd.Series({t: len(s) for t, s in seqs.items()})
                tx2gene = {t: t.split("-")[0] for t in seqs}
                built = (lengths, tx2gene)
            lengths, tx2gene = built
            truth = pd.Series(pairs).groupby(tx2gene).sum().astype(float)
            counts, formats = {}, {}
            for libtype in LIBTYPES:
                out = lib / f"salmon_{libtype}"
                lf = salmon_quant(work / "pair_index", lib / "rna_R1.fastq.gz",
                                  lib / "rna_R2.fastq.gz", libtype, out)  # fmt: skip
                formats[libtype] = f"{lf['expected_format']} ISF {lf['ISF']} ISR {lf['ISR']}"
                counts[libtype] = gene_counts(out, lengths, tx2gene, 200)
            name = f"pair n={n_pairs} ASGA={share:g}xGENA-201 seed={seed}"
            compare(name, truth, counts, rows)
            simulated = f"simulated GENA {truth['GENA']:g}, ASGA {truth['ASGA']:g}"
            formats_used = "; ".join(f"-l {k}: {v}" for k, v in formats.items())
            print(f"{name} | {simulated} | {formats_used}", flush=True)
            if threads_check:
                repeat_runs(work, lib, lengths, tx2gene)


def repeat_runs(work: Path, lib: Path, lengths: pd.Series, tx2gene: dict, runs: int = 6) -> None:
    """The same library mapped again and again: -l A and -l ISR, 2 threads (and 1 thread once);
    how many different equivalence-class sets, and concord's GENA/ASGA counts from each."""
    for libtype in ("A", "ISR"):
        found: dict[str, tuple[float, float]] = {}
        labels = []
        for run, threads in [*((i, 2) for i in range(runs)), (runs, 1)]:
            out = lib / f"repeat_{libtype}_{run}"
            salmon_quant(work / "pair_index", lib / "rna_R1.fastq.gz", lib / "rna_R2.fastq.gz",
                         libtype, out, threads)  # fmt: skip
            md5 = sorted_classes_md5(out)
            genes = gene_counts(out, lengths, tx2gene, 200)
            found[md5] = (round(float(genes["GENA"]), 3), round(float(genes["ASGA"]), 3))
            labels.append(f"{md5}{'' if threads == 2 else ' (1 thread)'}")
        print(
            f"  -l {libtype}, {runs} runs with 2 threads and 1 with 1 thread: sorted classes "
            f"{', '.join(labels)}; concord GENA, ASGA per class set {found}",
            flush=True,
        )


# --- 3: the kit's RNA samples simulated again as stranded --------------------------------------


def kit_stranded(kit: Path, work: Path, rows: list) -> None:
    genome = work / "kit.fa"
    shutil.copy(kit / "reference" / "genome.fa", genome)  # gffread writes a .fai beside it
    all_fa = work / "kit_all.fa"
    gtf = kit / "annotation" / "genes.gtf"
    subprocess.run(
        ["gffread", "-w", str(all_fa), "-g", str(genome), str(gtf)], check=True, capture_output=True
    )
    genes = transcript_genes(str(gtf))
    kept, tx2gene_df, _ = expression_annotation(read_fasta(str(all_fa)), genes)
    fasta = work / "kit_tx.fa"
    fasta.write_text("".join(f">{t}\n{s}\n" for t, s in kept.items()))
    salmon_index(fasta, work / "kit_index")
    lengths = pd.Series({t: len(s) for t, s in kept.items()})
    tx2gene = dict(zip(tx2gene_df["transcript_id"], tx2gene_df["gene_name"], strict=True))
    all_seqs = read_fasta(str(all_fa))
    truth_tx = pd.read_csv(kit / "truth" / "expression.transcripts.tsv", sep="\t")
    for i, sample in enumerate(("R1", "R2", "R3", "R4")):
        t = truth_tx[(truth_tx["sample"] == sample) & (truth_tx["simulated_pairs"] > 0)]
        rng = np.random.default_rng(9000 + i)
        lib = work / f"kit_{sample}"
        lib.mkdir()
        writer = demo_data.ReadWriter(
            lib / "R1.fastq.gz", lib / "R2.fastq.gz", sample, 100, rng, "ISR"
        )
        order = np.repeat(t["transcript_id"].to_numpy(), t["simulated_pairs"].to_numpy())
        rng.shuffle(order)
        for tid in order:
            seq = all_seqs[tid]
            length = int(np.clip(rng.normal(250, 25), 150, len(seq)))
            start = int(rng.integers(0, len(seq) - length + 1))
            writer.write_pair(seq[start : start + length])
        writer.close()
        truth = t.groupby("gene_name")["simulated_pairs"].sum().astype(float)
        truth = truth.reindex(sorted(set(tx2gene.values())), fill_value=0.0)
        counts = {}
        for libtype in LIBTYPES:
            out = lib / f"salmon_{libtype}"
            lf = salmon_quant(work / "kit_index", lib / "R1.fastq.gz", lib / "R2.fastq.gz",
                              libtype, out)  # fmt: skip
            print(f"kit {sample} -l {libtype}: {lf['expected_format']} ISF {lf['ISF']} "
                  f"ISR {lf['ISR']}", flush=True)  # fmt: skip
            counts[libtype] = gene_counts(out, lengths, tx2gene, 250)
        compare(f"kit {sample} ISR", truth, counts, rows)


def main(kit: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="concord_strandedness_"))
    shutil.copy(DEMO / "reference" / "demo.fa", work / "demo.fa")
    rows: list[dict] = []
    demo_pair(work, 6000, range(1, 6), (0.0, 0.1, 1.0), rows)
    demo_pair(work, 100_000, (1,), (0.1,), rows, threads_check=True)
    kit_stranded(kit, work, rows)
    pd.set_option("display.width", 250)
    table = pd.DataFrame(rows)
    pair = table[table["library"].str.startswith("pair")]
    cols = ["library", "libtype", "GENA", "ASGA", "GENB", "GENC", "LNCD", "sum_abs_error"]
    print("\nconcord EM gene counts minus simulated pairs, demo sense/antisense pair:")
    print(pair[cols].to_string(index=False))
    kit_rows = table[table["library"].str.startswith("kit")].dropna(axis=1, how="all")
    genes = [c for c in kit_rows.columns if c not in ("library", "libtype", "sum_abs_error")]
    kit_rows = kit_rows.assign(max_abs_error=kit_rows[genes].abs().max(axis=1))
    print(f"\nkit samples simulated as ISR ({len(genes)} genes): largest gene count error")
    print(kit_rows[["library", "libtype", "max_abs_error", "sum_abs_error"]].to_string(index=False))
    shutil.rmtree(work)


if __name__ == "__main__":
    default_kit = REPO.parent / "shared" / "conformance" / "brca-grch38-v1"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default_kit)
