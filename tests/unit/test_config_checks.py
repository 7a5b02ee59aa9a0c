"""Config values checked before any job: typos of keys at any level, ranges, calling.chunks."""

import pytest
import yaml
from concord.chunks import MIN_CHUNK_BASES, check_chunk_count
from concord.config import validate_config
from concord.errors import InputError
from concord.samplesheet import load_schema
from conftest import REPO

SCHEMA = load_schema(REPO / "rules" / "schemas" / "config.schema.yaml")


def demo_config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda c: (
                c["calling"].update(chunk=4) if "calling" in c else c.update(calling={"chunk": 4})
            ),
            r"c: calling: unknown key 'chunk' \(did you mean 'chunks'\? allowed: chunks\)",
        ),
        (
            lambda c: c["reference"].update(expected_md=c["reference"].pop("expected_md5")),
            r"c: reference: unknown key 'expected_md' \(did you mean 'expected_md5'\?",
        ),
        (lambda c: c.update(outdir="x"), r"c: \(top level\): unknown key 'outdir' \(allowed: "),
        (
            lambda c: c.update(report={"identity": {"min_gq": 120}}),
            r"c: report.identity.min_gq: 120 is out of range \(0 to 99\)",
        ),
        (
            lambda c: c.update(expression={"fragment_length": 0}),
            r"c: expression.fragment_length: 0 is out of range \(at least 1\)",
        ),
    ],
    ids=["nested_typo", "reference_typo", "no_near_key", "range", "minimum"],
)
def test_config_messages_name_the_key_and_what_would_be_right(edit, message):
    config = demo_config()
    edit(config)
    with pytest.raises(InputError, match=message):
        validate_config(config, SCHEMA, "c")


def test_chunks_must_leave_each_chunk_enough_of_the_genome():
    lengths = {"chr1": 25 * MIN_CHUNK_BASES, "chr2": 5 * MIN_CHUNK_BASES}
    check_chunk_count(30, lengths, "g.fa", "c")
    with pytest.raises(
        InputError,
        match=r"c: calling.chunks: 31 chunks of the 300,000 bases of g.fa would be 9,677 bases "
        r"each; a chunk needs at least 10,000 bases \(at most 30 chunks for this reference\)",
    ):
        check_chunk_count(31, lengths, "g.fa", "c")
    check_chunk_count(1, {"tiny": 10}, "g.fa", "c")  # one chunk is always possible


def test_bwa_needs_more_memory_than_the_run_may_use():
    from concord.resources import bwa_memory_mb, check_reference_memory, run_memory_limit

    grch38 = 3_100_000_000
    assert bwa_memory_mb(grch38, build_index=False) == 5400  # 1.71 bytes per base, rounded up
    assert bwa_memory_mb(20_000_000, build_index=True) == 300  # bwa index "is": 10.7 per base
    check_reference_memory(grch38, True, (8000, "--resources mem_mb=8000"), "hg38.fa", "c")
    check_reference_memory(grch38, True, None, "hg38.fa", "c")  # a cluster run without a cap
    with pytest.raises(
        InputError,
        match=r"c reference.fasta: hg38.fa has 3,100,000,000 bases: bwa needs at least 5,400 MB "
        r"to align against it, but this run may use 4,000 MB \(--resources mem_mb=4000\)",
    ):
        check_reference_memory(grch38, False, run_memory_limit(4000, True), "hg38.fa", "c")
    machine, why = run_memory_limit(None, local=True)
    assert machine > 0 and why == "the physical memory of this machine"
    assert run_memory_limit(None, local=False) is None
