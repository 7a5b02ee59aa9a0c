"""Hand-made read pairs on a reference, written to a sorted, indexed BAM (pysam): reads carry
variants with the CIGAR an aligner would write, base qualities can be set per position."""

from __future__ import annotations

import pysam

Variant = tuple[int, str, str]  # 0-based position, REF, ALT (VCF-style, anchor base included)


def aligned(reference: str, variants: list[Variant], lo: int = 0, hi: int | None = None):
    """The haplotype of reference[lo:hi] with the variants, as (reference position, base)
    pairs: a deleted base has no base, an inserted base no reference position."""
    hi = len(reference) if hi is None else hi
    out, i = [], lo
    for pos, ref, alt in sorted(variants):
        out += [(j, reference[j]) for j in range(i, pos)]
        shared = 1 if len(ref) != len(alt) and ref[0] == alt[0] else 0
        common = min(len(ref), len(alt))
        out += [(pos + k, alt[k]) for k in range(common)]
        out += [(pos + k, None) for k in range(common, len(ref))]
        out += [(None, b) for b in alt[max(common, shared) :]]
        i = pos + len(ref)
    return out + [(j, reference[j]) for j in range(i, hi)]


def read_from(haplotype, ref_start: int, length: int, clip_end: int = 0):
    """(reference start, sequence, cigar) of a read of the haplotype starting at ref_start; the
    last clip_end bases soft-clipped, as an aligner does with a change near a read end."""
    first = next(i for i, (pos, _) in enumerate(haplotype) if pos == ref_start)
    ops, seq = [], []
    for pos, base in haplotype[first:]:
        if len(seq) == length:
            break
        op = 0 if pos is not None and base is not None else (2 if base is None else 1)
        if base is not None:
            seq.append(base)
        if ops and ops[-1][0] == op:
            ops[-1][1] += 1
        else:
            ops.append([op, 1])
    if clip_end:
        kept, tail = [], clip_end
        for op, n in reversed(ops):
            if tail and op in (0, 1):
                cut = min(n, tail)
                tail -= cut
                if n > cut:
                    kept.append([op, n - cut])
            elif not tail:
                kept.append([op, n])
        ops = list(reversed(kept)) + [[4, clip_end]]
    return ref_start, "".join(seq), [tuple(o) for o in ops]


class Bam:
    """Fragments of one contig written as read pairs into a sorted, indexed BAM."""

    def __init__(self, contig: str, length: int, read_length: int = 50):
        self.contig, self.length, self.read_length = contig, length, read_length
        self.reads = []

    def read(self, name, mate, reverse, haplotype, start, quals=None, clip_end=0):
        """One read; `quals` sets its base quality at reference positions {ref_pos: q}."""
        placed = read_from(haplotype, start, self.read_length, clip_end)
        self.reads.append((name, mate, reverse, *placed, quals or {}))

    def pair(self, name, haplotype, r1_start, r2_start, mates=(True, True)):
        """A fragment: read 1 forward at r1_start, read 2 reverse at r2_start."""
        for mate, start, reverse in ((1, r1_start, False), (2, r2_start, True)):
            if mates[mate - 1]:
                self.read(name, mate, reverse, haplotype, start)

    def write(self, path) -> str:
        header = {
            "HD": {"VN": "1.6", "SO": "coordinate"},
            "SQ": [{"SN": self.contig, "LN": self.length}],
        }
        unsorted = f"{path}.unsorted.bam"
        with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
            for name, mate, reverse, start, seq, cigar, quals in self.reads:
                a = pysam.AlignedSegment()
                a.query_name, a.query_sequence = name, seq
                a.flag = 0x1 | 0x2 | (0x40 if mate == 1 else 0x80) | (0x10 if reverse else 0x20)
                a.reference_id, a.reference_start, a.mapping_quality = 0, start, 60
                a.cigartuples = cigar
                a.next_reference_id, a.next_reference_start = 0, start
                q = [30] * len(seq)
                ref_pos, qpos = start, 0
                for op, n in cigar:
                    for _ in range(n):
                        if op == 0 and ref_pos in quals:
                            q[qpos] = quals[ref_pos]
                        qpos += op in (0, 1, 4)
                        ref_pos += op in (0, 2)
                a.query_qualities = pysam.qualitystring_to_array("".join(chr(x + 33) for x in q))
                out.write(a)
        pysam.sort("-o", str(path), unsorted)
        pysam.index(str(path))
        return str(path)


def joint_vcf(path, contig: str, length: int, variants: list[Variant]) -> str:
    """A sites-only joint call of the variants (what freebayes would propose)."""
    lines = ["##fileformat=VCFv4.2", f"##contig=<ID={contig},length={length}>",
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]  # fmt: skip
    lines += [f"{contig}\t{p + 1}\t.\t{r}\t{a}\t.\t.\t." for p, r, a in sorted(variants)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)
