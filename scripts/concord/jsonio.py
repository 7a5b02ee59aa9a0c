"""The one way concord writes JSON: two-space indent, UTF-8 as is, keys in the order given,
a final newline. A file whose keys must be sorted (the certificate) sorts them itself."""

from __future__ import annotations

import json
from pathlib import Path


def write_json(obj, path: str | Path) -> None:
    Path(path).write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def sorted_keys(obj):
    """The same data with every mapping's keys sorted (recursively), for stable diffs."""
    if isinstance(obj, dict):
        return {k: sorted_keys(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [sorted_keys(v) for v in obj]
    return obj
