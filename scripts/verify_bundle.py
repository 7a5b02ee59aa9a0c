"""Check a concord share bundle as a receiving centre does: `make verify-bundle BUNDLE=<dir>`.

python scripts/verify_bundle.py BUNDLE_DIR
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.bundle_verify import verify_bundle  # noqa: E402


def main(bundle: str) -> int:
    problems, summary = verify_bundle(bundle)
    if summary:
        print(
            f"bundle {bundle}: {summary['format']} from centre {summary['centre']}, "
            f"concord {summary['concord_version']}, reference {summary['reference']}, "
            f"{summary['files']} files"
        )
        for sample, use in summary["samples"].items():
            print(f"  {sample}: {use}")
        print(
            f"  samples of the run without sharing consent (not here): "
            f"{summary['samples_without_sharing_consent']}"
        )
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("verify-bundle: " + ("FAIL" if problems else "OK: every check passed"))
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    sys.exit(main(parser.parse_args().bundle))
