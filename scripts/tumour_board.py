"""The tumour board's sheet for one patient pseudonym, HTML and PDF:
`make tumour-board DB=<path> PATIENT=<P-...> OUT=<dir> [CENTRE=<centre>]`.

python scripts/tumour_board.py --db POOL.duckdb --patient P-... --out DIR [--centre C] [--genes G]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.pool import connect  # noqa: E402
from concord.pool_report import board_html, write_pdf  # noqa: E402


def main(db: str, patient: str, out: str, centre: str | None, genes, pdf: bool) -> None:
    con = connect(db, read_only=True)
    try:
        html = board_html(con, patient, centre, genes)
    finally:
        con.close()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{patient}.tumour-board.html"
    page.write_text(html)
    print(f"tumour board sheet: {page}")
    if pdf:
        write_pdf(page, page.with_suffix(".pdf"))
        print(f"tumour board sheet: {page.with_suffix('.pdf')}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--patient", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--centre")
    parser.add_argument("--genes", help="comma-separated (default: the bundles' panel genes)")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false")
    args = parser.parse_args()
    try:
        main(args.db, args.patient, args.out, args.centre,
             args.genes.split(",") if args.genes else None, args.pdf)  # fmt: skip
    except (ValueError, RuntimeError) as error:
        sys.exit(f"concord tumour-board: {error}")
