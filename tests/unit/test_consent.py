"""Consent columns against the GA4GH DUO vocabulary: what is accepted, and each error."""

import pandas as pd
import pytest
from concord.consent import DS, load_duo, parse_consent
from concord.errors import InputError
from concord.share import sheet_consents
from conftest import REPO

DUO_CSV = (REPO.parent / "shared" / "vocab" / "duo.csv").resolve()
needs_vocab = pytest.mark.skipif(not DUO_CSV.is_file(), reason="../shared/vocab/duo.csv missing")


@pytest.fixture(scope="module")
def duo():
    return load_duo(DUO_CSV)


def where(column):
    return f"samples.tsv: line 2, column {column!r}"


def consent(duo, **row):
    return parse_consent({"consent_share": "yes", "consent_version": "v1", **row}, duo, where)


@needs_vocab
def test_the_vocabulary_has_five_permissions_and_the_modifiers(duo):
    kinds = {t.shorthand: t.kind for t in duo.values()}
    assert sorted(k for k, v in kinds.items() if v == "permission") == [
        "DS", "GRU", "HMB", "NRES", "POA",
    ]  # fmt: skip
    assert {"PUB", "NCU", "NPU", "IRB", "COL", "GS", "MOR", "TS", "US"} <= {
        k for k, v in kinds.items() if v == "modifier"
    }
    assert duo["GRU"] is duo["DUO:0000042"]
    assert duo["GRU"].iri == "http://purl.obolibrary.org/obo/DUO_0000042"


@needs_vocab
def test_a_consent_by_shorthand_or_duo_id(duo):
    c = consent(duo, consent_permission="GRU", consent_modifiers="PUB, NCU")
    assert c.share and c.codes() == ["DUO:0000042", "DUO:0000019", "DUO:0000046"]
    assert c.summary() == "GRU (DUO:0000042); PUB (DUO:0000019); NCU (DUO:0000046); consent form v1"
    same = consent(duo, consent_permission="DUO:0000042", consent_modifiers="DUO:0000019,NCU")
    assert same.codes() == c.codes()
    ds = consent(duo, consent_permission="DS", consent_disease="MONDO:0007254")
    assert ds.permission.id == DS and ds.disease == "MONDO:0007254"
    assert ds.as_dict()["permission_shorthand"] == "DS"


@needs_vocab
def test_without_sharing_consent_nothing_else_is_needed(duo):
    c = parse_consent({"consent_share": "no"}, duo, where)
    assert not c.share and c.permission is None
    assert not parse_consent({}, duo, where).share  # no consent columns: nothing is shared


@needs_vocab
@pytest.mark.parametrize(
    "row, message",
    [
        ({"consent_permission": "GRX"}, r"'consent_permission': 'GRX' is not a DUO term"),
        ({"consent_permission": "DS"}, r"'consent_disease': empty; DS \(disease specific"),
        (
            {"consent_permission": "GRU,HMB"},
            r"'consent_permission': 'GRU,HMB' has 2 codes; a sample has exactly one",
        ),
        (
            {"consent_permission": "NCU"},
            r"'consent_permission': 'NCU' \(non-commercial use only\) is a DUO data use modifier",
        ),
        (
            {"consent_permission": "GRU", "consent_modifiers": "PUB,HMB"},
            r"'consent_modifiers': 'HMB' .* is a DUO data use permission, not a modifier",
        ),
        (
            {"consent_permission": "GRU", "consent_modifiers": "PUB,PUB"},
            r"'consent_modifiers': 'PUB' is given twice",
        ),
        (
            {"consent_permission": "GRU", "consent_modifiers": "XYZ"},
            r"'consent_modifiers': 'XYZ' is not a DUO term",
        ),
        (
            {"consent_permission": "GRU", "consent_disease": "MONDO:0007254"},
            r"'consent_disease': a disease is only given with DS",
        ),
        (
            {"consent_permission": "DS", "consent_disease": "breast cancer"},
            r"'consent_disease': 'breast cancer' is not a MONDO term",
        ),
        ({"consent_permission": ""}, r"'consent_permission': empty; a sample with consent_share"),
        (
            {"consent_permission": "GRU", "consent_version": ""},
            r"'consent_version': empty; a sample with consent_share 'yes' needs the version",
        ),
    ],
)
def test_bad_consent_names_line_and_column(duo, row, message):
    with pytest.raises(InputError, match=rf"samples.tsv: line 2, column {message}"):
        consent(duo, **row)


@needs_vocab
def test_the_sheet_errors_name_its_file_and_line(duo):
    sheet = pd.DataFrame(
        [
            {"sample_id": "A", "consent_share": "yes", "consent_permission": "HMB",
             "consent_version": "2"},
            {"sample_id": "B", "consent_share": "yes", "consent_permission": "IRB",
             "consent_version": "2"},
        ]
    )  # fmt: skip
    sheet.attrs["path"] = "config/samples.tsv"
    with pytest.raises(
        InputError, match=r"config/samples.tsv: line 3, column 'consent_permission'"
    ):
        sheet_consents(sheet, duo)
    sheet.loc[1, "consent_share"] = "no"
    sheet.loc[1, "consent_permission"] = ""
    consents = sheet_consents(sheet, duo)
    assert [c.share for c in consents.values()] == [True, False]


def test_a_table_without_permissions_is_refused(tmp_path):
    bad = tmp_path / "duo.csv"
    bad.write_text("id,shorthand,label,description\nDUO:1,X,x,This data use modifier indicates\n")
    with pytest.raises(InputError, match="no DUO data use permission"):
        load_duo(bad)
    with pytest.raises(InputError, match="DUO vocabulary not found"):
        load_duo(tmp_path / "missing.csv")
