"""Synthetic demo dataset: a small reference with genes, tumour/normal DNA and tumour RNA reads.

Everything is drawn from one seeded generator, so the same seed gives the same files, byte for
byte (gzip headers carry no name and no time). The data are synthetic: random sequence with
designed genes (ATG ... stop, GT-AG introns), spiked germline and somatic variants with known
haplotypes and allele fractions, and a simple Illumina-like read model. See
resources/demo/README.md for what the files are and how they relate.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20261123
BASES = np.array(list("ACGT"))
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
STOP_CODONS = {"TAA", "TAG", "TGA"}

CONTIGS = (("chrD1", 160_000), ("chrD2", 120_000))


@dataclass(frozen=True)
class GeneDesign:
    name: str
    contig: str
    strand: str
    start: int  # 0-based genomic start of the gene's first base
    n_exons: int
    coding: bool = True


GENES = (
    GeneDesign("GENA", "chrD1", "+", 20_000, 8),
    GeneDesign("GENB", "chrD1", "-", 90_000, 6),
    GeneDesign("GENC", "chrD2", "+", 30_000, 7),
    GeneDesign("LNCD", "chrD2", "-", 85_000, 2, coding=False),
)

PATIENTS = ("PT01", "PT02")
READ_LENGTH_DNA = 100
READ_LENGTH_RNA = 75
TARGET_PAD = 100
COVERAGE = {"tumor": 100, "normal": 50}
SOMATIC_TIERS = (0.40, 0.20, 0.10)
RNA_PAIRS = 6000


@dataclass
class Transcript:
    transcript_id: str
    gene_id: str
    gene_name: str
    biotype: str
    contig: str
    strand: str
    exons: list[tuple[int, int]]  # 0-based half-open, genomic order
    cds: tuple[int, int] | None = None  # transcript coordinates of CDS incl. stop, half-open

    def sequence(self, genome: dict[str, str]) -> str:
        seq = "".join(genome[self.contig][s:e] for s, e in self.exons)
        return revcomp(seq) if self.strand == "-" else seq

    def exons_5to3(self) -> list[tuple[int, int]]:
        return list(reversed(self.exons)) if self.strand == "-" else list(self.exons)

    def tx_to_genome(self, a: int, b: int) -> list[tuple[int, int]]:
        """Genomic pieces (0-based half-open) of transcript interval [a, b)."""
        pieces, offset = [], 0
        for s, e in self.exons_5to3():
            length = e - s
            lo, hi = max(a, offset), min(b, offset + length)
            if lo < hi:
                if self.strand == "+":
                    pieces.append((s + lo - offset, s + hi - offset))
                else:
                    pieces.append((e - (hi - offset), e - (lo - offset)))
            offset += length
        return sorted(pieces)


@dataclass
class Variant:
    contig: str
    pos: int  # 1-based VCF position
    ref: str
    alt: str
    kind: str  # germline | somatic
    hap: str  # H1 | H2 | H1H2
    vaf: float
    gene: str
    vid: str = ""
    info: dict = field(default_factory=dict)

    @property
    def vartype(self) -> str:
        if len(self.ref) == len(self.alt) == 1:
            return "SNV"
        return "DEL" if len(self.ref) > len(self.alt) else "INS"


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


def random_seq(rng: np.random.Generator, n: int, gc: float = 0.42) -> str:
    p = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    return "".join(rng.choice(BASES, size=n, p=p))


def random_cds(rng: np.random.Generator, n_codons: int) -> str:
    codons = ["ATG"]
    while len(codons) < n_codons - 1:
        codon = random_seq(rng, 3, gc=0.5)
        if codon not in STOP_CODONS:
            codons.append(codon)
    codons.append(str(rng.choice(sorted(STOP_CODONS))))
    return "".join(codons)


def design_genes(rng: np.random.Generator, genome: dict[str, list[str]]) -> list[Transcript]:
    """Write each designed gene into the genome and return its transcript models."""
    transcripts = []
    for g in GENES:
        exon_lengths = [int(x) for x in rng.integers(120, 260, size=g.n_exons)]
        intron_lengths = [int(x) for x in rng.integers(700, 2500, size=g.n_exons - 1)]
        tx_len = sum(exon_lengths)
        if g.coding:
            utr5, utr3 = int(rng.integers(60, 110)), int(rng.integers(150, 300))
            exon_lengths[-1] += utr3
            tx_len = sum(exon_lengths)
            n_codons = (tx_len - utr5 - utr3) // 3
            utr3 = tx_len - utr5 - 3 * n_codons
            mrna = random_seq(rng, utr5) + random_cds(rng, n_codons) + random_seq(rng, utr3)
            cds = (utr5, utr5 + 3 * n_codons)
        else:
            mrna, cds = random_seq(rng, tx_len), None
        pieces, exons_tx, offset = [], [], 0
        for i, length in enumerate(exon_lengths):
            exons_tx.append((offset, offset + length))
            pieces.append(mrna[offset : offset + length])
            offset += length
            if i < len(intron_lengths):
                pieces.append("GT" + random_seq(rng, intron_lengths[i] - 4, gc=0.38) + "AG")
        premrna = "".join(pieces)
        span = len(premrna)
        genomic = premrna if g.strand == "+" else revcomp(premrna)
        genome[g.contig][g.start : g.start + span] = list(genomic)
        # exon coordinates in the genome
        exons, cursor = [], 0
        for i, length in enumerate(exon_lengths):
            if g.strand == "+":
                exons.append((g.start + cursor, g.start + cursor + length))
            else:
                end = g.start + span - cursor
                exons.append((end - length, end))
            cursor += length + (intron_lengths[i] if i < len(intron_lengths) else 0)
        exons.sort()
        biotype = "protein_coding" if g.coding else "lncRNA"
        main = Transcript(f"{g.name}-201", g.name, g.name, biotype, g.contig, g.strand, exons, cds)
        transcripts.append(main)
        if g.name == "GENA":
            # an exon-skipping isoform, non-coding, so expression has something to resolve
            skip = main.exons_5to3()[3]
            alt = [e for e in exons if e != skip]
            transcripts.append(
                Transcript("GENA-202", g.name, g.name, "retained_intron", g.contig, g.strand, alt)
            )
    return transcripts


def write_gtf(path: Path, transcripts: list[Transcript]) -> None:
    lines = []
    by_gene: dict[str, list[Transcript]] = {}
    for t in transcripts:
        by_gene.setdefault(t.gene_id, []).append(t)
    for gene_id, txs in by_gene.items():
        t0 = txs[0]
        start = min(t.exons[0][0] for t in txs) + 1
        end = max(t.exons[-1][1] for t in txs)
        gattr = f'gene_id "{gene_id}"; gene_name "{t0.gene_name}"; gene_type "{t0.biotype}";'
        lines.append(_gtf(t0.contig, "gene", start, end, t0.strand, ".", gattr))
        for t in txs:
            tattr = (
                f'{gattr} transcript_id "{t.transcript_id}"; '
                f'transcript_name "{t.transcript_id}"; transcript_type "{t.biotype}";'
            )
            lines.append(
                _gtf(
                    t.contig, "transcript", t.exons[0][0] + 1, t.exons[-1][1], t.strand, ".", tattr
                )
            )
            for n, (s, e) in enumerate(t.exons_5to3(), start=1):
                lines.append(
                    _gtf(t.contig, "exon", s + 1, e, t.strand, ".", f"{tattr} exon_number {n};")
                )
            if t.cds:
                a, b = t.cds
                done = 0
                for s, e in _in_tx_order(t, t.tx_to_genome(a, b - 3)):
                    frame = (3 - done % 3) % 3
                    lines.append(_gtf(t.contig, "CDS", s + 1, e, t.strand, str(frame), tattr))
                    done += e - s
                for feature, (x, y) in (("start_codon", (a, a + 3)), ("stop_codon", (b - 3, b))):
                    for s, e in t.tx_to_genome(x, y):
                        lines.append(_gtf(t.contig, feature, s + 1, e, t.strand, "0", tattr))
    path.write_text("".join(lines))


def _in_tx_order(t: Transcript, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return list(reversed(pieces)) if t.strand == "-" else pieces


def _gtf(contig, feature, start, end, strand, frame, attrs) -> str:
    return f"{contig}\tconcord_demo\t{feature}\t{start}\t{end}\t.\t{strand}\t{frame}\t{attrs}\n"


def capture_targets(transcripts: list[Transcript]) -> list[tuple[str, int, int]]:
    """Exons of the coding genes plus padding, merged: the demo's 'panel' capture."""
    raw = sorted(
        (t.contig, s - TARGET_PAD, e + TARGET_PAD)
        for t in transcripts
        if t.biotype == "protein_coding"
        for s, e in t.exons
    )
    merged: list[tuple[str, int, int]] = []
    for c, s, e in raw:
        if merged and merged[-1][0] == c and s <= merged[-1][2]:
            merged[-1] = (c, merged[-1][1], max(merged[-1][2], e))
        else:
            merged.append((c, s, e))
    return merged


