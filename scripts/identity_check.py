"""Genotype concordance of a tumour with its normal (see concord.identity)."""

from concord.identity import IdentityRule, pair_identity
from concord.jsonio import write_json
from concord.versions import versions_of

# what the genotypes compared here were made with
SOFTWARE = ("freebayes", "bcftools", "pysam")


def main(joint_vcf: str, tumor: str, normal: str, rule: dict, versions: str, output: str) -> None:
    identity_rule = IdentityRule(**rule)
    result = pair_identity(joint_vcf, tumor, normal, identity_rule)
    concordance = result.concordance
    record = {
        "tumor": tumor,
        "normal": normal,
        "sites": result.sites,
        "concordant": result.concordant,
        "concordance": None if concordance is None else round(concordance, 4),
        "verdict": result.verdict(identity_rule),
        "rule": rule,
        "software": versions_of(versions, SOFTWARE),
    }
    write_json(record, output)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        s.input.vcf, s.wildcards.tumor, s.wildcards.normal, dict(s.params.rule), s.input.versions,
        s.output[0],
    )  # fmt: skip
