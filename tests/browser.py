"""Open an HTML page in the real headless Chromium (Debian's `chromium`) and report what the
browser saw: the DOM after scripts ran, the console messages, and a screenshot."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
]  # fmt: skip
CONSOLE = re.compile(r":(INFO|WARNING|ERROR):CONSOLE[^\]]*\] (.*)")


@dataclass
class PageVisit:
    dom: str
    console: list[str]  # every console message, with its level

    @property
    def script_errors(self) -> list[str]:
        return [m for m in self.console if m.startswith("ERROR") or "Uncaught" in m]


def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "chromium is not installed: run `make test` (it installs the test tools)"
    return path


def visit(page: Path, screenshot: Path | None = None, width: int = 1400) -> PageVisit:
    url = page.resolve().as_uri()
    run = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, "--dump-dom", url],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    console = [f"{m.group(1)} {m.group(2)}" for m in CONSOLE.finditer(run.stderr)]
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        shot = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--window-size={width},3000",
             f"--screenshot={screenshot}", url],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert shot.returncode == 0 and screenshot.stat().st_size > 0, shot.stderr[-2000:]
    return PageVisit(run.stdout, console)
