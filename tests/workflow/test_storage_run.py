"""The demo without a shared filesystem, as Kubernetes or Google Batch see it: every file in a
storage provider (snakemake-storage-plugin-fs), `--shared-fs-usage none`. A job can only read
what it declared as input; the run directory holds the config and the sheets, nothing else."""

import shutil

import pytest
import yaml
from conftest import (
    REPO,
    differing_files,
    record_wall_time,
    run_snakemake,
    standardized_files,
)

STORAGE = ("--default-storage-provider", "fs", "--shared-fs-usage", "none")


def without_share(config_file):
    """A share bundle is made at the centre, where its key is: not in a storage-only run."""
    config = yaml.safe_load(config_file.read_text())
    del config["share"]
    config_file.write_text(yaml.safe_dump(config))


def test_a_share_section_in_a_storage_run_is_refused_before_any_job(tmp_path):
    shutil.copytree(REPO / "config", tmp_path / "config")
    result = run_snakemake(
        tmp_path, "--cores", "1", "--configfile", str(tmp_path / "config" / "config.yaml"),
        *STORAGE, "--default-storage-prefix", str(tmp_path / "storage"),
    )  # fmt: skip
    assert result.returncode != 0
    assert "concord input check failed (nothing was run)" in result.stderr
    assert "config share: a share bundle is made on the centre's own machine" in result.stderr
    assert not (tmp_path / "results").exists() and not (tmp_path / "storage").exists()


@pytest.fixture(scope="module")
def storage_run(tmp_path_factory):
    """The bundled config and sheets as they are (paths relative to the storage prefix); the
    demo's data only in storage, under that prefix."""
    run = tmp_path_factory.mktemp("demo_no_shared_fs")
    storage = tmp_path_factory.mktemp("storage")
    shutil.copytree(REPO / "config", run / "config")
    without_share(run / "config" / "config.yaml")
    shutil.copytree(REPO / "resources" / "demo", storage / "resources" / "demo")
    result = run_snakemake(
        run, "--cores", "2", "--configfile", str(run / "config" / "config.yaml"),
        "--default-storage-provider", "fs", "--default-storage-prefix", str(storage),
        "--shared-fs-usage", "none",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    record_wall_time("demo, no shared filesystem (fs storage)", result.seconds)
    return run, storage, result


def test_without_a_shared_filesystem_the_standardized_outputs_are_the_same(
    storage_run, run_two_threads
):
    run, storage, _ = storage_run
    local = standardized_files(run_two_threads.path / "results")
    assert local
    assert not differing_files(local, standardized_files(storage / "results"))


def test_every_output_went_to_storage_and_no_input_was_read_from_the_run_directory(storage_run):
    run, storage, result = storage_run
    assert not (run / "results").exists() and not (run / "resources").exists()
    assert (storage / "results" / "report" / "multiqc.html").stat().st_size > 100_000
    assert "MissingInputException" not in result.stderr
