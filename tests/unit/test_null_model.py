"""The shipped somatic thresholds are the ones the error model derives (concord.null_model)."""

import pytest
from concord import null_model
from concord.somatic import SomaticThresholds

TH = SomaticThresholds()


def test_tumor_lod_threshold_keeps_errors_under_one_per_mb():
    assert null_model.tumor_lod_threshold(max_per_mb=1.0) == TH.min_tumor_lod
    below = round(TH.min_tumor_lod - null_model.STEP, 1)
    assert null_model.worst_false_positives(below, "SNV")[0] > 1.0
    # the example: 2 Q40 fragments at 60x, about 6 false positives per Mb
    assert null_model.false_positives_per_mb(5.1, 60, 40, "SNV") == pytest.approx(6, rel=0.1)


def test_normal_lod_threshold_lets_few_heterozygotes_through():
    assert null_model.normal_lod_threshold(max_per_mb=0.1) == TH.min_normal_lod


def test_normal_artifact_threshold_costs_few_true_calls():
    assert null_model.normal_artifact_threshold(max_loss=1e-3) == TH.max_normal_artifact_lod


def test_bias_threshold_costs_few_true_calls():
    assert null_model.bias_threshold(TH.bias_artifact_rate, max_loss=1e-3) == TH.max_bias_lod


def test_read_end_distance_costs_few_true_calls():
    assert null_model.read_end_distance(max_loss=0.005) == TH.min_read_end_distance
    assert null_model.read_end_loss(3, 150, 3) == pytest.approx(0.0047, abs=1e-4)
