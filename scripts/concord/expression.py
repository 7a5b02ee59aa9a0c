"""Expression: the expression annotation, a deterministic EM on salmon's equivalence classes,
and the gene/transcript matrices. docs/expression.md explains the choices and measurements.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from concord.errors import InputError
from concord.paths import MATRIX_NAMES
from concord.reference import open_maybe_gzip
from concord.transcripts import GTF_ATTRIBUTE

# --- expression annotation ---------------------------------------------------------------


def read_fasta(path: str) -> dict[str, str]:
    seqs: dict[str, list[str]] = {}
    name = None
    with open(path) as fh:
        for line in fh:
            if line.startswith(">"):
                name = line[1:].split()[0]
                seqs[name] = []
            elif name is not None:
                seqs[name].append(line.strip().upper())
    return {k: "".join(v) for k, v in seqs.items()}


def transcript_genes(gtf: str) -> dict[str, tuple[str, str]]:
    """transcript_id -> (gene_id, gene_name) from the GTF's exon lines."""
    out = {}
    with open_maybe_gzip(gtf, text=True) as fh:
        for line in fh:
            f = line.split("\t")
            if len(f) > 8 and f[2] == "exon":
                a = dict(GTF_ATTRIBUTE.findall(f[8]))
                out.setdefault(a["transcript_id"], (a["gene_id"], a.get("gene_name", a["gene_id"])))
    return out


def expression_annotation(
    fasta: dict[str, str], genes: dict[str, tuple[str, str]]
) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """The transcripts to quantify, the transcript->gene map and what was left out, and why.

    1. When two genes share a gene_name (e.g. GENCODE and RefSeq BRCA1), the gene with more
       transcripts in the GTF is kept, the other gene's transcripts are left out.
    2. Transcripts with identical sequence are collapsed to one: the one whose gene has more
       transcripts, then the smaller transcript id.
    Both rules depend only on the GTF and the sequences, so every centre gets the same set.
    """
    per_gene: dict[str, int] = defaultdict(int)
    for gene_id, _ in genes.values():
        per_gene[gene_id] += 1
    by_name: dict[str, set[str]] = defaultdict(set)
    for gene_id, name in genes.values():
        by_name[name].add(gene_id)
    removed = []
    dropped_genes = {}
    for ids in by_name.values():
        if len(ids) > 1:
            keep = sorted(ids, key=lambda g: (-per_gene[g], g))[0]
            for g in ids - {keep}:
                dropped_genes[g] = keep
    kept: dict[str, str] = {}
    for tid in sorted(fasta):
        gene_id, _ = genes[tid]
        if gene_id in dropped_genes:
            removed.append((tid, "gene_name_duplicate", dropped_genes[gene_id]))
        else:
            kept[tid] = fasta[tid]
    by_seq: dict[str, list[str]] = defaultdict(list)
    for tid, seq in kept.items():
        by_seq[seq].append(tid)
    for tids in by_seq.values():
        if len(tids) > 1:
            keep = sorted(tids, key=lambda t: (-per_gene[genes[t][0]], t))[0]
            for t in tids:
                if t != keep:
                    removed.append((t, "identical_sequence", keep))
                    del kept[t]
    tx2gene = pd.DataFrame(
        [(t, *genes[t]) for t in sorted(kept)], columns=["transcript_id", "gene_id", "gene_name"]
    )
    left_out = pd.DataFrame(sorted(removed), columns=["transcript_id", "reason", "represented_by"])
    return kept, tx2gene, left_out


# --- deterministic EM on salmon's equivalence classes --------------------------------------


@dataclass
class EquivalenceClasses:
    transcripts: list[str]
    members: np.ndarray  # flat transcript indices, class by class, classes sorted
    class_of: np.ndarray  # class index of each member
    counts: np.ndarray  # fragments per class


