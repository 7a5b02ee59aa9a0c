"""The summary report of the pooled cohort: `make pool-report DB=<path> OUT=<report.html>`.

python scripts/pool_report.py --db POOL.duckdb --out REPORT.html [--genes BRCA1,BRCA2]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.pool import connect  # noqa: E402
from concord.pool_report import summary_html  # noqa: E402


def main(db: str, out: str, genes: list[str] | None) -> None:
    con = connect(db, read_only=True)
    try:
        html = summary_html(con, Path(db).name, genes)
    finally:
        con.close()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(html)
    print(f"pool report: {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--genes", help="comma-separated (default: the bundles' panel genes)")
    args = parser.parse_args()
    main(args.db, args.out, args.genes.split(",") if args.genes else None)
