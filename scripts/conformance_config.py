"""Write sheets and config for a conformance kit: python scripts/conformance_config.py KIT OUT."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.errors import InputError  # noqa: E402
from concord.kit import prepare  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/conformance_config.py KIT_DIR OUT_DIR")
    try:
        path = prepare(Path(sys.argv[1]), Path(sys.argv[2]))
        print(f"concord: conformance config written to {path}")
    except InputError as error:
        sys.exit(f"concord: {error}")
