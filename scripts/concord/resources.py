"""Portable job resources: rules state what a job needs; profiles say where it runs."""

from __future__ import annotations


def mem_mb_on_attempt(base_mb: int):
    """A resource function: memory that grows with each attempt (base, 2x base, 3x base), so a
    job killed for using more than it asked for is retried with more (profiles set retries)."""

    def mem_mb(wildcards, attempt):
        return base_mb * attempt

    return mem_mb
