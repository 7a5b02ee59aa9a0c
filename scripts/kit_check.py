"""The kit against its SHA256SUMS (concord.kit.verify_kit); stops the run naming each problem."""

import sys

from concord.jsonio import write_json
from concord.kit_integrity import verify_kit


def main(kit: str, output: str) -> int:
    result = verify_kit(kit)
    if result["problems"]:
        print(f"concord: the conformance kit {kit} does not match its SHA256SUMS:", file=sys.stderr)
        for problem in result["problems"]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    write_json(result, output)
    return 0


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    sys.exit(main(s.params.kit, s.output[0]))
