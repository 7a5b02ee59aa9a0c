"""Write sheets and config for a conformance kit.

python scripts/conformance_config.py KIT OUT [--centre NAME] [--share-key KEY [--consent NRES]]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.errors import InputError  # noqa: E402
from concord.kit import prepare  # noqa: E402

DUO = Path(__file__).resolve().parents[2] / "shared" / "vocab" / "duo.csv"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kit")
    parser.add_argument("out")
    parser.add_argument("--centre", default="CONFORMANCE")
    parser.add_argument("--share-key", help="make a share bundle too, under this centre key")
    parser.add_argument("--consent", default="NRES", help="the kit samples' DUO consent")
    parser.add_argument("--duo", default=str(DUO), help="the network's DUO table")
    args = parser.parse_args()
    share = (
        {"key": args.share_key, "consent": args.consent, "duo": args.duo}
        if args.share_key
        else None
    )
    try:
        path = prepare(Path(args.kit), Path(args.out), args.centre, share)
        print(f"concord: conformance config written to {path}")
    except InputError as error:
        sys.exit(f"concord: {error}")
