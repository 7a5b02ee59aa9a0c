"""Input functions' logic: which files a rule needs, from the validated sheets.

The rules call these through one-line wrappers in rules/common.smk, so they are testable
without a running workflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from concord.samplesheet import Sheets

ALIGN = "results/align/{sample}/{sample}.bam"


def alternation(values: Iterable[str]) -> str:
    """A wildcard constraint that matches exactly the given ids."""
    return "|".join(re.escape(v) for v in sorted(set(values), key=lambda v: (-len(v), v)))


def dna_samples(sheets: Sheets) -> list[str]:
    s = sheets.samples
    return list(s.loc[s["assay"] == "dna", "sample_id"])


def dna_sample_outputs(sheets: Sheets) -> list[str]:
    out = []
    for sample in dna_samples(sheets):
        out += [
            ALIGN.format(sample=sample),
            ALIGN.format(sample=sample) + ".bai",
            f"results/qc/samtools/{sample}/{sample}.stats.txt",
            f"results/qc/samtools/{sample}/{sample}.flagstat.txt",
            f"results/qc/mosdepth/{sample}/{sample}.mosdepth.summary.txt",
        ]
    return out


def fastp_reports(sheets: Sheets) -> list[str]:
    return [f"results/qc/fastp/{sample}/{unit}.fastp.json" for sample, unit in sheets.units.index]


def unit_fastqs(sheets: Sheets, sample: str, unit: str) -> dict[str, str]:
    row = sheets.units.loc[(sample, unit)]
    return {"r1": row["fastq_1"], "r2": row["fastq_2"]}


def read_group(sheets: Sheets, sample: str, unit: str, centre: str) -> str:
    """The @RG line for bwa (tabs written as \\t, as bwa -R expects)."""
    row = sheets.units.loc[(sample, unit)]
    library = row.get("library_id") or sample
    platform_unit = ".".join(x for x in (row.get("flowcell"), row.get("lane")) if x) or unit
    fields = [
        f"ID:{sample}.{unit}",
        f"SM:{sample}",
        f"LB:{library}",
        f"PU:{platform_unit}",
        f"PL:{row['platform']}",
        f"CN:{centre}",
    ]
    return "@RG\\t" + "\\t".join(fields)


def sample_unit_bams(sheets: Sheets, sample: str) -> list[str]:
    units = sheets.units.loc[sheets.units["sample_id"] == sample, "unit_id"]
    return [f"results/align/{sample}/units/{unit}.bam" for unit in units]
