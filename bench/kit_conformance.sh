#!/usr/bin/env bash
# Benchmark: the conformance kit end to end (alignment, calling, certificate), wall time and
# the certificate's accuracy figures. Usage: bench/kit_conformance.sh [KIT] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=${1:-../shared/conformance/brca-grch38-v1}
OUT=${2:-/tmp/concord-bench-kit}
rm -rf "$OUT"
start=$(date +%s)
make -s conformance KIT="$KIT" OUT="$OUT" >"$OUT.log" 2>&1
end=$(date +%s)
echo "wall time: $((end - start)) s (log: $OUT.log)"
.venv/bin/python - "$OUT/certificate.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["accuracy"]["somatic"]
for scope in ("overall", "vaf_ge_010"):
    for kind in ("snv", "indel"):
        m = s[scope][kind]
        print(f"{scope:11s} {kind:5s} tp={m['tp']:3d} fp={m['fp']:3d} fn={m['fn']:3d} "
              f"precision={m['precision']} recall={m['recall']} f1={m['f1']}")
for tier, m in s["recall_by_vaf"].items():
    print(f"recall at VAF {tier}: {m['recall']} ({m['found']}/{m['total']})")
print("germline truth called somatic PASS:", s["germline_as_somatic"])
PY