def read_equivalence_classes(path: str) -> EquivalenceClasses:
    """salmon --dumpEq output; classes are sorted so the EM sums in one fixed order. A file
    cut short (salmon killed, a full disk, a tool that exited 0 anyway) raises InputError."""
    try:
        with gzip.open(path, "rt") as fh:
            n_tx = int(fh.readline())
            n_classes = int(fh.readline())
            names = [fh.readline().strip() for _ in range(n_tx)]
            classes = []
            for _ in range(n_classes):
                f = fh.readline().split()
                k = int(f[0])
                classes.append((tuple(sorted(int(x) for x in f[1 : 1 + k])), int(f[1 + k])))
            if not all(names) or fh.read(1):
                raise ValueError("transcript names missing or lines after the last class")
    except (EOFError, OSError, ValueError, IndexError) as error:
        raise InputError(
            f"{path}: salmon's equivalence classes are cut short or damaged ({error}); "
            "run salmon_quant for this sample again"
        ) from None
    classes.sort()
    members = np.fromiter((t for tx, _ in classes for t in tx), dtype=np.int64)
    class_of = np.repeat(np.arange(len(classes)), [len(tx) for tx, _ in classes])
    counts = np.array([c for _, c in classes], dtype=np.float64)
    return EquivalenceClasses(names, members, class_of, counts)


def effective_lengths(lengths: np.ndarray, fragment_length: int) -> np.ndarray:
    """Classic effective length: length - mean fragment length + 1, at least 1."""
    return np.maximum(lengths - fragment_length + 1, 1).astype(np.float64)


def em_counts(
    eq: EquivalenceClasses, eff_len: np.ndarray, max_iter: int = 10000, tol: float = 1e-8
) -> np.ndarray:
    """Expected fragments per transcript (the EM of RSEM/salmon without bias terms).

    Every sum runs in the fixed order of the sorted classes, so the result is the same bytes
    for the same classes, whatever the thread count of the mapping that produced them.
    """
    n = len(eq.transcripts)
    total = eq.counts.sum()
    alpha = np.full(n, total / n if n else 0.0)
    inv_len = 1.0 / eff_len
    for _ in range(max_iter):
        weights = alpha[eq.members] * inv_len[eq.members]
        denom = np.bincount(eq.class_of, weights=weights, minlength=len(eq.counts))
        share = np.divide(
            weights, denom[eq.class_of], out=np.zeros_like(weights), where=denom[eq.class_of] > 0
        )
        new = np.bincount(eq.members, weights=share * eq.counts[eq.class_of], minlength=n)
        change = np.abs(new - alpha).max() if n else 0.0
        alpha = new
        if change < tol * max(total, 1.0):
            break
    alpha[alpha < 1e-8] = 0.0
    return alpha


def tpm(counts: np.ndarray, eff_len: np.ndarray) -> np.ndarray:
    rate = counts / eff_len
    s = rate.sum()
    return rate / s * 1e6 if s > 0 else rate


# salmon's warnings about the library type, by the name qc.tsv gives them
SALMON_WARNINGS = {
    "salmon_strand_bias": "Detected a *potential* strand bias",
    "salmon_incompatible_fragments": "disagreed with the provided library type",
}


# every name qc.tsv's warnings column can hold
QC_WARNINGS = (*SALMON_WARNINGS, "strandedness_undetermined")


def salmon_warnings(log_text: str) -> list[str]:
    """The names of the SALMON_WARNINGS salmon's log contains, in SALMON_WARNINGS order."""
    return [name for name, text in SALMON_WARNINGS.items() if text in log_text]


# --- per-sample QC and the matrices --------------------------------------------------------


