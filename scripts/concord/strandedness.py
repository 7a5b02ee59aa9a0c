"""Which strand read 1 comes from: an RNA library's strandedness from salmon's unstranded (IU)
mapping of its first read pairs (docs/expression.md, "Library type").

Standard library only: it runs in the salmon environment, in the job that maps those pairs.
"""

from __future__ import annotations

# Cut-offs on the sense fraction, nf-core/rnaseq's defaults (--stranded_threshold 0.8,
# --unstranded_threshold 0.1), not fitted to any dataset here: stranded when >= 80 % of the
# pairs are in one orientation, unstranded when the two orientations differ by < 10 points.
STRANDED_MIN_SHARE = 0.8
UNSTRANDED_MAX_DIFFERENCE = 0.1
# the salmon library type concord quantifies with, per strandedness call; an undetermined
# library is quantified unstranded, which drops no fragment
SALMON_LIBRARY_TYPE = {
    "stranded_forward": "ISF",
    "stranded_reverse": "ISR",
    "unstranded": "IU",
    "undetermined": "IU",
}


def strandedness(lib_format_counts: dict) -> dict:
    """The library's strandedness from salmon's lib_format_counts.json of an unstranded (IU)
    mapping, where every inward pair is counted by its orientation.

    sense_fraction = ISF / (ISF + ISR): the share of inward pairs whose read 1 lies on the
    transcript's strand (~1 stranded forward, ~0 stranded reverse as in dUTP, ~0.5
    unstranded); None when no pair mapped inward.
    """
    isf, isr = int(lib_format_counts.get("ISF", 0)), int(lib_format_counts.get("ISR", 0))
    sense = isf / (isf + isr) if isf + isr else None
    if sense is None:
        call = "undetermined"
    elif sense >= STRANDED_MIN_SHARE:
        call = "stranded_forward"
    elif 1 - sense >= STRANDED_MIN_SHARE:
        call = "stranded_reverse"
    elif abs(sense - (1 - sense)) < UNSTRANDED_MAX_DIFFERENCE:
        call = "unstranded"
    else:
        call = "undetermined"
    return {
        "ISF": isf,
        "ISR": isr,
        "sense_fraction": sense,
        "strandedness": call,
        "salmon_library_type": SALMON_LIBRARY_TYPE[call],
    }
