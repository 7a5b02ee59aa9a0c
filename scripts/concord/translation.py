"""Translation of an alternate transcript by difference from its reference (for hgvs's c_to_p).

hgvs translates the whole alternate transcript, from the CDS start to the end of the (5 kb
extended) transcript, for every variant: about 1.4 ms for BRCA2. Translation is codon by codon,
so the codons a variant leaves unchanged translate as they do in the reference: this module
translates only the changed codons with the same function (bioutils' translate_cds) and takes
the rest from the reference's translation, made once. The result is the same string
(tests/unit/test_translation.py compares it with translate_cds on mutated sequences).
"""

from __future__ import annotations

from bioutils.sequences import TranslationTable, translate_cds


class DifferenceTranslator:
    """translate_cds with full_codons=False, answered from the registered references when the
    sequence differs from one of them by an in-frame change (same length modulo 3)."""

    def __init__(self):
        # (translation table, ter symbol) -> [(reference sequence, its translation)]
        self.references: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def register(self, sequence: str, translation_table=TranslationTable.standard) -> None:
        for ter_symbol in ("X", "*"):
            known = self.references.setdefault((translation_table, ter_symbol), [])
            if all(sequence != r for r, _ in known):
                translated = translate_cds(
                    sequence, full_codons=False, ter_symbol=ter_symbol,
                    translation_table=translation_table,
                )  # fmt: skip
                known.append((sequence, translated))

    def __call__(
        self, seq, full_codons=True, ter_symbol="*", translation_table=TranslationTable.standard
    ):
        known = self.references.get((translation_table, ter_symbol))
        if full_codons or not known or not isinstance(seq, str) or not seq:
            return translate_cds(seq, full_codons, ter_symbol, translation_table)
        best = None
        for reference, translated in known:
            if (len(seq) - len(reference)) % 3 == 0:
                prefix = _common_prefix(seq, reference)
                if best is None or prefix > best[0]:
                    best = (prefix, reference, translated)
        if best is None:
            return translate_cds(seq, full_codons, ter_symbol, translation_table)
        prefix, reference, translated = best
        n, r = len(seq), len(reference)
        suffix = min(_common_suffix(seq, reference), min(n, r) - prefix)
        shift = (n - r) // 3  # codons; in frame, so codon c of seq is codon c - shift of ref
        whole = n // 3
        first = prefix // 3  # codons [0, first) lie in the common prefix
        last = min(whole, -(-(n - suffix) // 3))  # codons [last, whole) lie in the suffix
        try:
            middle = translate_cds(seq[3 * first : 3 * last], True, ter_symbol, translation_table)
        except ValueError:  # an undefined codon: the full call raises the error, as before
            return translate_cds(seq, full_codons, ter_symbol, translation_table)
        tail = ter_symbol if n % 3 else ""
        return translated[:first] + middle + translated[last - shift : r // 3] + tail


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix (binary search on slice equality, compared in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo
