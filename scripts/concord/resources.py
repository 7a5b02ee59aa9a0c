"""Portable job resources: rules state what a job needs; profiles say where it runs."""

from __future__ import annotations

import os

from concord.errors import InputError


def mem_mb_on_attempt(base_mb: int):
    """A resource function: memory that grows with each attempt (base, 2x base, 3x base), so a
    job killed for using more than it asked for is retried with more (profiles set retries)."""

    def mem_mb(wildcards, attempt):
        return base_mb * attempt

    return mem_mb


# Peak memory of bwa 0.7.17, measured here with /usr/bin/time -v on random genomes of 5 and
# 20 Mb (peak RSS, fitted as a line): bwa mem holds the index, 1.71 bytes per reference base;
# bwa index uses its "is" algorithm up to 50 Mb, 10.7 bytes per base, and "bwtsw" above, 0.55
# bytes per base plus a 50 MB block. Reads in flight come on top, so these are lower bounds.
BWA_MEM_BYTES_PER_BASE = 1.71
BWA_IS_BYTES_PER_BASE = 10.7
BWA_BWTSW_BYTES_PER_BASE = 0.55
BWA_BWTSW_FIXED_MB = 50
BWA_IS_MAX_BASES = 50_000_000


def bwa_memory_mb(bases: int, build_index: bool) -> int:
    """The least memory (MB, rounded up to 100) bwa needs for a reference of `bases`: to align
    against it, and to index it when no prebuilt index is configured."""
    align = BWA_MEM_BYTES_PER_BASE * bases / 1e6
    index = 0.0
    if build_index:
        index = (
            BWA_IS_BYTES_PER_BASE * bases / 1e6
            if bases <= BWA_IS_MAX_BASES
            else BWA_BWTSW_BYTES_PER_BASE * bases / 1e6 + BWA_BWTSW_FIXED_MB
        )
    return int(-(-max(align, index) // 100) * 100)


def run_memory_limit(resources_mem_mb, local: bool) -> tuple[int, str] | None:
    """The memory a run may use and where that comes from: --resources mem_mb (Snakemake caps
    every job's mem_mb there), else, for a local run, the machine's physical memory."""
    if resources_mem_mb is not None:
        return int(resources_mem_mb), f"--resources mem_mb={int(resources_mem_mb)}"
    if local:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 10**6
        return total, "the physical memory of this machine"
    return None


def check_reference_memory(
    bases: int, build_index: bool, limit: tuple[int, str] | None, fasta: str, source: str
) -> None:
    """Stop before any job when bwa cannot hold this reference in the memory the run may use
    (Snakemake would cap the alignment jobs' mem_mb there and they would be killed later)."""
    needed = bwa_memory_mb(bases, build_index)
    if limit is None or needed <= limit[0]:
        return
    raise InputError(
        f"{source} reference.fasta: {fasta} has {bases:,} bases: bwa needs at least "
        f"{needed:,} MB to {'index it and ' if build_index else ''}align against it, but this "
        f"run may use {limit[0]:,} MB ({limit[1]}); raise --resources mem_mb (or the profile's "
        f"resources) to at least {needed:,}, or run where there is more memory"
    )