def salmon_qc(quant_dir: str, library: dict) -> dict:
    """One sample's QC: salmon's figures from its quantification in quant_dir (fragments,
    mapping rate, the library type it used, the share of fragments compatible with it, its
    warnings) and `library`, the strandedness found before it (`strandedness`'s dict)."""
    d = Path(quant_dir)
    meta = json.loads((d / "aux_info" / "meta_info.json").read_text())
    lib = json.loads((d / "lib_format_counts.json").read_text())
    warnings = salmon_warnings((d / "logs" / "salmon_quant.log").read_text())
    if library["strandedness"] == "undetermined":
        warnings.append("strandedness_undetermined")
    return {
        "fragments": int(meta["num_processed"]),
        "mapping_rate": float(meta["percent_mapped"]) / 100,
        "library_type": lib["expected_format"],
        "compatible_fragment_ratio": float(lib.get("compatible_fragment_ratio", 0.0)),
        "strandedness": library["strandedness"],
        "sense_fraction": library["sense_fraction"],
        "warnings": warnings,
    }


def check_salmon_quant(quant_sf: str, transcripts: list[str]) -> None:
    """salmon's quant.sf names every transcript of the equivalence classes' header, in its order;
    one cut short or emptied (by anything after salmon exited 0) raises InputError."""
    with open(quant_sf) as fh:
        header = fh.readline().split("\t")[0]
        names = [line.split("\t", 1)[0] for line in fh]
    if header != "Name" or names != transcripts:
        raise InputError(
            f"{quant_sf}: salmon's quant.sf is cut short or damaged: {len(names)} transcript rows "
            f"after {'its' if header == 'Name' else 'no'} header, the equivalence classes name "
            f"{len(transcripts)}; run salmon_quant for this sample again"
        )


def quantify_sample(
    eq_path: str, tx_lengths: pd.Series, fragment_length: int, quant_sf: str | None = None
) -> pd.DataFrame:
    eq = read_equivalence_classes(eq_path)
    if quant_sf is not None:
        check_salmon_quant(quant_sf, eq.transcripts)
    lengths = tx_lengths.reindex(eq.transcripts).to_numpy(dtype=np.float64)
    if np.isnan(lengths).any():
        missing = [t for t, x in zip(eq.transcripts, lengths, strict=True) if np.isnan(x)]
        raise InputError(f"{eq_path}: transcript {missing[0]} is not in the expression annotation")
    eff = effective_lengths(lengths, fragment_length)
    counts = em_counts(eq, eff)
    return pd.DataFrame(
        {
            "length": lengths.astype(np.int64),
            "effective_length": eff,
            "count": counts,
            "tpm": tpm(counts, eff),
        },
        index=pd.Index(eq.transcripts, name="transcript_id"),
    )


def length_scaled_counts(gene_tpm: np.ndarray, mean_len: np.ndarray | None, count_totals):
    """tximport countsFromAbundance='lengthScaledTPM' at gene level: TPM x each gene's mean
    length over samples, scaled to each sample's total count. No samples (all failed QC): no
    columns (and no mean length)."""
    if gene_tpm.shape[1] == 0:
        return np.zeros_like(gene_tpm)
    scaled = gene_tpm * mean_len[:, None]
    totals = scaled.sum(axis=0)
    scaled *= count_totals / np.where(totals > 0, totals, 1)
    return scaled


# columns of a transcripts x samples array summed to genes at a time (a bounded temporary)
GENE_SUM_BLOCK = 64


