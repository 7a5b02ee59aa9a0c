"""Panel coverage: the coding exons of the panel transcripts and their per-exon depth verdicts.

Pure geometry and arithmetic on mosdepth's output: nothing here needs the HGVS stack, so the
regions and coverage steps run in the plain Python environment.
"""

from __future__ import annotations

import gzip

EXON_PADDING = 20
DEPTHS = (20, 50, 100)
INSUFFICIENT = "insufficient coverage — absence of variants is not informative"


def coding_exon_regions(models) -> list[tuple[str, int, int, str]]:
    """Coding exons ±20 bp of each panel transcript: (contig, start, end, gene|transcript|exon)."""
    regions = []
    for m in models:
        if not m.coding:
            continue
        total = len(m.exons)
        for n, s, e in m.coding_exons():
            name = f"{m.gene}|{m.transcript_id}|{n}/{total}"
            regions.append((m.contig, max(0, s - EXON_PADDING), e + EXON_PADDING, name))
    return sorted(regions, key=lambda r: (r[0], r[1], r[2], r[3]))


def read_thresholds(path: str) -> dict[tuple[str, int, int, str], dict[int, int]]:
    """mosdepth --thresholds output: bases at >= each depth, per region."""
    out = {}
    with gzip.open(path, "rt") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        depths = [int(h.rstrip("X")) for h in header[4:]]
        for line in fh:
            f = line.rstrip("\n").split("\t")
            out[(f[0], int(f[1]), int(f[2]), f[3])] = dict(
                zip(depths, map(int, f[4:]), strict=True)
            )
    return out


def exon_coverage(
    regions, thresholds: dict, sample: str, role: str, min_depth: int, min_fraction: float
) -> list[dict]:
    rows = []
    for contig, start, end, name in regions:
        gene, transcript, exon = name.split("|")
        counts = thresholds[(contig, start, end, name)]
        length = end - start
        fractions = {d: counts[d] / length for d in DEPTHS}
        rows.append(
            {
                "sample": sample,
                "role": role,
                "gene": gene,
                "transcript": transcript,
                "exon": exon,
                "chrom": contig,
                "start": start + 1,
                "end": end,
                "length": length,
                **{f"frac_ge_{d}x": f"{fractions[d]:.4f}" for d in DEPTHS},
                "verdict": "pass" if fractions[min_depth] >= min_fraction else "fail",
            }
        )
    return rows


def gene_verdicts(coverage_rows: list[dict]) -> list[dict]:
    genes: dict[tuple[str, str, str], list[str]] = {}
    for r in coverage_rows:
        genes.setdefault((r["sample"], r["gene"], r["transcript"]), []).append(r["verdict"])
    return [
        {
            "sample": sample,
            "gene": gene,
            "transcript": transcript,
            "exons_failing": verdicts.count("fail"),
            "verdict": "sufficient coverage" if "fail" not in verdicts else INSUFFICIENT,
        }
        for (sample, gene, transcript), verdicts in genes.items()
    ]


COVERAGE_COLUMNS = (
    "sample", "role", "gene", "transcript", "exon", "chrom", "start", "end", "length",
    "frac_ge_20x", "frac_ge_50x", "frac_ge_100x", "verdict",
)  # fmt: skip
