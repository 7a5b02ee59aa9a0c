"""The ready-made questions to the pooled database: SQL files in sql/queries/, run with their
parameters set as DuckDB variables (the same files run in the duckdb command line after
`SET VARIABLE genes = ['BRCA1'];`)."""

from __future__ import annotations

import csv
import re
import sys
import time

from concord.pool import REPO, connect

QUERIES = REPO / "sql" / "queries"
PARAM = re.compile(r"^-- param (\w+):")
BOOLEAN = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
LISTS = {"genes"}


def available() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.sql"))


def query_text(name: str) -> str:
    path = QUERIES / f"{name}.sql"
    if not path.is_file():
        raise ValueError(f"no query {name!r}; the queries are: {', '.join(available())}")
    return path.read_text()


def query_params(name: str) -> list[str]:
    """The parameters a query declares in its '-- param NAME:' comment lines."""
    return [m.group(1) for line in query_text(name).splitlines() if (m := PARAM.match(line))]


def parse_value(name: str, value):
    """A parameter as the query reads it: genes a list, flags booleans, the rest text."""
    if not isinstance(value, str):
        return value
    if name in LISTS:
        return [g.strip() for g in re.split(r"[,\s]+", value) if g.strip()]
    if value.lower() in BOOLEAN and name not in ("aim", "disease"):
        return BOOLEAN[value.lower()]
    return value


def sql_literal(value) -> str:
    """A parameter value as a DuckDB literal: text quoted, lists of text, booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(sql_literal(v) for v in value) + "]::VARCHAR[]"
    return "'" + str(value).replace("'", "''") + "'"


def run_query(con, name: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of a named query with the given parameters (unknown ones are errors)."""
    text = query_text(name)
    declared = query_params(name)
    for key, value in (params or {}).items():
        if value in (None, ""):
            continue
        if key not in declared:
            raise ValueError(f"query {name} has no parameter {key!r} (it has: {declared})")
        # a literal, not a prepared parameter: binding one imports pandas (over a second)
        con.execute(f"SET VARIABLE {key} = {sql_literal(parse_value(key, value))}")
    try:
        cursor = con.execute(text)
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()
    finally:
        for key in declared:
            con.execute(f"RESET VARIABLE {key}")


def write_tsv(columns, rows, out) -> None:
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])


def _cell(value) -> str:
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def main(name: str, db: str, params: dict, out: str | None = None) -> None:
    con = connect(db, read_only=True)
    try:
        start = time.perf_counter()
        columns, rows = run_query(con, name, params)
        seconds = time.perf_counter() - start
    finally:
        con.close()
    if out and out.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)}), out)
    elif out:
        with open(out, "w") as fh:
            write_tsv(columns, rows, fh)
    else:
        write_tsv(columns, rows, sys.stdout)
    print(f"{name}: {len(rows)} rows in {seconds * 1000:.1f} ms", file=sys.stderr)
