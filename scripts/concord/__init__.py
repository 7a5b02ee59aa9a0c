"""concord: harmonized cancer genomics for a network of centres (the pipeline's Python side)."""

__version__ = "0.3.0"
