"""When salmon refuses a sample because (almost) no fragment mapped, record that as a sample with
mapping rate 0, so the matrix step marks it failed QC instead of the run stopping.

    python scripts/salmon_no_mapping.py SALMON_LOG OUTDIR R1.fastq.gz [R1 ...]
Exits 1 (the salmon failure stands) when the log shows any other error.
"""

import gzip
import sys
from pathlib import Path

from concord.jsonio import write_json

REFUSAL = "minimum number of required assigned fragments"


def main(log: str, outdir: str, r1_files: list[str]) -> int:
    if REFUSAL not in Path(log).read_text():
        return 1
    out = Path(outdir)
    (out / "aux_info").mkdir(parents=True, exist_ok=True)
    fragments = 0
    for path in r1_files:
        with gzip.open(path, "rt") as fh:
            fragments += sum(1 for _ in fh) // 4
    with gzip.open(out / "aux_info" / "eq_classes.txt.gz", "wt") as fh:
        fh.write("0\n0\n")
    write_json(
        {"num_processed": fragments, "percent_mapped": 0.0}, out / "aux_info" / "meta_info.json"
    )
    write_json({"expected_format": "unknown"}, out / "lib_format_counts.json")
    (out / "quant.sf").write_text("Name\tLength\tEffectiveLength\tTPM\tNumReads\n")
    salmon_log = out / "logs" / "salmon_quant.log"
    if not salmon_log.exists():  # salmon writes its own before refusing; keep the promise if not
        salmon_log.parent.mkdir(exist_ok=True)
        salmon_log.write_text(Path(log).read_text())
    flen = out / "libParams" / "flenDist.txt"
    if not flen.exists():  # no fragments, no length distribution: all zeros, as salmon writes it
        flen.parent.mkdir(exist_ok=True)
        flen.write_text("\t".join(["0"] * 1001) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
