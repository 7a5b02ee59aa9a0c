"""concord.annotate: the shortcuts around biocommons hgvs give what hgvs itself gives."""

import itertools

import hgvs.parser
import pytest
from concord.annotate import substitution_variant

PARSER = hgvs.parser.Parser()


@pytest.mark.parametrize("ref, alt", [p for p in itertools.permutations("ACGTN", 2)])
@pytest.mark.parametrize("g", [1, 43044295, 100000])
def test_substitution_is_the_parsed_variant(g, ref, alt):
    ours = substitution_variant("NC_000017.11", g, ref, alt)
    parsed = PARSER.parse_hgvs_variant(f"NC_000017.11:g.{g}{ref}>{alt}")
    assert ours == parsed
    assert repr(ours) == repr(parsed) and str(ours) == str(parsed)
    assert ours.posedit.pos.start is not ours.posedit.pos.end  # as parsed: two objects