def _unshiftable_indel(seq: str, p: int, is_del: bool, length: int, rng) -> tuple[str, str] | None:
    """REF/ALT of an indel after anchor seq[p-1] that has a single normalized position."""
    anchor = seq[p - 1]
    if is_del:
        deleted = seq[p : p + length]
        if anchor == deleted[-1] or seq[p + length] == deleted[0]:
            return None
        return anchor + deleted, anchor
    inserted = random_seq(rng, length, gc=0.5)
    if anchor == inserted[-1] or seq[p] == inserted[0]:
        return None
    return anchor, anchor + inserted


def spike_variants(
    rng: np.random.Generator, genome: dict[str, str], transcripts, targets
) -> dict[str, list[Variant]]:
    """Germline and somatic variants per patient, inside the capture, well apart."""
    gene_of = {}
    for t in transcripts:
        for s, e in t.exons:
            gene_of[(t.contig, s, e)] = t.gene_name
    weights = np.array([e - s for _, s, e in targets], dtype=float)
    taken: list[tuple[str, int]] = []
    per_patient: dict[str, list[Variant]] = {}

    def pick_site() -> tuple[str, int, str]:
        while True:
            c, s, e = targets[int(rng.choice(len(targets), p=weights / weights.sum()))]
            pos = int(rng.integers(s + 30, e - 30))  # 0-based
            if all(c != c2 or abs(pos - p2) >= 120 for c2, p2 in taken):
                gene = next(
                    (
                        g
                        for (gc, gs, ge), g in gene_of.items()
                        if gc == c and gs - 150 <= pos < ge + 150
                    ),
                    ".",
                )
                taken.append((c, pos))
                return c, pos, gene

    def make(kind: str, vtype: str, hap: str, vaf: float) -> Variant:
        while True:
            c, pos, gene = pick_site()
            seq = genome[c]
            if vtype == "SNV":
                ref = seq[pos]
                alt = str(rng.choice([b for b in "ACGT" if b != ref]))
                return Variant(c, pos + 1, ref, alt, kind, hap, vaf, gene)
            alleles = _unshiftable_indel(seq, pos, vtype == "DEL", int(rng.integers(1, 6)), rng)
            if alleles:
                return Variant(c, pos, alleles[0], alleles[1], kind, hap, vaf, gene)
            taken.pop()

    for patient in PATIENTS:
        variants = []
        germline = ["SNV"] * 6 + ["DEL", "INS"]
        for i, vtype in enumerate(germline):
            hap = "H1H2" if i in (0, 6) else ("H1" if i % 2 else "H2")
            variants.append(make("germline", vtype, hap, 1.0 if hap == "H1H2" else 0.5))
        for vaf in SOMATIC_TIERS:
            for vtype in ("SNV", "SNV", "SNV", "DEL" if vaf != 0.20 else "INS"):
                hap = "H1" if rng.random() < 0.5 else "H2"
                variants.append(make("somatic", vtype, hap, vaf))
        variants.sort(key=lambda v: (v.contig, v.pos))
        for n, v in enumerate(variants, start=1):
            v.vid = f"{patient}_{'som' if v.kind == 'somatic' else 'germ'}{n:02d}"
        per_patient[patient] = variants
    return per_patient


