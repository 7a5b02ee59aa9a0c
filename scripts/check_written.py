"""Check that files were written whole: a tool that exits 0 although a write failed (fastp on a
full disk leaves its FASTQs empty or cut short and its HTML report cut short) fails the job that
wrote them, naming the file, instead of the job that reads them next, or a later run that takes
them as finished.

    python scripts/check_written.py FILE [FILE ...]

.gz: not empty, and decompresses to its end; .json: parses; .html: ends with </html>.
"""

import gzip
import json
import sys
import zlib
from pathlib import Path


def incomplete(path: Path) -> str | None:
    """Why `path` is not whole, or None."""
    if path.stat().st_size == 0:
        return "it is empty"
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                while fh.read(1 << 20):
                    pass
        elif path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".html" and not path.read_bytes().rstrip().endswith(b"</html>"):
            return "it does not end with </html>"
    except (EOFError, OSError, zlib.error, ValueError) as error:
        return str(error) or type(error).__name__
    return None


def main(paths: list[str]) -> int:
    failed = [(path, why) for path in paths if (why := incomplete(Path(path)))]
    for path, why in failed:
        print(
            f"concord: {path} was not written whole ({why}): its writer stopped short, for "
            "example on a full disk",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
