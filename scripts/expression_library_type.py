"""One RNA sample's strandedness, from salmon's unstranded (IU) mapping of its first read pairs:
the details as JSON, and the library type salmon quantifies the sample with as one word.

    python scripts/expression_library_type.py SALMON_DIR OUT_JSON OUT_SALMON_TYPE

Run in the salmon environment by the job that mapped the pairs (rule library_type): standard
library and concord.strandedness only.
"""

import json
import sys
from pathlib import Path

from concord.jsonio import write_json
from concord.strandedness import strandedness


def main(salmon_dir: str, out_json: str, out_salmon_type: str) -> None:
    counts = json.loads((Path(salmon_dir) / "lib_format_counts.json").read_text())
    library = strandedness(counts)
    write_json(library, out_json)
    Path(out_salmon_type).write_text(library["salmon_library_type"] + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
