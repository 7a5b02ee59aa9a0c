"""ClinVar classes from a local ClinVar VCF, matched on normalized contig, position and alleles."""

from __future__ import annotations

from dataclasses import dataclass

import pysam

from concord.errors import InputError
from concord.vcfspec import trim_alleles


@dataclass(frozen=True)
class ClinVarEntry:
    variation_id: str
    significance: str
    review_status: str


class ClinVar:
    """The entries of a ClinVar VCF inside the given regions; `release` is its ##fileDate."""

    def __init__(
        self, path: str, reference_contigs: list[str], regions: list[tuple[str, int, int]]
    ):
        self.path = path
        pysam.set_verbosity(0)
        with pysam.VariantFile(path) as vcf:
            contigs = list(vcf.header.contigs) or self._contigs_by_scan(vcf)
            self.release = next(
                (r.value for r in vcf.header.records if r.key == "fileDate"), "unknown"
            )
        shared = set(contigs) & set(reference_contigs)
        if not shared:
            raise InputError(
                f"{path}: none of its contigs ({', '.join(sorted(contigs)[:3])}, ...) is a "
                f"reference contig ({', '.join(reference_contigs[:3])}, ...); "
                "the ClinVar VCF must use the reference's contig names"
            )
        self.entries: dict[tuple[str, int, str, str], ClinVarEntry] = {}
        with pysam.VariantFile(path) as vcf:
            indexed = vcf.index is not None if hasattr(vcf, "index") else False
            records = (
                (rec for c, s, e in regions if c in shared for rec in vcf.fetch(c, s, e))
                if indexed
                else vcf
            )
            for rec in records:
                for alt in rec.alts or ():
                    key = (rec.chrom, *trim_alleles(rec.pos, rec.ref.upper(), alt.upper()))
                    self.entries[key] = ClinVarEntry(
                        variation_id=str(rec.id or ""),
                        significance=_joined(rec.info.get("CLNSIG")),
                        review_status=_joined(rec.info.get("CLNREVSTAT")).replace("_", " "),
                    )

    @staticmethod
    def _contigs_by_scan(vcf) -> list[str]:
        return sorted({rec.chrom for rec in vcf})

    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> ClinVarEntry | None:
        return self.entries.get((chrom, *trim_alleles(pos, ref, alt)))


def _joined(value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)
