"""After a failed run: is the results directory's filesystem (nearly) full? Tools do not always
say so: samtools sort reports a full disk as "failed writing ...: Illegal seek", and fastp exits 0
with its output cut short. The failed jobs' outputs are already removed when this runs, so the
space they took is free again: "nearly full" is generous (under 10% or under 10 GiB free)."""

from __future__ import annotations

import os
from pathlib import Path

LOW_FRACTION = 0.10
LOW_BYTES = 10 * 1024**3


def size_text(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def low_space_note(directory: str | Path) -> str | None:
    """A note for the user if `directory`'s filesystem has little space left, else None."""
    path = Path(directory)
    if not path.exists():
        return None
    fs = os.statvfs(path)
    free, total = fs.f_bavail * fs.f_frsize, fs.f_blocks * fs.f_frsize
    if total == 0 or (free >= LOW_FRACTION * total and free >= LOW_BYTES):
        return None
    return (
        f"concord: the run failed, and {path.resolve()} has {size_text(free)} free of "
        f"{size_text(total)}: if a job failed writing its output (No space left on device, or "
        f"a write error such as 'Illegal seek'), free space and run the same command again: "
        f"the failed jobs' outputs were removed, those jobs run again."
    )
