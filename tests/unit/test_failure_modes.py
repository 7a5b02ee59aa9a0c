"""docs/failure-modes.md and the tests stay in step: every row names a test that exists, and
every bad-input case the tests run has its row."""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "failure-modes.md"
ROW = re.compile(r"^\|(?P<case>[^|]+)\|(?P<seen>.+)\|\s*`(?P<test>tests/[^`]+)`\s*\|\s*$")


def rows() -> list[dict]:
    return [m.groupdict() for line in DOC.read_text().splitlines() if (m := ROW.match(line))]


def functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def case_lists(path: Path) -> set[str]:
    """Names in the module's CASES-like lists (`CASES = [f, g, ...]`, any name ending in CASES)."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            if any(isinstance(t, ast.Name) and t.id.endswith("CASES") for t in node.targets):
                names |= {e.id for e in node.value.elts if isinstance(e, ast.Name)}
    return names


def test_every_row_names_a_test_that_exists():
    missing = []
    for row in rows():
        file, _, name = row["test"].partition("::")
        path = REPO / file
        if not path.is_file() or name not in functions(path):
            missing.append(row["test"])
    assert missing == []


def test_every_case_the_tests_run_has_its_row():
    documented = {row["test"] for row in rows()}
    undocumented = [
        f"{path.relative_to(REPO)}::{name}"
        for path in sorted((REPO / "tests").rglob("test_*.py"))
        for name in sorted(case_lists(path))
        if f"{path.relative_to(REPO)}::{name}" not in documented
    ]
    assert undocumented == []


def test_no_case_is_listed_twice_and_each_says_what_the_user_sees():
    tests = [row["test"] for row in rows()]
    assert len(tests) == len(set(tests))
    assert all(row["seen"].strip() and row["case"].strip() for row in rows())
