"""Load share bundles into the network's pooled database: `make pool BUNDLES="<dir> ..." DB=<path>`.

python scripts/pool_bundles.py --db POOL.duckdb [--duo DUO.csv] [--export-parquet DIR] BUNDLE...
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.pool import REPO, export_parquet, pool  # noqa: E402

DEFAULT_DUO = REPO.parent / "shared" / "vocab" / "duo.csv"


def main(bundles: list[str], db: str, duo: str, parquet: str | None) -> int:
    refused = pool(bundles, db, duo)
    if parquet:
        export_parquet(db, parquet)
        print(f"every table as Parquet in {parquet}")
    print(f"pool: {db}" + (f" ({refused} bundle(s) refused)" if refused else ""))
    return 1 if refused else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--duo", default=str(DEFAULT_DUO), help="the network's DUO table")
    parser.add_argument("--export-parquet", dest="parquet", help="also write every table here")
    parser.add_argument("bundles", nargs="*")
    args = parser.parse_args()
    sys.exit(main(args.bundles, args.db, args.duo, args.parquet))
