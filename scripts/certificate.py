"""Write the conformance certificate: the run's results scored against the kit's truth."""

from pathlib import Path

from concord import __version__
from concord.conformance import somatic_certificate, write_json


def main(kit: str, reference: str, somatic_vcfs: list[str], patients: list[str], out: str) -> None:
    kit_path = Path(kit)
    calls = dict(zip(patients, somatic_vcfs, strict=True))
    write_json(
        {
            "kit": kit_path.name,
            "concord_version": __version__,
            "somatic": somatic_certificate(kit_path, reference, calls),
        },
        Path(out),
    )


if __name__ == "__main__":
    main(
        snakemake.params.kit,  # noqa: F821
        snakemake.input.ref,  # noqa: F821
        list(snakemake.input.somatic),  # noqa: F821
        list(snakemake.params.patients),  # noqa: F821
        snakemake.output[0],  # noqa: F821
    )
