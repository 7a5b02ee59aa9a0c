"""Static checks of the rule files: every rule's conda env provides what its job imports or
calls, every results path comes from concord.paths, and no output is picked by position."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from concord import paths
from concord.toolchain import all_env_dependencies

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((REPO / "rules").glob("*.smk"))
SCRIPTS = REPO / "scripts"

# what each conda package provides: commands on the PATH and Python modules
PROVIDES = {
    "bwa": {"commands": {"bwa"}},
    "samtools": {"commands": {"samtools"}},
    "htslib": {"commands": {"bgzip", "tabix", "htsfile"}},
    "bcftools": {"commands": {"bcftools"}},
    "fastp": {"commands": {"fastp"}},
    "mosdepth": {"commands": {"mosdepth"}},
    "freebayes": {"commands": {"freebayes"}},
    "salmon": {"commands": {"salmon"}},
    "gffread": {"commands": {"gffread"}},
    "coreutils": {"commands": {"ln", "realpath", "cat", "mkdir", "cp", "mv", "rm", "touch"}},
    "python": {"commands": {"python", "python3"}},
    "multiqc": {"commands": {"multiqc"}, "modules": {"multiqc"}},
    "pysam": {"modules": {"pysam"}},
    "pandas": {"modules": {"pandas", "numpy"}},  # numpy comes with pandas, at pandas' pin
    "pyarrow": {"modules": {"pyarrow"}},
    "pyyaml": {"modules": {"yaml"}},
    "jsonschema": {"modules": {"jsonschema"}},
    "hgvs": {"modules": {"hgvs", "bioutils"}},
    "cdot": {"modules": {"cdot"}},
    "rocrate": {"modules": {"rocrate"}},
}
PREFIX_WORDS = {"do", "then", "else", "!", "time"}  # a command follows them
SHELL_WORDS = {
    "for", "in", "done", "if", "fi", "while", "printf", "echo", "test",
    "true", "false", "set", "cd", "exit", "export",
}  # fmt: skip


@dataclass
class Rule:
    name: str
    file: Path
    text: str
    conda: str | None = None
    script: str | None = None
    shell: str | None = None


def _directive(block: str, name: str) -> str | None:
    """The (string) value of a rule directive: the literal(s) on the lines after `name:`."""
    lines = block.splitlines()
    for i, line in enumerate(lines):
        m = re.match(rf"^(\s*){name}:\s*(.*)$", line)
        if not m:
            continue
        indent, rest = len(m.group(1)), m.group(2)
        body = [rest] if rest else []
        for nxt in lines[i + 1 :]:
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                break
            body.append(nxt)
        code = "\n".join(x for x in body if not x.strip().startswith("#")).strip()
        try:  # string literals, adjacent ones concatenated as Python does
            return ast.literal_eval(f"({code})")
        except (ValueError, SyntaxError):
            return code  # an expression (a function, a paths template)
    return None


def parse_rules() -> list[Rule]:
    rules = []
    for path in RULE_FILES:
        text = path.read_text()
        starts = list(re.finditer(r"^(\s*)rule (\w+):", text, re.MULTILINE))
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            block = text[m.start() : end]
            rule = Rule(m.group(2), path, block)
            rule.conda = _directive(block, "conda")
            rule.script = _directive(block, "script")
            rule.shell = _directive(block, "shell")
            rules.append(rule)
    return rules


RULES = parse_rules()


def env_provides(env_file: Path) -> tuple[set[str], set[str]]:
    deps = all_env_dependencies(env_file.parent)[env_file.stem]
    commands, modules = set(), set()
    for package in deps:
        assert package in PROVIDES, f"{env_file.name}: add {package!r} to PROVIDES in this test"
        commands |= PROVIDES[package].get("commands", set())
        modules |= PROVIDES[package].get("modules", set())
    return commands, modules


def shell_commands(shell: str) -> set[str]:
    """The programs a shell command runs (first word of each pipeline segment and of each
    command substitution)."""
    segments = []

    def substitute(match):
        segments.append(match.group(1))
        return "ARG"

    while re.search(r"\$\(([^()]*)\)", shell):
        shell = re.sub(r"\$\(([^()]*)\)", substitute, shell)
    segments += re.split(r"\|\||&&|[|;()\n]", shell)
    commands = set()
    for segment in segments:
        words = segment.split()
        while words and words[0] in PREFIX_WORDS:
            words.pop(0)
        if not words or words[0] in SHELL_WORDS:
            continue
        if words[0].startswith(("{", "$", "-", ">", "<", "2>", "\\", '"', "'")):
            continue
        commands.add(words[0])
    return commands


def module_imports(path: Path, seen: set[Path] | None = None) -> set[str]:
    """Top-level names of every module a script imports, following concord's own modules
    (imports inside functions count too: they run in the same job)."""
    seen = set() if seen is None else seen
    if path in seen:
        return set()
    seen.add(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top == "concord":
                module = SCRIPTS / Path(*name.split("."))
                for candidate in (module.with_suffix(".py"), module / "__init__.py"):
                    if candidate.is_file():
                        found |= module_imports(candidate, seen)
            elif top != "__future__":
                found.add(top)
    return found - set(sys.stdlib_module_names) - {"concord"}


def helper_scripts(rule: Rule) -> list[Path]:
    return [SCRIPTS / name for name in re.findall(r'workflow_script\("([^"]+)"\)', rule.text)]


def test_the_parser_sees_every_rule():
    names = {r.name for r in RULES}
    assert {"bwa_mem", "multiqc", "salmon_quant", "brca_report", "tool_version"} <= names
    assert len(RULES) == len(names), "two rules with one name"


@pytest.mark.parametrize("rule", [r for r in RULES if r.name != "all"], ids=lambda r: r.name)
def test_rule_env_provides_what_the_job_runs(rule):
    assert rule.conda, f"{rule.file.name}: rule {rule.name} has no conda: env"
    envs = (
        sorted(
            (rule.file.parent / rule.conda).parent.glob(Path(rule.conda).name.replace("{env}", "*"))
        )
        if "{env}" in rule.conda
        else [(rule.file.parent / rule.conda).resolve()]
    )
    assert envs and all(e.is_file() for e in envs), f"rule {rule.name}: env {rule.conda} missing"
    for env in envs:
        commands, modules = env_provides(env)
        if rule.script:
            script = (rule.file.parent / rule.script).resolve()
            assert "python" in commands, f"rule {rule.name}: env {env.name} has no python"
            missing = module_imports(script) - modules
            assert not missing, f"rule {rule.name}: {env.name} lacks {sorted(missing)}"
        if rule.shell and "{params.command}" not in rule.shell:
            missing = shell_commands(rule.shell) - commands
            assert not missing, f"rule {rule.name}: {env.name} lacks {sorted(missing)}"
        for helper in helper_scripts(rule):
            missing = module_imports(helper) - modules
            assert not missing, f"rule {rule.name}: {helper.name} needs {sorted(missing)}"


def test_version_queries_run_in_the_tool_s_own_env():
    from concord.versions import ENVIRONMENTS, version_command

    for env in ENVIRONMENTS:
        commands, _ = env_provides(REPO / "envs" / f"{env}.yaml")
        assert version_command(env).split()[0] in commands, env


def test_the_static_checks_catch_a_missing_tool_or_module(tmp_path):
    assert shell_commands(
        "(samtools merge -u - {input} | samtools markdup - {output}) 2> {log}"
    ) == {"samtools"}
    linked = shell_commands("for f in {input}; do ln -sfn $(realpath $f) x; done")
    assert linked == {"ln", "realpath"}
    # bash reads a file with $(< file) itself; <(...) runs its command
    substituted = shell_commands('salmon -l "$(<{input.t})" -1 <(python h.py 5 {input.r1})')
    assert substituted == {"salmon", "python"}
    script = tmp_path / "s.py"
    script.write_text(
        "import json\nfrom concord.coverage import DEPTHS\n\ndef f():\n    import hgvs\n"
    )
    assert module_imports(script) == {"hgvs"}


def test_no_results_path_is_spelled_in_a_rule():
    for path in [*RULE_FILES, REPO / "Snakefile"]:
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            assert "results/" not in code, f"{path.name}:{n}: use concord.paths: {line.strip()}"


def test_no_output_or_input_is_picked_by_position():
    pattern = re.compile(r"\b(output|outputs|input|inputs)\[(-?[1-9]\d*|-1|i)\]|NAMES\.index\(")
    for path in [*SCRIPTS.glob("*.py"), *RULE_FILES]:
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            assert not pattern.search(line), f"{path.name}:{n}: select by name: {line.strip()}"


def test_every_template_is_used_by_a_rule_or_an_input_function():
    used = "\n".join(p.read_text() for p in RULE_FILES)
    used += (SCRIPTS / "concord" / "workflow_inputs.py").read_text()
    names = [n for n in dir(paths) if n.isupper() and isinstance(getattr(paths, n), str | dict)]
    unused = [n for n in names if f"paths.{n}" not in used and n not in {"RESULTS", "EXPRESSION"}]
    derived = {"SOMATIC_NAME", "GERMLINE_NAME", "STANDARD_PREFIX", "BRCA_PREFIX", "REPORT_DIR"}
    derived |= {"SALMON_DIR", "STANDARD_VALIDATION"}  # the bases other templates are built on
    derived |= {"SHARE_DIR", "BUNDLE", "BUNDLE_SIDECAR"}  # the bundle's inside (concord.bundle)
    assert set(unused) <= derived, f"templates no rule uses: {sorted(set(unused) - derived)}"


def test_templates_fill_and_match():
    assert paths.fill("{a}/{b}.{a}", a="x") == "x/{b}.x"
    assert paths.SOMATIC_VCF == "results/somatic/{patient}/{tumor}_vs_{normal}.somatic.vcf.gz"
    assert paths.owning_template("results/somatic/P1/T_vs_N.somatic.vcf.gz") == paths.SOMATIC_VCF
    assert paths.owning_template("results/expression/salmon/S1/quant.sf") == paths.SALMON_DIR
    assert paths.owning_template("results/somatic/P1/extra.txt") is None


def test_every_tool_rule_runs_in_an_env_the_toolchain_check_asks():
    """The check before any job asks every env of envs/ that a job of the run uses
    (concord.versions.ENVIRONMENTS); only the link rules run in coreutils, unchecked."""
    from concord.versions import ENVIRONMENTS

    for rule in RULES:
        if rule.name == "all":
            continue
        env = Path(rule.conda).stem
        assert env in {*ENVIRONMENTS, "{env}"} or (
            env == "coreutils" and rule.name.startswith("link_")
        ), f"rule {rule.name}: env {env} is not asked by the toolchain check"