class QuantStack:
    """Per-sample quantifications stacked into transcripts x samples arrays, one sample at a time.

    Only what the matrices need is kept: counts and TPM (transcripts x samples, 480 MB each for
    1,000 samples x 60,000 transcripts) and each gene's TPM-weighted effective length (genes x
    samples), computed as each sample is added, so the effective lengths are never stacked.
    Transcripts are sorted by id; each knows its gene's position in the sorted gene ids.
    """

    def __init__(self, tx2gene: pd.DataFrame, samples: list[str]):
        self.t2g = tx2gene.set_index("transcript_id").sort_index()
        self.transcripts = self.t2g.index
        self.gene_ids, self.codes = np.unique(
            self.t2g["gene_id"].to_numpy(dtype=str), return_inverse=True
        )
        # transcripts in gene order, where each gene starts, transcripts per gene
        self.order = np.argsort(self.codes, kind="stable")
        self.starts = np.searchsorted(self.codes[self.order], np.arange(len(self.gene_ids)))
        self.per_gene = np.bincount(self.codes)[:, None]
        self.samples = list(samples)
        shape = (len(self.transcripts), len(self.samples))
        self.count = np.zeros(shape, order="F")
        self.tpm = np.zeros(shape, order="F")
        # a sample never added: no expression, every transcript length 1, gene length 1
        self.gene_len = np.ones((len(self.gene_ids), len(self.samples)))
        self._index, self._rows = None, None

    def rows(self, quant: pd.DataFrame) -> np.ndarray:
        """Row of each of quant's transcripts (cached: samples usually share one order)."""
        if self._index is None or not quant.index.equals(self._index):
            ids = quant.index.to_numpy()
            rows = self.transcripts.get_indexer(ids)
            if (rows < 0).any():
                missing = ids[rows < 0][0]
                raise InputError(f"transcript {missing} is not in the expression annotation")
            self._index, self._rows = quant.index, rows
        return self._rows

    def genes_detected(self, quant: pd.DataFrame) -> int:
        """Genes with >= 1 fragment in quant."""
        per_gene = np.bincount(
            self.codes[self.rows(quant)], weights=quant["count"].to_numpy(),
            minlength=len(self.gene_ids),
        )  # fmt: skip
        return int((per_gene >= 1).sum())

    def gene_sums(self, values: np.ndarray) -> np.ndarray:
        """values (transcripts x k) summed per gene (genes x k), in one fixed order."""
        return np.add.reduceat(values[self.order], self.starts, axis=0)

    def add(self, sample: str, quant: pd.DataFrame) -> None:
        j, rows = self.samples.index(sample), self.rows(quant)
        self.count[rows, j] = quant["count"].to_numpy()
        self.tpm[rows, j] = quant["tpm"].to_numpy()
        eff = np.ones((len(self.transcripts), 1))  # a transcript absent from a sample: length 1
        eff[rows, 0] = quant["effective_length"].to_numpy()
        tpm = self.tpm[:, j : j + 1]
        # TPM-weighted mean effective length per gene (tximport's abundance-weighted length); a
        # gene with no expression in the sample takes the plain mean of its transcripts
        gene_tpm = self.gene_sums(tpm)
        weighted = self.gene_sums(tpm * eff)
        plain = self.gene_sums(eff) / self.per_gene
        with np.errstate(invalid="ignore", divide="ignore"):
            self.gene_len[:, j : j + 1] = np.where(gene_tpm > 0, weighted / gene_tpm, plain)

    def gene_matrix(self, values: np.ndarray) -> np.ndarray:
        """gene_sums of all samples, GENE_SUM_BLOCK columns at a time."""
        out = np.empty((len(self.gene_ids), values.shape[1]))
        for j in range(0, values.shape[1], GENE_SUM_BLOCK):
            out[:, j : j + GENE_SUM_BLOCK] = self.gene_sums(values[:, j : j + GENE_SUM_BLOCK])
        return out


