"""Write the conformance certificate: the run's results scored against the kit's truth."""

from pathlib import Path

from concord import __version__
from concord.conformance import (
    certificate_verdict,
    expression_certificate,
    somatic_certificate,
    write_json,
)  # fmt: skip


def main(kit, reference, somatic_vcfs, patients, expression, out) -> None:
    kit_path = Path(kit)
    certificate = {"kit": kit_path.name, "concord_version": __version__}
    if somatic_vcfs:
        calls = dict(zip(patients, somatic_vcfs, strict=True))
        certificate["somatic"] = somatic_certificate(kit_path, reference, calls)
    if expression and (kit_path / "truth" / "expression.genes.tsv").is_file():
        section = expression_certificate(kit_path, *expression)
        if section:
            certificate["expression"] = section
    certificate["verdict"] = certificate_verdict(certificate)
    write_json(certificate, Path(out))


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        s.params.kit,
        s.input.ref,
        list(s.input.somatic),
        list(s.params.patients),
        list(s.input.expression),
        s.output[0],
    )
