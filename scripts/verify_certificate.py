"""Confirm a centre's certificate from the outputs it returned: recompute every output's digest
and compare it with the digest the certificate claims and with the network's reference digests.

    make verify-certificate CERT=<certificate.json> RESULTS=<the centre's run directory>
        [EXPECTED=<expected.json>, default: the digests concord ships for the kit's version]
Exit 0 when every output is confirmed, 1 otherwise.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from concord.equivalence import compare_output, load_tolerances, output_digest  # noqa: E402
from concord.kit_integrity import RESOURCES, reference_digests_for  # noqa: E402


def main(cert_path: Path, results: Path, expected_path: Path | None = None) -> int:
    cert = json.loads(cert_path.read_text())
    run = results if (results / "results").is_dir() else results.parent
    expected_path = expected_path or reference_digests_for(cert["kit"].get("version"))
    expected = json.loads(expected_path.read_text())["outputs"] if expected_path else {}
    tolerances = load_tolerances(yaml.safe_load((RESOURCES / "tolerances.yaml").read_text()))
    outputs = cert.get("equivalence", {}).get("outputs", {})
    problems = 0
    print(f"certificate: {cert_path} (claims {cert['conformance']['verdict']})")
    print(f"reference digests: {expected_path or 'none for this kit version'}")
    for name, claimed in sorted(outputs.items()):
        path = run / name
        if not path.is_file():
            print(f"  MISSING    {name}")
            problems += 1
            continue
        ours = output_digest(path, name, any(t.applies(name) for t in tolerances))
        if ours["digest"] != claimed.get("digest"):
            print(f"  ALTERED    {name}: the file is not the one the certificate describes")
            problems += 1
            continue
        status = compare_output(name, ours, expected.get(name), tolerances)["status"]
        ok = status in ("identical", "within tolerance")
        problems += not ok or status != claimed["status"]
        print(f"  {'CONFIRMED' if ok else 'DIFFERENT':10} {name}: {status}")
    if not expected_path or not outputs:
        problems += 1
    verdict = "confirmed" if problems == 0 else f"NOT confirmed ({problems} problem(s))"
    print(f"verdict: {verdict}")
    return 0 if problems == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python scripts/verify_certificate.py CERTIFICATE.json RUN_DIR [EXPECTED]")
    expected = Path(sys.argv[3]) if len(sys.argv) == 4 and sys.argv[3] else None
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), expected))
