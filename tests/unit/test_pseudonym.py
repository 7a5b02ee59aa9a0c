"""Keyed pseudonyms: stable for one key, different for another; the key file's checks."""

import os
import re
import stat

import pytest
from concord.errors import InputError
from concord.pseudonym import Pseudonyms, check_key_file, pseudonym, read_key
from conftest import REPO

KEY = b"k" * 32
OTHER = b"o" * 32


def test_the_same_id_and_key_give_the_same_pseudonym():
    assert pseudonym(KEY, "sample", "PT01-tumor") == pseudonym(KEY, "sample", "PT01-tumor")
    assert re.fullmatch(r"S-[0-9a-f]{16}", pseudonym(KEY, "sample", "PT01-tumor"))
    assert re.fullmatch(r"P-[0-9a-f]{16}", pseudonym(KEY, "patient", "PT01"))


def test_another_key_another_id_or_another_kind_give_another_pseudonym():
    base = pseudonym(KEY, "sample", "PT01-tumor")
    assert pseudonym(OTHER, "sample", "PT01-tumor") != base
    assert pseudonym(KEY, "sample", "PT01-normal") != base
    assert pseudonym(KEY, "patient", "X")[2:] != pseudonym(KEY, "sample", "X")[2:]


def test_the_pseudonym_is_the_hmac_sha256_of_the_id():
    import hashlib
    import hmac

    expected = hmac.new(KEY, b"concord:sample:PT01-tumor", hashlib.sha256).hexdigest()[:16]
    assert pseudonym(KEY, "sample", "PT01-tumor") == f"S-{expected}"


def test_the_mapping_is_written_for_the_owner_only(tmp_path):
    names = Pseudonyms(KEY)
    sample = names.sample("PT01-tumor")
    names.patient("PT01")
    out = tmp_path / "pseudonyms.tsv"
    names.write_mapping(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().splitlines()[1] == f"sample\tPT01-tumor\t{sample}"


def key_file(tmp_path, content=b"0123456789abcdef" * 4 + b"\n", mode=0o600):
    path = tmp_path / "centre.key"
    path.write_bytes(content)
    path.chmod(mode)
    return path


def test_a_good_key_file_passes_and_is_read_without_its_newline(tmp_path):
    path = key_file(tmp_path)
    check_key_file(path, REPO)
    assert read_key(path) == b"0123456789abcdef" * 4


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "none.key", "the centre key file does not exist"),
        (lambda d: key_file(d, mode=0o640), r"readable by its owner only \(mode 0640"),
        (lambda d: key_file(d, mode=0o604), r"readable by its owner only \(mode 0604"),
        (lambda d: key_file(d, content=b"short\n"), "shorter than 32 bytes"),
    ],
)
def test_a_bad_key_file_stops_the_run(tmp_path, make, message):
    with pytest.raises(InputError, match=message):
        check_key_file(make(tmp_path), REPO)


def test_a_key_inside_the_checkout_is_refused(tmp_path):
    path = key_file(tmp_path)
    with pytest.raises(InputError, match="must live outside the concord checkout"):
        check_key_file(path, tmp_path)
    link = tmp_path / "link"
    os.symlink(tmp_path, link)
    with pytest.raises(InputError, match="outside the concord checkout"):
        check_key_file(link / "centre.key", tmp_path)
