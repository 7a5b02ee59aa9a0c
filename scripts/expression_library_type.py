"""One RNA sample's strandedness, from salmon's unstranded (IU) mapping of its first read pairs:
the details as JSON, and the library type salmon quantifies the sample with as one word."""

import json
from pathlib import Path

from concord.expression import strandedness
from concord.jsonio import write_json


def main(lib_format_counts: str, out_json: str, out_salmon_type: str) -> None:
    library = strandedness(json.loads(Path(lib_format_counts).read_text()))
    write_json(library, out_json)
    Path(out_salmon_type).write_text(library["salmon_library_type"] + "\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(str(Path(s.input.salmon) / "lib_format_counts.json"), s.output.json, s.output.salmon_type)
