import gzip

import pandas as pd
import pytest
from concord.report import (
    Check,
    flagstat_mapping_rate,
    judge_sample,
    markdup_duplication_rate,
    panel_fraction_at_depth,
    panel_mean_depth,
    vaf_histogram,
)


def test_check_lower_and_upper_bounds():
    mapped = Check("mapping_rate", "Mapped", warn=0.95, fail=0.90)
    assert [mapped.judge(v) for v in (0.99, 0.95, 0.94, 0.90, 0.89)] == [
        "pass", "pass", "warn", "warn", "fail",
    ]  # fmt: skip
    dups = Check("duplication_rate", "Dups", warn=0.2, fail=0.4, upper=True)
    assert [dups.judge(v) for v in (0.1, 0.2, 0.3, 0.41)] == ["pass", "pass", "warn", "fail"]
    assert dups.rule_text() == "warn if > 0.2, fail if > 0.4"


def test_sample_verdict_is_the_worst_check_and_names_it():
    checks = [
        Check("mapping_rate", "Mapped", 0.95, 0.90),
        Check("duplication_rate", "Dups", 0.2, 0.4, upper=True),
        Check("identity_concordance", "T-N", 0.8, 0.8, applies_to="tumour"),
    ]
    ok = judge_sample({"mapping_rate": 0.99, "duplication_rate": 0.1}, checks, None)
    assert ok == {"verdict": "pass", "reasons": "-"}
    warn = judge_sample({"mapping_rate": 0.93, "duplication_rate": 0.1}, checks, "pass")
    assert warn == {"verdict": "warn", "reasons": "mapping_rate: warn"}
    failed = judge_sample({"mapping_rate": 0.93, "duplication_rate": 0.1}, checks, "fail")
    assert failed["verdict"] == "fail"
    assert failed["reasons"] == "mapping_rate: warn; identity_concordance: fail"


def test_tool_qc_files(tmp_path):
    flagstat = tmp_path / "s.flagstat.txt"
    flagstat.write_text(
        "1000 + 0 in total (QC-passed reads + QC-failed reads)\n"
        "990 + 0 primary\n"
        "10 + 0 secondary\n"
        "960 + 0 mapped (96.00% : N/A)\n"
        "950 + 0 primary mapped (95.96% : N/A)\n"
    )
    assert flagstat_mapping_rate(str(flagstat)) == pytest.approx(950 / 990)
    markdup = tmp_path / "s.markdup.txt"
    markdup.write_text(
        "COMMAND: samtools markdup -s -f x - y\nREAD: 200\nEXAMINED: 200\n"
        "DUPLICATE PRIMARY TOTAL: 30\nDUPLICATE TOTAL: 31\n"
    )
    assert markdup_duplication_rate(str(markdup)) == pytest.approx(0.15)


def test_panel_depth_is_length_weighted(tmp_path):
    regions = tmp_path / "s.regions.bed.gz"
    with gzip.open(regions, "wt") as fh:
        fh.write("c1\t0\t100\tA|1\t10.0\nc1\t200\t500\tA|2\t30.0\n")
    assert panel_mean_depth(str(regions)) == pytest.approx((100 * 10 + 300 * 30) / 400)
    coverage = pd.DataFrame(
        {
            "sample": ["S", "S", "T"],
            "length": [100, 300, 50],
            "frac_ge_20x": [1.0, 0.5, 0.0],
        }
    )
    assert panel_fraction_at_depth(coverage, "S", 20) == pytest.approx(250 / 400)


def test_vaf_histogram_bins_are_half_open():
    hist = vaf_histogram([0.05, 0.049, 0.5, 1.0])
    assert hist["0.00-0.05"] == 1 and hist["0.05-0.10"] == 1
    assert hist["0.50-0.75"] == 1 and hist["0.75-1.00"] == 1
    assert sum(hist.values()) == 4


def test_report_check_names_rows_multiqc_merged(tmp_path):
    import json
    import subprocess
    import sys

    from conftest import REPO

    data = tmp_path / "multiqc_data"
    data.mkdir()
    (data / "multiqc_t.txt").write_text("Sample\tv\nx\t1\n")
    section = tmp_path / "t_mqc.json"
    body = {"id": "t", "plot_type": "table", "pconfig": {"id": "t"}}
    section.write_text(json.dumps({**body, "data": {"x": {"v": 1}}}))
    check = [sys.executable, str(REPO / "scripts/check_report.py"), str(data), str(section)]
    assert subprocess.run(check).returncode == 0
    section.write_text(json.dumps({**body, "data": {"x": {"v": 1}, "x.germline": {"v": 2}}}))
    run = subprocess.run(check, capture_output=True, text=True)
    assert run.returncode == 1
    assert "1 row(s) renamed or merged by MultiQC: x.germline" in run.stderr
