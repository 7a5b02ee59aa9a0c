"""What a receiving centre checks in a share bundle (`make verify-bundle BUNDLE=<dir>`).

Without concord's run and without any key: every file against SHA256SUMS and nothing unlisted;
the RO-Crate describes every file with the same SHA-256 and size, and every sample's data use
as GA4GH DUO terms; bundle.json lists the same; each file carries its own tags (VCF header, MAF
comment lines, a table's sidecar); the cBioPortal study passes concord's structural checks.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from concord import paths
from concord.cbioportal import check_study
from concord.checksums import sha256_of

DUO_ID = re.compile(r"^DUO:[0-9]{7}$")
PROFILE = "https://w3id.org/ro/wfrun/workflow/0.5"


def read_checksums(root: Path, problems: list[str]) -> dict[str, str]:
    listed = {}
    sums = root / paths.BUNDLE["checksums"]
    if not sums.is_file():
        problems.append("SHA256SUMS is missing")
        return listed
    for n, line in enumerate(sums.read_text().splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
            problems.append(f"SHA256SUMS: line {n} is not '<sha256>  <path>'")
            continue
        if name.startswith("/") or ".." in Path(name).parts:
            problems.append(f"SHA256SUMS: line {n}: {name} leaves the bundle")
            continue
        listed[name] = digest
    return listed


def verify_bundle(root: str | Path) -> tuple[list[str], dict]:
    """(problems, summary): every departure found, and what the bundle says it holds."""
    root = Path(root)
    problems: list[str] = []
    listed = read_checksums(root, problems)
    present = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != paths.BUNDLE["checksums"]
    }
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not in SHA256SUMS")
    for name, digest in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: listed in SHA256SUMS but missing")
        elif sha256_of(root / name) != digest:
            problems.append(f"{name}: SHA-256 differs from SHA256SUMS")
    manifest = _load_json(root / paths.BUNDLE["manifest"], problems)
    crate = _load_json(root / paths.BUNDLE["crate"], problems)
    if manifest is None or crate is None:
        return problems, {}
    samples = {s["sample"]: s for s in manifest.get("samples", [])}
    for name, entry in samples.items():
        use = entry.get("data_use", {})
        if not DUO_ID.match(use.get("permission", {}).get("id", "")):
            problems.append(f"bundle.json: sample {name} has no DUO permission")
        if not use.get("consent_version"):
            problems.append(f"bundle.json: sample {name} has no consent version")
    _check_crate(crate, root, listed, samples, problems)
    for f in manifest.get("files", []):
        if f["path"] not in listed:
            problems.append(f"bundle.json: {f['path']} is not in SHA256SUMS")
        unknown = set(f.get("samples", [])) - set(samples)
        if unknown:
            problems.append(f"bundle.json: {f['path']} holds unknown samples {sorted(unknown)}")
        _check_tags(root, f, samples, problems)
    study = root / paths.BUNDLE["cbioportal"]
    if study.is_dir():
        problems += [f"cbioportal/{p}" for p in check_study(study)]
    summary = {
        "centre": manifest.get("centre"),
        "concord_version": manifest.get("concord_version"),
        "format": f"{manifest.get('format')} {manifest.get('format_version')}",
        "reference": manifest.get("reference", {}).get("assembly"),
        "files": len(listed) + 1,
        "samples": {n: s["data_use"]["summary"] for n, s in samples.items()},
        "samples_without_sharing_consent": manifest.get("samples_without_sharing_consent"),
    }
    return problems, summary


def _load_json(path: Path, problems: list[str]):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        problems.append(f"{path.name}: cannot be read as JSON ({error})")
        return None


def _ids(value) -> list[str]:
    values = value if isinstance(value, list) else [value] if value else []
    return [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]


def _check_crate(crate: dict, root: Path, listed, samples, problems: list[str]) -> None:
    graph = {e["@id"]: e for e in crate.get("@graph", [])}
    top = graph.get("./", {})
    if PROFILE not in _ids(top.get("conformsTo")):
        problems.append(f"ro-crate-metadata.json: the root does not conform to {PROFILE}")
    actions = [e for e in graph.values() if e.get("@type") == "CreateAction"]
    if len(actions) != 1:
        problems.append("ro-crate-metadata.json: one CreateAction (the run) is expected")
    results = set(_ids(actions[0].get("result"))) if actions else set()
    for name, digest in listed.items():
        if name == paths.BUNDLE["crate"]:
            continue
        entity = graph.get(name)
        if entity is None:
            problems.append(f"ro-crate-metadata.json: no entry for {name}")
            continue
        if name not in results:
            problems.append(f"ro-crate-metadata.json: {name} is not a result of the run")
        if entity.get("sha256") != digest:
            problems.append(f"ro-crate-metadata.json: {name}: sha256 differs from SHA256SUMS")
        if entity.get("contentSize") != str((root / name).stat().st_size):
            problems.append(f"ro-crate-metadata.json: {name}: contentSize differs")
        for sample_id in _ids(entity.get("about")):
            if sample_id == "./":
                continue
            sample = graph.get(sample_id, {})
            if sample.get("name") not in samples:
                problems.append(f"ro-crate-metadata.json: {name} is about unknown {sample_id}")
        if _ids(entity.get("about")) and not _ids(entity.get("usageInfo")):
            if any(i != "./" for i in _ids(entity.get("about"))):
                problems.append(f"ro-crate-metadata.json: {name} has no data use (usageInfo)")
    for name in samples:
        sample = graph.get(f"#sample-{name}")
        if sample is None:
            problems.append(f"ro-crate-metadata.json: no entry for sample {name}")
            continue
        consent = graph.get(next(iter(_ids(sample.get("usageInfo"))), ""), {})
        codes = [graph.get(t, {}).get("termCode", "") for t in _ids(consent.get("about"))]
        if not any(DUO_ID.match(c) for c in codes):
            problems.append(f"ro-crate-metadata.json: sample {name}: no DUO term in its consent")


def _check_tags(root: Path, f: dict, samples: dict, problems: list[str]) -> None:
    """The file says where it came from and under which consent, wherever its format allows."""
    path = root / f["path"]
    held = f.get("samples", [])
    if not path.is_file():
        return
    if f["path"].endswith(".vcf.gz"):
        with gzip.open(path, "rt") as fh:
            header = [line for line in _header_lines(fh)]
        if not any(line.startswith("##concordShare=") for line in header):
            problems.append(f"{f['path']}: no ##concordShare header line")
        for sample in held:
            line = next((x for x in header if f"SampleName={sample}," in x), "")
            if "DataUsePermission=DUO:" not in line:
                problems.append(f"{f['path']}: ##SAMPLE of {sample} has no DataUsePermission")
    elif f["path"].endswith(".maf"):
        comments = [x for x in path.read_text().splitlines() if x.startswith("#")]
        if not any(x.startswith("#concord.bundle ") for x in comments):
            problems.append(f"{f['path']}: no #concord.bundle line")
        for sample in held:
            line = next((x for x in comments if x.startswith(f"#concord.sample {sample} ")), "")
            if "data_use_permission=DUO:" not in line:
                problems.append(f"{f['path']}: no data use line for {sample}")
    elif f["path"].endswith(".tsv"):
        sidecar = root / paths.BUNDLE_SIDECAR.format(table=f["path"])
        if not sidecar.is_file():
            problems.append(f"{f['path']}: its metadata sidecar is missing")
            return
        meta = json.loads(sidecar.read_text())
        if meta.get("bundle", {}).get("centre") is None:
            problems.append(f"{sidecar.name}: no bundle identity")
        tagged = {s["sample"]: s for s in meta.get("samples", [])}
        for sample in held:
            if not DUO_ID.match(tagged.get(sample, {}).get("data_use", {}).get("permission", {})
                                .get("id", "")):  # fmt: skip
                problems.append(f"{sidecar.name}: no data use of {sample}")


def _header_lines(fh):
    for line in fh:
        if not line.startswith("#"):
            return
        yield line.rstrip("\n")
