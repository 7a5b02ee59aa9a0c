"""Check a VCF against the concord spec; fail with every problem named.

In the workflow: inside the writer (rules somatic_vcf and germline_vcf, scripts/standard_vcf.py).
By hand:
    python scripts/validate_vcf.py --kind somatic --reference genome.fa FILE.vcf.gz
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.vcfspec import check_vcf  # noqa: E402


def main(vcf: str, kind: str, reference: str) -> int:
    errors, text = check_vcf(vcf, kind, reference)
    print(text, file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("somatic", "germline"), required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("vcf")
    args = parser.parse_args()
    sys.exit(main(args.vcf, args.kind, args.reference))
