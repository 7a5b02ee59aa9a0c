"""Write a concord somatic (TUMOR, NORMAL) or germline (NORMAL) VCF from fragment evidence, then
check it against the spec (concord.vcfspec) in the same job: a file that does not conform fails
the job (and is removed with it); one that does gets its validation report."""

import sys

from concord.standardize import write_standard_vcf
from concord.vcfspec import check_vcf


def main(
    kind: str,
    evidence: str,
    digests: str,
    versions: str,
    provenance: dict,
    options: str,
    out: str,
    reference: str,
    report: str,
) -> int:
    write_standard_vcf(kind, evidence, digests, versions, provenance, options, out)
    errors, text = check_vcf(out, kind, reference, report)
    if errors:
        print(text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    sys.exit(
        main(
            s.params.kind,
            s.input.evidence,
            s.input.digests,
            s.input.versions,
            dict(s.params.provenance),
            s.params.caller_options,
            s.output.vcf,
            s.input.ref,
            s.output.validation,
        )
    )