def fragment_sequence(genome, contig, start, length, variants) -> str:
    """Sequence of a molecule starting at 0-based `start` with `variants` applied."""
    window_end = min(len(genome[contig]), start + length + 20)
    out, cursor = [], start
    for v in sorted(variants, key=lambda v: v.pos):
        p = v.pos - 1
        if p < start or p + len(v.ref) > window_end:
            continue
        out.append(genome[contig][cursor:p])
        out.append(v.alt)
        cursor = p + len(v.ref)
    out.append(genome[contig][cursor:window_end])
    return "".join(out)[:length]


# salmon's names for the read orientations of a paired library: read 1 from either strand (IU),
# read 1 on the transcript's strand (ISF, e.g. ligation protocols), read 1 on the opposite
# strand (ISR, dUTP / TruSeq Stranded)
PROTOCOLS = ("IU", "ISF", "ISR")


class ReadWriter:
    """Paired FASTQ.gz writer with a simple, seeded Illumina-like error and quality model.

    protocol: which strand read 1 comes from (PROTOCOLS); the default draws it at random per pair.
    """

    def __init__(
        self, path1: Path, path2: Path, prefix: str, read_length: int, rng, protocol: str = "IU"
    ):
        # no file name and no time in the gzip header: the same seed gives the same bytes
        self.raw = [open(path1, "wb"), open(path2, "wb")]
        self.files = [gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) for fh in self.raw]
        self.prefix, self.read_length, self.rng, self.n = prefix, read_length, rng, 0
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol {protocol} is not one of {', '.join(PROTOCOLS)}")
        self.protocol = protocol
        pos = np.arange(read_length)
        self.error_rate = 0.001 + 0.009 * (pos / read_length) ** 3

    def _read(self, seq: str) -> tuple[str, str]:
        bases = np.array(list(seq[: self.read_length]))
        errors = self.rng.random(len(bases)) < self.error_rate[: len(bases)]
        for i in np.flatnonzero(errors):
            bases[i] = self.rng.choice([b for b in "ACGT" if b != bases[i]])
        qual = np.full(len(bases), "F")
        tail = self.rng.random(len(bases)) < 0.25 * (np.arange(len(bases)) / len(bases)) ** 2
        qual[tail] = ":"
        qual[errors & (self.rng.random(len(bases)) < 0.7)] = ","
        return "".join(bases), "".join(qual)

    def write_pair(self, fragment: str) -> None:
        """fragment: the sense strand (for RNA, the transcript's own sequence)."""
        self.n += 1
        if self.protocol == "ISF" or (self.protocol == "IU" and self.rng.random() < 0.5):
            r1, r2 = fragment, revcomp(fragment)
        else:
            r1, r2 = revcomp(fragment), fragment
        name = f"{self.prefix}:{self.n:07d}"
        for fh, mate, read in ((self.files[0], 1, r1), (self.files[1], 2, r2)):
            seq, qual = self._read(read)
            fh.write(f"@{name}/{mate}\n{seq}\n+\n{qual}\n".encode())

    def close(self) -> None:
        for fh in self.files + self.raw:
            fh.close()


def simulate_dna(rng, genome, targets, variants, role, writers) -> None:
    weights = np.array([e - s for _, s, e in targets], dtype=float)
    total = weights.sum()
    n_pairs = int(COVERAGE[role] * total / (2 * READ_LENGTH_DNA) * 1.4)
    germline = [v for v in variants if v.kind == "germline"]
    somatic = [v for v in variants if v.kind == "somatic"] if role == "tumor" else []
    choices = rng.choice(len(targets), size=n_pairs, p=weights / total)
    for i, t in enumerate(choices):
        contig, s, e = targets[int(t)]
        length = int(np.clip(rng.normal(300, 40), 180, 480))
        centre = int(rng.integers(s, e))
        start = max(
            0, min(centre - int(rng.integers(0, length)), len(genome[contig]) - length - 25)
        )
        hap = "H1" if rng.random() < 0.5 else "H2"
        clone = rng.random()  # nested subclones: a tier-v variant is in cells with clone < 2v
        carried = [v for v in germline if hap in v.hap and v.contig == contig]
        carried += [v for v in somatic if v.hap == hap and v.contig == contig and clone < 2 * v.vaf]
        frag = fragment_sequence(genome, contig, start, length, carried)
        writers[i * len(writers) // n_pairs].write_pair(frag)


def simulate_rna(
    rng, genome, transcripts, tpm: dict[str, float], writer, n_pairs: int = RNA_PAIRS
) -> dict[str, int]:
    """n_pairs fragments (200 +- 25 bp) drawn by TPM x effective length; pairs per transcript."""
    seqs = {t.transcript_id: t.sequence(genome) for t in transcripts}
    ids = sorted(tpm)
    eff = np.array([max(1, len(seqs[i]) - 200 + 1) for i in ids], dtype=float)
    p = np.array([tpm[i] for i in ids]) * eff
    counts = rng.multinomial(n_pairs, p / p.sum())
    order = []
    for tid, n in zip(ids, counts, strict=True):
        order.extend([tid] * int(n))
    rng.shuffle(order)
    for tid in order:
        seq = seqs[tid]
        length = int(np.clip(rng.normal(200, 25), 130, min(300, len(seq))))
        start = int(rng.integers(0, len(seq) - length + 1))
        writer.write_pair(seq[start : start + length])
    return dict(zip(ids, (int(c) for c in counts), strict=True))


def write_truth_vcf(path: Path, patient: str, variants: list[Variant], kind: str, contigs) -> None:
    header = [
        "##fileformat=VCFv4.2",
        f"##source=concord demo generator (seed {SEED}), patient {patient}, {kind} truth",
        *(f"##contig=<ID={c},length={n}>" for c, n in contigs),
        '##INFO=<ID=VAF,Number=1,Type=Float,Description="Designed allele fraction in the tumour">',
        '##INFO=<ID=HAP,Number=1,Type=String,Description="Haplotype carrying the variant">',
        '##INFO=<ID=VARTYPE,Number=1,Type=String,Description="SNV, DEL or INS">',
        '##INFO=<ID=GENE,Number=1,Type=String,Description="Demo gene nearest the variant">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{patient}",
    ]
    rows = []
    for v in variants:
        if v.kind != kind:
            continue
        gt = {"H1": "1|0", "H2": "0|1", "H1H2": "1|1"}[v.hap]
        info = f"VAF={v.vaf:.2f};HAP={v.hap};VARTYPE={v.vartype};GENE={v.gene}"
        rows.append(f"{v.contig}\t{v.pos}\t{v.vid}\t{v.ref}\t{v.alt}\t.\tPASS\t{info}\tGT\t{gt}")
    path.write_text("\n".join(header + rows) + "\n")


CLINVAR_CLASSES = (
    ("Pathogenic", "criteria_provided,_single_submitter"),
    ("Likely_pathogenic", "criteria_provided,_multiple_submitters,_no_conflicts"),
    ("Uncertain_significance", "criteria_provided,_single_submitter"),
    ("Benign", "reviewed_by_expert_panel"),
    ("Likely_benign", "no_assertion_criteria_provided"),
)


def write_clinvar(path: Path, variants: dict[str, list[Variant]], contigs) -> None:
    """A synthetic ClinVar-style VCF: every spiked variant of the coding genes gets a class
    (cycling through CLINVAR_CLASSES, not drawn from the generator), so the demo's BRCA-style
    report has classes to show. These classes mean nothing."""
    rows = sorted(
        (v for vs in variants.values() for v in vs if v.gene in ("GENA", "GENB", "GENC")),
        key=lambda v: (v.contig, v.pos),
    )
    lines = [
        "##fileformat=VCFv4.1",
        "##fileDate=20261123",
        "##source=concord demo generator: synthetic ClinVar-style classes, not real ClinVar",
        *(f"##contig=<ID={c},length={n}>" for c, n in contigs),
        '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">',
        '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    for n, v in enumerate(rows):
        sig, status = CLINVAR_CLASSES[n % len(CLINVAR_CLASSES)]
        lines.append(
            f"{v.contig}\t{v.pos}\t{900001 + n}\t{v.ref}\t{v.alt}\t.\t.\t"
            f"CLNSIG={sig};CLNREVSTAT={status}"
        )
    path.write_text("\n".join(lines) + "\n")


def write_fasta(path: Path, genome: dict[str, str]) -> None:
    with open(path, "w") as fh:
        for name, seq in genome.items():
            fh.write(f">{name}\n")
            fh.writelines(seq[i : i + 60] + "\n" for i in range(0, len(seq), 60))


def generate(outdir: Path, seed: int = SEED) -> None:
    """Write the whole demo dataset under `outdir` (reference/, annotation/, reads/, truth/)."""
    rng = np.random.default_rng(seed)
    for sub in ("reference", "annotation", "reads", "truth"):
        (outdir / sub).mkdir(parents=True, exist_ok=True)
    mutable = {name: list(random_seq(rng, n)) for name, n in CONTIGS}
    transcripts = design_genes(rng, mutable)
    genome = {name: "".join(seq) for name, seq in mutable.items()}
    write_fasta(outdir / "reference" / "demo.fa", genome)
    write_gtf(outdir / "annotation" / "demo.gtf", transcripts)
    targets = capture_targets(transcripts)
    (outdir / "annotation" / "capture.bed").write_text(
        "".join(f"{c}\t{s}\t{e}\n" for c, s, e in targets)
    )
    variants = spike_variants(rng, genome, transcripts, targets)
    expression_rows = ["sample\ttranscript_id\tgene_id\ttrue_tpm\tsimulated_pairs"]
    for patient in PATIENTS:
        for kind in ("somatic", "germline"):
            write_truth_vcf(
                outdir / "truth" / f"{patient}.{kind}.vcf",
                patient,
                variants[patient],
                kind,
                CONTIGS,
            )
        reads = outdir / "reads"
        tumour_lanes = [
            ReadWriter(
                reads / f"{patient}-tumor_{lane}_R1.fastq.gz",
                reads / f"{patient}-tumor_{lane}_R2.fastq.gz",
                f"{patient}-tumor:{lane}",
                READ_LENGTH_DNA,
                rng,
            )
            for lane in ("L001", "L002")
        ]
        simulate_dna(rng, genome, targets, variants[patient], "tumor", tumour_lanes)
        normal = ReadWriter(
            reads / f"{patient}-normal_L001_R1.fastq.gz",
            reads / f"{patient}-normal_L001_R2.fastq.gz",
            f"{patient}-normal:L001",
            READ_LENGTH_DNA,
            rng,
        )
        simulate_dna(rng, genome, targets, variants[patient], "normal", [normal])
        for w in tumour_lanes + [normal]:
            w.close()
        tpm = {t.transcript_id: float(np.exp(rng.normal(np.log(50), 1.0))) for t in transcripts}
        scale = 1e6 / sum(tpm.values())
        tpm = {k: v * scale for k, v in tpm.items()}
        sample = f"{patient}-rna"
        rna = ReadWriter(
            reads / f"{sample}_L001_R1.fastq.gz",
            reads / f"{sample}_L001_R2.fastq.gz",
            f"{sample}:L001",
            READ_LENGTH_RNA,
            rng,
        )
        pairs = simulate_rna(rng, genome, transcripts, tpm, rna)
        rna.close()
        gene_of = {t.transcript_id: t.gene_id for t in transcripts}
        for tid in sorted(tpm):
            expression_rows.append(f"{sample}\t{tid}\t{gene_of[tid]}\t{tpm[tid]:.3f}\t{pairs[tid]}")
    (outdir / "truth" / "expression.transcripts.tsv").write_text("\n".join(expression_rows) + "\n")
    write_clinvar(outdir / "annotation" / "clinvar.vcf", variants, CONTIGS)


# --- a stranded RNA library with a sense/antisense gene pair ------------------------------------
# Not part of the bundled demo: tests/workflow/test_expression_stranded.py and
# bench/expression_strandedness.py make it on the fly from the demo genome (docs/expression.md).

ANTISENSE_GTF = "demo_antisense.gtf"


def antisense_transcript() -> Transcript:
    """ASGA-201: minus strand, 900 nt; its 3' exon covers the last 312 nt of GENA's last exon
    on the other strand (two genes ending tail to tail)."""
    exons = [(33_600, 34_200), (35_000, 35_300)]
    return Transcript("ASGA-201", "ASGA", "ASGA", "lncRNA", "chrD1", "-", exons)


def read_gtf_transcripts(path: Path) -> list[Transcript]:
    """Transcript models (exons only) of a GTF written by write_gtf."""
    exons: dict[str, list[tuple[int, int]]] = {}
    models: dict[str, tuple] = {}
    for line in Path(path).read_text().splitlines():
        f = line.split("\t")
        if f[2] != "exon":
            continue
        a = dict(part.strip().split(" ", 1) for part in f[8].split(";") if part.strip())
        a = {k: v.strip('"') for k, v in a.items()}
        tid = a["transcript_id"]
        exons.setdefault(tid, []).append((int(f[3]) - 1, int(f[4])))
        models[tid] = (a["gene_id"], a["gene_name"], a["transcript_type"], f[0], f[6])
    return [Transcript(t, *models[t][:4], models[t][4], sorted(exons[t])) for t in models]


def stranded_rna_library(
    demo: Path, outdir: Path, protocol: str, n_pairs: int, tpm: dict[str, float], seed: int
) -> dict[str, int]:
    """The demo's GTF with ASGA-201 added (outdir/ANTISENSE_GTF) and n_pairs read pairs
    (outdir/rna_R{1,2}.fastq.gz, 2x75, protocol as in ReadWriter) drawn from `tpm`, which names
    every transcript to simulate. Returns the simulated pairs per transcript."""
    outdir.mkdir(parents=True, exist_ok=True)
    antisense = antisense_transcript()
    transcripts = read_gtf_transcripts(demo / "annotation" / "demo.gtf") + [antisense]
    write_gtf(outdir / ANTISENSE_GTF, [antisense])
    gtf = (demo / "annotation" / "demo.gtf").read_text() + (outdir / ANTISENSE_GTF).read_text()
    (outdir / ANTISENSE_GTF).write_text(gtf)
    genome = {}
    name = None
    for line in (demo / "reference" / "demo.fa").read_text().splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            genome[name] = []
        else:
            genome[name].append(line)
    genome = {k: "".join(v) for k, v in genome.items()}
    rng = np.random.default_rng(seed)
    writer = ReadWriter(
        outdir / "rna_R1.fastq.gz", outdir / "rna_R2.fastq.gz", "stranded", READ_LENGTH_RNA, rng,
        protocol,
    )  # fmt: skip
    pairs = simulate_rna(rng, genome, transcripts, tpm, writer, n_pairs)
    writer.close()
    return pairs
