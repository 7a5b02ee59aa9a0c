"""After MultiQC: every row of concord's sections must be in the report under its own name.

MultiQC cleans custom-content row names like file names and merges rows that clean to the same
name, silently. This check turns that into an error naming the rows, so a reviewer never reads
a table with rows missing.

    python scripts/check_report.py MULTIQC_DATA_DIR SECTION_mqc.json [...]
"""

import csv
import json
import sys
from pathlib import Path


def report_rows(data_dir: Path, section: dict) -> set[str] | None:
    if section["plot_type"] == "generalstats":
        path = data_dir / "multiqc_general_stats.txt"
    else:
        path = data_dir / f"multiqc_{section['pconfig']['id']}.txt"
    if not path.is_file():
        return None
    with open(path) as fh:
        return {row["Sample"] for row in csv.DictReader(fh, delimiter="\t")}


def main(data_dir: str, sections: list[str]) -> int:
    problems = []
    for path in sections:
        section = json.loads(Path(path).read_text())
        if section["plot_type"] == "html":  # a stated note (e.g. no PASS calls): no data file
            continue
        if not section["data"]:
            problems.append(f"{path}: section {section['id']} is empty; say why in a note")
            continue
        rows = report_rows(Path(data_dir), section)
        if rows is None:
            problems.append(f"{path}: section {section['id']} is missing from the report data")
            continue
        lost = [name for name in section["data"] if name not in rows]
        if lost:
            problems.append(
                f"{path}: {len(lost)} row(s) renamed or merged by MultiQC: {', '.join(lost[:5])}"
            )
    for line in problems:
        print(f"concord: report check failed: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