def iter_matrices(stack: QuantStack, release: bool = False) -> Iterator[tuple[str, Matrix]]:
    """Gene and transcript matrices, samples in the stack's (sheet) order, rows sorted by id.

    One at a time, in the order that keeps the fewest arrays alive; with `release`, the stack's
    arrays are dropped once the matrices made from them have been yielded (the stack cannot
    make matrices again). Peak, when the caller keeps only the current matrix: the two
    transcripts x samples arrays and one genes x samples array, plus one more while the
    length-scaled counts are made.
    """
    t2g, gene_ids = stack.t2g, stack.gene_ids
    names = t2g.groupby("gene_id", sort=True)["gene_name"].first().reindex(gene_ids)
    gene_cols = {"gene_id": gene_ids, "gene_name": names.to_numpy(dtype=str)}
    tx_cols = {
        "transcript_id": stack.transcripts.to_numpy(dtype=str),
        "gene_id": t2g["gene_id"].to_numpy(dtype=str),
        "gene_name": t2g["gene_name"].to_numpy(dtype=str),
    }
    n_samples = len(stack.samples)
    mean_len = stack.gene_len.mean(axis=1) if n_samples else None
    if release:
        stack.gene_len = None
    gene_counts = stack.gene_matrix(stack.count)
    count_totals = gene_counts.sum(axis=0)
    yield "genes.counts", Matrix(gene_cols, gene_counts, stack.samples)
    del gene_counts
    yield "transcripts.counts", Matrix(tx_cols, stack.count, stack.samples)
    if release:
        stack.count = None
    gene_tpm = stack.gene_matrix(stack.tpm)
    yield "genes.tpm", Matrix(gene_cols, gene_tpm, stack.samples)
    scaled = length_scaled_counts(gene_tpm, mean_len, count_totals)
    del gene_tpm
    yield "genes.length_scaled_counts", Matrix(gene_cols, scaled, stack.samples)
    del scaled
    yield "transcripts.tpm", Matrix(tx_cols, stack.tpm, stack.samples)
    if release:
        stack.tpm = None


def build_matrices(stack: QuantStack) -> dict[str, Matrix]:
    """All five matrices at once (iter_matrices, all kept), in paths.MATRIX_NAMES order."""
    built = dict(iter_matrices(stack))
    return {name: built[name] for name in MATRIX_NAMES}


@dataclass
class Matrix:
    """Id columns, then one numeric column per sample."""

    ids: dict[str, np.ndarray]
    values: np.ndarray
    samples: list[str]

    def frame(self) -> pd.DataFrame:
        return pd.concat(
            [pd.DataFrame(self.ids), pd.DataFrame(self.values, columns=self.samples)], axis=1
        )


DECIMALS = {"counts": 3, "tpm": 4, "length_scaled_counts": 3}


# rows formatted and written at a time (a bounded buffer, whatever the number of rows)
WRITE_ROWS = 2048
# above this many units of the last decimal a value is not written by _fixed_point_rows
# (Arrow converts such doubles to decimals by another route)
FIXED_POINT_MAX = 2**50


def write_matrix(matrix: Matrix, path: str, kind: str) -> None:
    """Fixed decimals (3 for counts, 4 for TPM), tab-separated, '\\n' line ends.

    The text is what Arrow writes for each value rounded to the scale and cast to a decimal
    (the writer of concord <= 0.x, kept for what _fixed_point_rows does not take). It is made
    WRITE_ROWS rows at a time by _fixed_point_rows, in numpy: pandas' float_format formats each
    value in Python, and Arrow's decimal formatting took most of this step's time at cohort
    scale (bench/expression_matrices.py, docs/benchmarks.md).
    """
    scale = DECIMALS[kind]
    ids = list(matrix.ids.values())
    # ids with a tab, line end or quote are left to Arrow (which refuses them unquoted)
    plain_ids = bool(matrix.samples) and not any(
        c in "".join(map(str, column)) for column in ids for c in '\t\n\r"'
    )
    with open(path, "wb") as fh:
        fh.write(("\t".join([*matrix.ids, *matrix.samples]) + "\n").encode())
        for r in range(0, len(matrix.values), WRITE_ROWS):
            rows = slice(r, r + WRITE_ROWS)
            rounded = np.round(matrix.values[rows], scale)
            text = _fixed_point_rows([c[rows] for c in ids], rounded, scale) if plain_ids else None
            if text is None:
                _arrow_rows(fh, {k: v[rows] for k, v in matrix.ids.items()}, matrix.samples,
                            rounded, scale)  # fmt: skip
            else:
                fh.write(text)


