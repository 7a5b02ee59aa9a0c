"""The run's software_versions.tsv: every tool and package as it reported itself in its env,
beside its pin in envs/*.yaml and whether the two agree (concord.versions.check_versions)."""

from concord import paths
from concord.versions import check_versions, reported_versions, write_versions


def main(texts: dict[str, str], pins: dict, snakemake_version: str, out: str, log: str) -> None:
    rows, unreadable = reported_versions(texts, snakemake_version)
    write_versions(check_versions(rows, pins), out)
    with open(log, "w") as fh:
        fh.writelines(f"{line}\n" for line in unreadable)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    texts = {}
    for env in s.params.environments:
        with open(
            paths.job_file(s.input, paths.TOOL_VERSION.format(env=env)), errors="replace"
        ) as fh:
            texts[env] = fh.read()
    main(texts, dict(s.params.pins), s.params.snakemake_version, s.output[0], s.log[0])
