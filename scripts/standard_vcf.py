"""Write a concord somatic (TUMOR, NORMAL) or germline (NORMAL) VCF from fragment evidence, then
check it against the spec (concord.vcfspec) in the same job: a file that does not conform fails
the job (and is removed with it); one that does gets its validation report."""

import sys
from pathlib import Path

from concord.standardize import write_standard_vcf
from concord.vcfspec import validate_vcf, validation_text


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
    errors = validate_vcf(out, kind, reference)
    text = validation_text(out, kind, errors)
    if errors:
        print(text, file=sys.stderr)
        return 1
    Path(report).write_text(text + "\n")
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
