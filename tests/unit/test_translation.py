"""concord.translation: translating by difference from a reference gives translate_cds's string."""

import random

import pytest
from bioutils.sequences import translate_cds
from concord.translation import DifferenceTranslator


def mutated(rng: random.Random, reference: str) -> str:
    """The reference with one random edit: substitution, deletion, insertion, delins, a new
    start or end, lower-case or ambiguous (N) bases."""
    p = rng.randrange(len(reference) + 1)
    length = rng.randint(0, 12)
    kind = rng.choice(["sub", "del", "ins", "delins", "N", "lower", "end", "start"])
    bases = "ACGTN" if kind == "N" else "ACGT"
    insert = "".join(rng.choice(bases) for _ in range(rng.randint(0, 12)))
    if kind == "sub":
        return reference[:p] + rng.choice("ACGT") + reference[p + 1 :]
    if kind == "del":
        return reference[:p] + reference[p + length :]
    if kind == "ins":
        return reference[:p] + insert + reference[p:]
    if kind == "lower":
        return reference[:p] + reference[p : p + length].lower() + reference[p + length :]
    if kind == "end":
        return reference[:p] + insert
    if kind == "start":
        return insert + reference[p:]
    return reference[:p] + insert + reference[p + length :]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_as_translate_cds(seed):
    rng = random.Random(seed)
    references = ["".join(rng.choice("ACGT") for _ in range(n)) for n in (900, 901, 902)]
    translator = DifferenceTranslator()
    for reference in references:
        translator.register(reference)
    for _ in range(3000):
        seq = mutated(rng, rng.choice(references))
        for ter in ("X", "*"):
            expected = translate_cds(seq, full_codons=False, ter_symbol=ter)
            assert translator(seq, full_codons=False, ter_symbol=ter) == expected, seq


def test_unregistered_and_full_codons_go_to_translate_cds():
    translator = DifferenceTranslator()
    assert translator("ATGTAAC", full_codons=False, ter_symbol="X") == "M*X"
    translator.register("ATGAAATAA")
    assert translator("ATGAAATAA") == "MK*"
    with pytest.raises(ValueError, match="multiple of three"):
        translator("ATGAAATA")


def test_an_undefined_codon_raises_translate_cds_error():
    translator = DifferenceTranslator()
    translator.register("ATGAAACCCGGGTAA")
    with pytest.raises(ValueError, match=r"Codon CQC at position 7\.\.9"):
        translator("ATGAAACQCGGGTAA", full_codons=False, ter_symbol="X")
