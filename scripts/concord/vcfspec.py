"""The concord somatic and germline VCF spec (docs/somatic-vcf-spec.md): writer and validator.

Both sides read the same constants, so what is written and what is checked cannot drift apart.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from concord.somatic import GERMLINE_FILTERS, SOMATIC_FILTERS

SPEC_VERSION = "2"
FORMAT_KEYS = ("GT", "DP", "AD", "AF")
FORMAT_HEADER = {
    "GT": (
        "1",
        "String",
        "Carries the ALT: 0/1 when the sample has ALT fragments, else 0/0 "
        "(not a genotype call in somatic VCFs)",
    ),
    "DP": (
        "1",
        "Integer",
        "Fragments with an allele at the site: REF, this ALT or another allele (overlapping "
        "mates count once)",
    ),
    "AD": ("R", "Integer", "Fragments supporting REF and this ALT"),
    "AF": ("A", "Float", "ALT allele fraction, AD[ALT] / DP, 3 decimals"),
}
GERMLINE_FORMAT_HEADER = dict(
    FORMAT_HEADER,
    GT=(
        "1",
        "String",
        "Diploid genotype of the normal from its REF/ALT fragment counts (binomial, 1% error)",
    ),
    GQ=("1", "Integer", "Genotype quality: phred(best / second best genotype likelihood), max 99"),
)
GERMLINE_FORMAT_KEYS = ("GT", "GQ", "DP", "AD", "AF")
INFO_HEADER = {
    "SOMATIC": ("0", "Flag", "Somatic call (FILTER PASS)"),
    "VARTYPE": ("1", "String", "SNV, MNV, INS, DEL or DELINS"),
    "MQM": ("1", "Float", "Mean mapping quality of ALT fragments, both samples, 1 decimal"),
    "SAF": ("1", "Integer", "ALT fragments on the forward strand, both samples"),
    "SAR": ("1", "Integer", "ALT fragments on the reverse strand, both samples"),
    "TLOD": (
        "1",
        "Float",
        "Tumour log10 odds: the ALT at its fraction in the tumour vs absent, 2 decimals",
    ),
    "NLOD": (
        "1",
        "Float",
        "Normal log10 odds: the normal lacks the ALT (up to tumor_in_normal) vs heterozygous, "
        "2 decimals",
    ),
    "NALOD": (
        "1",
        "Float",
        "Normal ALT log10 odds: the normal carries the ALT at its own fraction vs tumor_in_normal, "
        "2 decimals",
    ),
}
GERMLINE_INFO_HEADER = {k: INFO_HEADER[k] for k in ("VARTYPE", "MQM", "SAF", "SAR")}
KINDS = {
    "somatic": {
        "samples": ("TUMOR", "NORMAL"),
        "filters": SOMATIC_FILTERS,
        "info": INFO_HEADER,
        "format": FORMAT_HEADER,
        "format_keys": FORMAT_KEYS,
    },
    "germline": {
        "samples": ("NORMAL",),
        "filters": GERMLINE_FILTERS,
        "info": GERMLINE_INFO_HEADER,
        "format": GERMLINE_FORMAT_HEADER,
        "format_keys": GERMLINE_FORMAT_KEYS,
    },
}
REQUIRED_META = ("concordSpec", "concordVersion", "concordCentre", "reference", "concordModel")


@dataclass
class Provenance:
    """What the header says about where the calls came from; no paths and no dates."""

    concord_version: str
    centre: str
    assembly: str
    contigs: list[tuple[str, int, str]]  # name, length, md5
    tools: dict[str, str]  # name -> version, as reported by the tool at run time
    commands: dict[str, str] = field(default_factory=dict)  # tool -> harmonized options
    model: str = ""  # thresholds of the classification model
    samples: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # column -> id, patient, role


def header_lines(kind: str, prov: Provenance) -> list[str]:
    spec = KINDS[kind]
    lines = [
        "##fileformat=VCFv4.2",
        f"##concordSpec={kind}-v{SPEC_VERSION}",
        f"##concordVersion={prov.concord_version}",
        f"##concordCentre={prov.centre}",
        f"##reference={prov.assembly}",
    ]
    lines += [
        f"##contig=<ID={name},length={length},assembly={prov.assembly},md5={md5}>"
        for name, length, md5 in prov.contigs
    ]
    for fid, desc in spec["filters"].items():
        lines.append(f'##FILTER=<ID={fid},Description="{desc}">')
    for iid, (number, typ, desc) in spec["info"].items():
        lines.append(f'##INFO=<ID={iid},Number={number},Type={typ},Description="{desc}">')
    for key in spec["format_keys"]:
        number, typ, desc = spec["format"][key]
        lines.append(f'##FORMAT=<ID={key},Number={number},Type={typ},Description="{desc}">')
    for tool in sorted(prov.tools):
        options = prov.commands.get(tool, "")
        lines.append(f'##concordTool=<ID={tool},Version="{prov.tools[tool]}",Options="{options}">')
    lines.append(f'##concordModel=<ID={kind},Version={SPEC_VERSION},Thresholds="{prov.model}">')
    for column in spec["samples"]:
        sample, patient, role = prov.samples[column]
        lines.append(f"##SAMPLE=<ID={column},SampleName={sample},Individual={patient},Role={role}>")
    lines.append(
        "#"
        + "\t".join(
            [
                "CHROM",
                "POS",
                "ID",
                "REF",
                "ALT",
                "QUAL",
                "FILTER",
                "INFO",
                "FORMAT",
                *spec["samples"],
            ]
        )
    )
    return lines


def format_af(alt: int, depth: int) -> str:
    return f"{alt / depth:.3f}" if depth else "0.000"


def format_lod(value: float) -> str:
    """A log-odds with 2 decimals; never "-0.00"."""
    rounded = round(value, 2)
    return f"{rounded if rounded != 0 else 0.0:.2f}"


def write_bgzipped_vcf(lines: list[str], path: str | Path) -> None:
    """bgzip the text and index it with tabix (both deterministic for the same text)."""
    path = str(path)
    plain = path[: -len(".gz")]
    Path(plain).write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(plain, path, force=True)
    Path(plain).unlink()
    pysam.tabix_index(path, preset="vcf", force=True)


# --- normalization (the vt / bcftools norm definition) ------------------------------------


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop shared trailing bases, then shared leading bases while both alleles keep one base."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def is_normalized(pos: int, ref: str, alt: str) -> str | None:
    """None when REF/ALT is trimmed and left-aligned; else what is wrong."""
    if len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        return "REF and ALT share their last base (not trimmed)"
    if len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        return "REF and ALT share more than one leading base (not trimmed)"
    if len(ref) != len(alt) and min(len(ref), len(alt)) == 1 and ref[0] == alt[0]:
        # pure indel after an anchor base: it may not shift left
        indel = ref[1:] if len(ref) > 1 else alt[1:]
        if pos > 1 and indel[-1] == ref[0]:
            return "indel can be shifted left (not left-aligned)"
    return None


# --- validation ----------------------------------------------------------------------------


def check_vcf(
    path: str | Path, kind: str, reference: str, report: str | Path | None = None
) -> tuple[list[str], str]:
    """Validate a VCF (validate_vcf) and say what it found: every problem, one a line, or that
    the file conforms, which is then also written to `report` if one is given."""
    errors = validate_vcf(path, kind, reference)
    if errors:
        return errors, "\n".join(errors)
    text = f"{path}: conforms to the concord {kind} VCF spec v{SPEC_VERSION}"
    if report:
        Path(report).write_text(text + "\n")
    return errors, text


_HEADER_FIELD = re.compile(r"^##(INFO|FORMAT|FILTER)=<ID=([^,>]+)(?:,Number=([^,]+),Type=([^,]+))?")


def validate_vcf(
    path: str | Path, kind: str, reference: str | Path, max_errors: int = 20
) -> list[str]:
    """Every way the file departs from the spec, as 'FILE: line N: problem' (empty = conforms)."""
    path = str(path)
    spec = KINDS[kind]
    errors: list[str] = []

    def err(line: int | None, message: str) -> None:
        where = f"{path}: line {line}: " if line else f"{path}: "
        errors.append(where + message)

    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic[:2] != b"\x1f\x8b" or magic[3:4] != b"\x04":
        return [f"{path}: not bgzip-compressed"]
    if not Path(path + ".tbi").is_file():
        err(None, "no tabix index (.tbi) beside the file")
    fasta = pysam.FastaFile(str(reference))
    meta: dict[str, list[str]] = {}
    declared: dict[str, dict[str, tuple]] = {"INFO": {}, "FORMAT": {}, "FILTER": {}}
    contig_order: list[str] = []
    contig_rank: dict[str, int] = {}  # a contig's first place in contig_order
    previous: tuple | None = None
    seen: set[tuple] = set()
    with gzip.open(path, "rt") as fh:
        for n, line in enumerate(fh, start=1):
            line = line.rstrip("\n")
            if len(errors) >= max_errors:
                break
            if n == 1 and line != "##fileformat=VCFv4.2":
                err(n, "first line must be ##fileformat=VCFv4.2")
            if line.startswith("##"):
                key = line[2:].split("=", 1)[0]
                meta.setdefault(key, []).append(line)
                if key in ("fileDate", "commandline") or re.search(r"[=\" ]/[A-Za-z]", line):
                    err(n, f"header must carry no dates and no absolute paths: {line[:80]}")
                m = _HEADER_FIELD.match(line)
                if m:
                    declared[m.group(1)][m.group(2)] = (m.group(3), m.group(4))
                if key == "contig":
                    cid = re.search(r"ID=([^,>]+)", line).group(1)
                    contig_order.append(cid)
                    contig_rank.setdefault(cid, len(contig_order) - 1)
                    if "md5=" not in line:
                        err(n, f"##contig {cid} has no md5")
                continue
            if line.startswith("#CHROM"):
                columns = line[1:].split("\t")
                if tuple(columns[9:]) != spec["samples"]:
                    err(
                        n,
                        f"sample columns must be {', '.join(spec['samples'])}, "
                        f"found {', '.join(columns[9:])}",
                    )
                errors.extend(_check_header(path, meta, declared, spec))
                continue
            errors.extend(_check_record(path, n, line, spec, fasta, contig_rank, previous, seen))
            fields = line.split("\t")
            if fields[0] in contig_rank:
                previous = (contig_rank[fields[0]], int(fields[1]))
            seen.add(tuple(fields[:2] + fields[3:5]))
    return errors[:max_errors]


def _check_header(path, meta, declared, spec) -> list[str]:
    errors = []
    for key in REQUIRED_META:
        if key not in meta:
            errors.append(f"{path}: header has no ##{key} line")
    samples = " ".join(meta.get("SAMPLE", []))
    for column in spec["samples"]:
        if f"ID={column}," not in samples:
            errors.append(f"{path}: header has no ##SAMPLE line for column {column}")
    if set(declared["FILTER"]) != set(spec["filters"]):
        errors.append(
            f"{path}: ##FILTER IDs must be exactly {', '.join(spec['filters'])}; "
            f"found {', '.join(declared['FILTER'])}"
        )
    for section, expected in (("INFO", spec["info"]), ("FORMAT", spec["format"])):
        wanted = {k: v[:2] for k, v in expected.items()}
        if section == "FORMAT":
            wanted = {k: wanted[k] for k in spec["format_keys"]}
        if declared[section] != wanted:
            errors.append(
                f"{path}: ##{section} lines must declare exactly {wanted}, "
                f"found {declared[section]}"
            )
    if "concordTool" not in meta:
        errors.append(f"{path}: header names no tool (##concordTool)")
    return errors


_BASES = re.compile(r"[ACGTN]+")


def _check_record(path, n, line, spec, fasta, contig_rank, previous, seen) -> list[str]:
    errors = []

    def err(message):
        errors.append(f"{path}: line {n}: {message}")

    fields = line.split("\t")
    if len(fields) != 9 + len(spec["samples"]):
        err(f"{len(fields)} columns, expected {9 + len(spec['samples'])}")
        return errors
    chrom, pos, _, ref, alt, _, filt, info, fmt = fields[:9]
    if chrom not in contig_rank:
        err(f"contig {chrom} has no ##contig line")
        return errors
    pos_i = int(pos)
    if previous and (contig_rank[chrom], pos_i) < previous:
        err(f"{chrom}:{pos} is out of order (sort by ##contig order, then position)")
    if (chrom, pos, ref, alt) in seen:
        err(f"{chrom}:{pos} {ref}>{alt} appears twice")
    if "," in alt:
        err(f"multiallelic ALT {alt} (split to one ALT per record)")
    if not _BASES.fullmatch(ref) or not _BASES.fullmatch(alt):
        err(f"REF/ALT must be uppercase bases: {ref}>{alt}")
        return errors
    genome = fasta.fetch(chrom, pos_i - 1, pos_i - 1 + len(ref)).upper()
    if genome != ref:
        err(f"REF {ref} does not match the reference ({genome}) at {chrom}:{pos}")
    problem = is_normalized(pos_i, ref, alt)
    if problem:
        err(f"{chrom}:{pos} {ref}>{alt}: {problem}")
    for reason in filt.split(";"):
        if reason not in spec["filters"]:
            err(f"FILTER {reason!r} is not in the vocabulary ({', '.join(spec['filters'])})")
    if "PASS" in filt.split(";") and filt != "PASS":
        err("PASS cannot be combined with other filters")
    for item in info.split(";"):
        if item.split("=", 1)[0] not in spec["info"] and item != ".":
            err(f"INFO key {item.split('=', 1)[0]!r} is not in the spec")
    if fmt != ":".join(spec["format_keys"]):
        err(f"FORMAT must be {':'.join(spec['format_keys'])}, found {fmt}")
    return errors
