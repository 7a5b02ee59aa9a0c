"""Ask the pooled database one of the ready-made questions (sql/queries/NAME.sql):
`make query NAME=<name> DB=<path> [GENES=BRCA1,BRCA2] [AIM=... DISEASE=... COMMERCIAL=yes ...]`.

python scripts/pool_query.py --db POOL.duckdb NAME [--set key=value ...] [--out FILE.tsv|.parquet]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.pool_query import available, main  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("name", help="one of: " + ", ".join(available()))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", help="a .tsv or .parquet file (default: standard output)")
    args = parser.parse_args()
    params = dict(item.split("=", 1) for item in args.set)
    try:
        main(args.name, args.db, params, args.out)
    except ValueError as error:
        sys.exit(f"concord query: {error}")
