"""Build the VCF Provenance from the run's recorded digests and tool versions."""

from __future__ import annotations

from concord import __version__
from concord.evidence import EvidenceSettings
from concord.vcfspec import Provenance
from concord.versions import read_versions


def read_digests(path: str) -> list[tuple[str, int, str]]:
    with open(path) as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh][1:]
    return [(name, int(length), md5) for name, length, md5 in rows]


def vcf_provenance(
    params: dict, digests: str, versions: str, caller_options: str, model: str
) -> Provenance:
    tools = read_versions(versions)
    return Provenance(
        concord_version=__version__,
        centre=params["centre"],
        assembly=params["assembly"],
        contigs=read_digests(digests),
        tools={name: tools[name] for name in ("freebayes", "bcftools", "pysam")},
        commands={
            "freebayes": caller_options,
            "bcftools": "concat | norm -m -any",
            "pysam": f"fragment evidence: {EvidenceSettings().as_header()}",
        },
        model=model,
        samples={k: tuple(v) for k, v in params["samples"].items()},
    )