def _arrow_rows(fh, ids: dict, samples: list[str], rounded: np.ndarray, scale: int) -> None:
    """Rows as Arrow's CSV writer gives them: ids, then each value as decimal128(38, scale)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = {name: pa.array(values) for name, values in ids.items()}
    rounded = np.asfortranarray(rounded)
    for j, sample in enumerate(samples):
        columns[sample] = pa.array(rounded[:, j]).cast(pa.decimal128(38, scale))
    options = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    pacsv.write_csv(pa.table(columns), fh, options)


def _fixed_point_rows(ids: list[np.ndarray], rounded: np.ndarray, scale: int) -> bytes | None:
    """The rows' text, each value rounded to `scale` decimals (as _arrow_rows writes it: no
    sign for zero, at least one integer digit), or None for values it does not take: negative,
    not finite or too large (the caller writes those rows with _arrow_rows).

    Each value becomes its integer number of 10^-scale units; its digits are laid out right-
    aligned in a fixed-width byte array with the decimal point and a tab (newline after the
    last column), and the leading unused bytes are dropped with one mask.
    """
    n_rows, n_cols = rounded.shape
    if n_rows == 0:
        return b""
    if not np.isfinite(rounded).all() or rounded.min() < 0:
        return None
    units = np.rint(rounded * 10.0**scale)
    if units.max() >= FIXED_POINT_MAX:
        return None
    units = units.astype(np.int64)
    digits = max(len(str(int(units.max()))), scale + 1)
    width = digits + 2  # digits, the point, the separator
    buf = np.empty((n_rows, n_cols, width), dtype=np.uint8)
    keep = np.ones((n_rows, n_cols, width), dtype=bool)
    buf[:, :, -1] = ord("\t")
    buf[:, -1, -1] = ord("\n")
    point = width - 2 - scale
    buf[:, :, point] = ord(".")
    rest = units
    for k in range(digits):  # k-th digit from the right
        rest, digit = np.divmod(rest, 10)
        at = width - 2 - k - (k >= scale)
        buf[:, :, at] = digit + ord("0")
        if k > scale:  # integer digits beyond the units: only as many as the value has
            keep[:, :, at] = units >= 10**k
    lengths = keep.sum(axis=(1, 2))
    body = buf[keep].tobytes()
    prefixes = ["\t".join(map(str, row)) + "\t" for row in zip(*ids, strict=True)]
    out, start = [], 0
    for prefix, length in zip(prefixes, lengths.tolist(), strict=True):
        out.append(prefix.encode())
        out.append(body[start : start + length])
        start += length
    return b"".join(out)


def write_quant(quant: pd.DataFrame, path: str) -> None:
    """Per-sample quantification (transcript_id, length, effective_length, count, tpm)."""
    quant.to_csv(path, sep="\t", float_format="%.6f", lineterminator="\n")


def read_quant(path: str) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", index_col="transcript_id", engine="c")


def qc_row(sample: str, qc: dict, genes_detected: int, min_rate: float) -> dict:
    """One line of qc.tsv: salmon's figures, the strandedness, genes with >= 1 fragment, the
    warnings (names, ';'-separated, empty when none) and the verdict."""
    sense = qc["sense_fraction"]
    return {
        "sample": sample,
        "fragments": qc["fragments"],
        "mapping_rate": f"{qc['mapping_rate']:.4f}",
        "strandedness": qc["strandedness"],
        "sense_fraction": "" if sense is None else f"{sense:.4f}",
        "library_type": qc["library_type"],
        "compatible_fragment_ratio": f"{qc['compatible_fragment_ratio']:.4f}",
        "genes_detected": genes_detected,
        "warnings": ";".join(qc["warnings"]),
        "verdict": "pass" if passes_qc(qc, min_rate) else f"fail: mapping rate below {min_rate}",
    }


def passes_qc(qc: dict, min_rate: float) -> bool:
    return qc["mapping_rate"] >= min_rate
