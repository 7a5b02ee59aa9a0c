"""Regenerate the bundled synthetic demo dataset: python scripts/make_demo_data.py [OUTDIR]."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concord.demo_data import generate

if __name__ == "__main__":
    outdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("resources/demo")
    generate(outdir)
    print(f"demo dataset written to {outdir}")
