"""This run's part of the MultiQC config: the title, and the units of the sample sheet.

fastp reports are named `{sample}.{unit}`; `table_sample_merge` rolls them up under their
sample in General Statistics, one labelled row per unit. Written as JSON, which is YAML, so the
job needs no YAML library.
"""

import re

from concord.jsonio import write_json


def main(centre: str, units: list[str], output: str) -> None:
    config = {
        "title": f"concord report: {centre}",
        "table_sample_merge": {
            unit: [{"type": "regex", "pattern": rf"\.{re.escape(unit)}$"}] for unit in units
        },
    }
    write_json(config, output)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(s.params.centre, list(s.params.units), s.output[0])
