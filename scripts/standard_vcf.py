"""Write a concord somatic (TUMOR, NORMAL) or germline (NORMAL) VCF from fragment evidence."""

from concord.standardize import write_standard_vcf


def main(
    kind: str, evidence: str, digests: str, versions: str, provenance: dict, options: str, out: str
) -> None:
    write_standard_vcf(kind, evidence, digests, versions, provenance, options, out)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        s.params.kind,
        s.input.evidence,
        s.input.digests,
        s.input.versions,
        dict(s.params.provenance),
        s.params.caller_options,
        s.output.vcf,
    )
