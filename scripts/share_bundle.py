"""Write the share bundle (results/share/), the local pseudonym table and the local summary."""

from pathlib import Path

from concord.bundle import build_bundle


def main(plan: dict, inputs: dict, bundle: str, pseudonyms: str, summary: str, log: str) -> None:
    with open(log, "w") as fh:
        build_bundle(plan, inputs, bundle, pseudonyms, summary, fh)


def bundle_root(outputs: dict) -> str:
    """The bundle's directory, from its SHA256SUMS (paths.SHARE_OUTPUTS)."""
    return str(Path(outputs["checksums"]).parent)


if __name__ == "__main__":
    main(
        dict(snakemake.params.plan),  # noqa: F821
        {key: snakemake.input[key] for key in snakemake.input.keys()},  # noqa: F821
        bundle_root(snakemake.output),  # noqa: F821
        snakemake.output.pseudonyms,  # noqa: F821
        snakemake.output.summary,  # noqa: F821
        snakemake.log[0],  # noqa: F821
    )
