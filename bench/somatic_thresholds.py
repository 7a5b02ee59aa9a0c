"""Derive the somatic model's thresholds from its error model and print the grids behind them.

    .venv/bin/python bench/somatic_thresholds.py

Nothing here reads a kit: every threshold is the value that keeps one stated error rate under
its target over a grid of depths and qualities (concord.null_model; docs/somatic-model.md).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from concord import null_model as m  # noqa: E402
from concord.somatic import SomaticThresholds  # noqa: E402

SHOWN_DEPTHS = (30, 60, 100, 200, 500)
SHOWN_QUALITIES = (25, 30, 35, 40)


def tumor_lod() -> float:
    t = m.tumor_lod_threshold(max_per_mb=1.0)
    print("TLOD: sequencing errors alone, false positives per Mb (3 error bases per SNV site,")
    print("2 error indels per indel site), every fragment at quality Q, depth n")
    print("\nworst point of the grid (n 30-500 step 5, Q25-40) for each threshold:")
    for step in range(-8, 5):
        th = round(t + step * m.STEP, 1)
        rows = [(kind, *m.worst_false_positives(th, kind)) for kind in m.ERROR_ALLELES]
        print(f"  TLOD >= {th:.1f}: " + "; ".join(
            f"{kind} {fp:6.2f} /Mb (n={n}, Q{q})" for kind, fp, n, q in rows
        ))  # fmt: skip
    print(f"\nat TLOD >= {t:.1f}, SNV: ALT fragments needed and false positives per Mb")
    print("   n  " + "".join(f"      Q{q}        " for q in SHOWN_QUALITIES))
    for n in SHOWN_DEPTHS:
        cells = []
        for q in SHOWN_QUALITIES:
            tlods = m._tlods(n, q, "SNV")
            k = next(k for k, lod in enumerate(tlods) if lod >= t)
            cells.append(f"k={k} {tlods[k]:5.2f} {m.false_positives_per_mb(t, n, q, 'SNV'):6.3f}")
        print(f"  {n:3d}  " + "  ".join(cells))
    print(f"\n=> min_tumor_lod = {t} (at most 1 false positive per Mb anywhere on the grid)\n")
    return t


def normal_lod() -> float:
    t = m.normal_lod_threshold(max_per_mb=0.1)
    print("NLOD: germline heterozygotes (1,000 per Mb) whose normal looks clean enough, per Mb")
    for th in (round(t - 0.5, 1), round(t - 0.2, 1), t, round(t + 0.2, 1)):
        worst = max((m.germline_leak_per_mb(th, n), n) for n in m.NORMAL_DEPTHS)
        print(f"  NLOD >= {th:.1f}: worst {worst[0]:.3f} /Mb (normal of {worst[1]} fragments)")
    print(f"\n=> min_normal_lod = {t} (at most 0.1 germline leaks per Mb, normals of 8-200)\n")
    return t


def normal_artifact_lod() -> float:
    t = m.normal_artifact_threshold(max_loss=1e-3)
    print("NALOD: true somatic calls lost to sequencing errors in the normal (per call)")
    for th in (round(t - 0.4, 1), round(t - 0.2, 1), t, round(t + 0.2, 1)):
        worst = max((m.normal_artifact_loss(th, n, q), n, q) for n in m.DEPTHS for q in m.QUALITIES)
        print(f"  NALOD >= {th:.1f}: worst {worst[0]:.5f} (n={worst[1]}, Q{worst[2]})")
    print(f"\n=> max_normal_artifact_lod = {t} (at most 1 in 1,000 true calls lost)\n")
    return t


def bias_lod(rate: float) -> float:
    t = m.bias_threshold(rate, max_loss=1e-3)
    print(f"strand / orientation bias: true variants lost (artefact rate {rate})")
    for k in (5, 8, 10, 11, 12, 20, 50, 200):
        print(f"  {k:3d} ALT fragments: loss {m.bias_loss(t, k, rate):.5f}")
    print(f"\n=> max_bias_lod = {t} (at most 1 in 1,000 true variants lost at any count)\n")
    return t


def read_end() -> int:
    d = m.read_end_distance(max_loss=0.005)
    print("read_end: true variants lost, by fragments and read length, at the chosen distance")
    for length in (100, 150):
        losses = ", ".join(f"{k}: {m.read_end_loss(d, length, k):.4f}" for k in (2, 3, 5, 10))
        print(f"  2x{length}: {losses}")
    print(f"\n=> min_read_end_distance = {d} (at most 0.5 % of 3-fragment variants, 2x150)\n")
    return d


def main() -> int:
    th = SomaticThresholds()
    derived = {
        "min_tumor_lod": tumor_lod(),
        "min_normal_lod": normal_lod(),
        "max_normal_artifact_lod": normal_artifact_lod(),
        "max_bias_lod": bias_lod(th.bias_artifact_rate),
        "min_read_end_distance": float(read_end()),
    }
    differ = {k: (v, getattr(th, k)) for k, v in derived.items() if v != getattr(th, k)}
    print("shipped thresholds:", "equal to the derived ones" if not differ else differ)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
