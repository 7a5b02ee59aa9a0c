"""rocrate-validator (PyPI roc-validator) run offline, its HTTP cache seeded with the RO-Crate
1.1 JSON-LD context from ../shared/vocab: offline with an empty cache it skips most checks and
can still report success, so tests require zero skipped checks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import requests
import urllib3
from conftest import REPO

CONTEXT_URL = "https://w3id.org/ro/crate/1.1/context"
CONTEXT = REPO.parent / "shared" / "vocab" / "ro-crate-1.1-context.jsonld"
VALIDATOR = Path(sys.executable).parent / "rocrate-validator"
PROFILE = "workflow-run-crate-0.5"


class _LocalContext(requests.adapters.HTTPAdapter):
    """Answers the context's URL from the local copy (nothing goes to the network)."""

    def send(self, request, **kwargs):
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(CONTEXT.read_bytes()),
            headers={"Content-Type": "application/ld+json"},
            status=200,
            preload_content=False,
            request_url=request.url,
        )
        return self.build_response(request, raw)


def seed_cache(cache: Path) -> Path:
    """A requests-cache sqlite holding the RO-Crate 1.1 context, as the validator reads it."""
    from requests_cache import CachedSession

    session = CachedSession(
        cache_name=str(cache),
        backend="sqlite",
        expire_after=-1,
        allowable_methods=("GET",),
        allowable_codes=(200, 302, 404),
    )
    session.mount("https://w3id.org/", _LocalContext())
    assert session.get(CONTEXT_URL).status_code == 200
    assert session.cache.contains(url=CONTEXT_URL)
    return cache


def validate_offline(crate: Path, cache: Path, report: Path) -> dict:
    """The validator's JSON report on `crate` (REQUIRED checks of the Workflow Run Crate 0.5
    profile and the profiles it builds on), offline, with the given cache."""
    subprocess.run(
        [str(VALIDATOR), "validate", "--offline", "--cache-path", str(cache), "-p", PROFILE,
         "-l", "REQUIRED", "--no-paging", "-f", "json", "-o", str(report), str(crate)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return json.loads(report.read_text())
