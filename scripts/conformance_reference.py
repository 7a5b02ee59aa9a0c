"""Write the network's reference digests for a kit version from a conformance run made on the
reference toolchain (docs/conformance.md, "Reference digests"):

    make conformance-reference KIT=../shared/conformance/brca-grch38-v1 OUT=/tmp/kit-reference
    (= make conformance ..., then python scripts/conformance_reference.py KIT OUT)

It writes resources/conformance/<kit name>/expected.json (or OUT_JSON when given).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from concord import __version__  # noqa: E402
from concord.equivalence import load_tolerances, output_digest  # noqa: E402
from concord.jsonio import sorted_keys, write_json  # noqa: E402
from concord.kit_integrity import RESOURCES, verify_kit  # noqa: E402
from concord.versions import read_versions  # noqa: E402


def main(kit: Path, run: Path, out: Path | None = None) -> Path:
    integrity = verify_kit(kit)
    if integrity["problems"]:
        sys.exit(f"concord: {kit} does not match its SHA256SUMS: {integrity['problems'][:5]}")
    certificate = json.loads((run / "results" / "conformance" / "certificate.json").read_text())
    if certificate["kit"]["version"] != integrity["version"]:
        sys.exit(f"concord: {run} was made from another version of the kit")
    tolerances = load_tolerances(yaml.safe_load((RESOURCES / "tolerances.yaml").read_text()))
    outputs = {}
    for name in sorted(certificate["equivalence"]["outputs"]):
        keep_rows = any(t.applies(name) for t in tolerances)
        outputs[name] = output_digest(run / name, name, keep_rows)
    toolchain = read_versions(str(run / "results" / "provenance" / "software_versions.tsv"))
    reference = {
        "kit": {"name": integrity["name"], "version": integrity["version"]},
        "concord_version": __version__,
        "toolchain": toolchain,
        "made_by": f"make conformance-reference KIT=<kit {integrity['name']}> OUT=<run>",
        "outputs": outputs,
    }
    out = out or RESOURCES / integrity["name"] / "expected.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(sorted_keys(reference), out)
    return out


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python scripts/conformance_reference.py KIT_DIR RUN_DIR [OUT_JSON]")
    out = Path(sys.argv[3]).resolve() if len(sys.argv) == 4 else None
    path = main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), out)
    print(f"concord: reference digests written to {path}")
