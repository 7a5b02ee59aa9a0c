"""A pair's joint call read once for two things: the fragment evidence of every candidate
(concord.evidence) and the tumour/normal identity check (concord.identity)."""

from collections import Counter

from concord.candidates import pair_evidence
from concord.evidence import EvidenceSettings, write_evidence_table
from concord.identity import write_identity


def main(joint: str, tumor_bam: str, normal_bam: str, reference: str, out: str, log: str) -> None:
    records = pair_evidence(joint, tumor_bam, normal_bam, reference, EvidenceSettings())
    write_evidence_table(records, out)
    kinds = Counter(r.candidate.kind for r in records)
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    with open(log, "w") as fh:
        fh.write(f"candidate alleles: {len(records)} ({by_kind})\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(s.input.joint, s.input.tumor, s.input.normal, s.input.ref, s.output.evidence, s.log[0])
    write_identity(
        s.input.joint, s.wildcards.tumor, s.wildcards.normal, dict(s.params.identity),
        s.input.versions, s.output.identity,
    )  # fmt: skip
