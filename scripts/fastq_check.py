"""Read a FASTQ unit's R1 and R2 to their ends (concord.fastq_check); write the verdict, or stop
the run naming the file, the record and its line."""

import sys
import time
from dataclasses import asdict

from concord.errors import InputError
from concord.fastq_check import check_pair
from concord.jsonio import write_json


def main(r1: str, r2: str, sample: str, unit: str, output: str, log: str) -> int:
    start = time.monotonic()
    try:
        summaries = check_pair(r1, r2)
    except InputError as error:
        message = f"concord: FASTQ check of sample {sample!r}, unit {unit!r} failed: {error}"
        print(message, file=sys.stderr)
        with open(log, "w") as fh:
            fh.write(f"{message}\n")
        return 1
    seconds = time.monotonic() - start
    files = {mate: asdict(s) for mate, s in zip(("r1", "r2"), summaries, strict=True)}
    write_json(
        {"sample": sample, "unit": unit, "verdict": "pass", "read_pairs": summaries[0].records}
        | files,
        output,
    )
    size = sum(s.bytes for s in summaries)
    with open(log, "w") as fh:
        fh.write(
            f"{summaries[0].records:,} read pairs, {size:,} bytes read in {seconds:.1f} s "
            f"({size / max(seconds, 1e-6) / 1e6:.1f} MB/s)\n"
        )
    return 0


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    sys.exit(
        main(s.input.r1, s.input.r2, s.wildcards.sample, s.wildcards.unit, s.output[0], s.log[0])
    )
