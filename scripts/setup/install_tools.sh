#!/usr/bin/env bash
# Install the command-line tools concord runs, from Debian's packages, where they are missing.
# Idempotent: when everything is present it installs nothing. Versions are concord's reference
# toolchain (envs/*.yaml pins the same versions for centres that deploy with conda).
set -euo pipefail

# package  expected-version-prefix  command-to-check
TOOLS=(
  "bwa 0.7.17 bwa"
  "samtools 1.16.1 samtools"
  "bcftools 1.16 bcftools"
  "tabix 1.16 tabix"
  "fastp 0.23.2 fastp"
  "mosdepth 0.3.3 mosdepth"
  "freebayes 1.3.6 freebayes"
  "salmon 1.10.1 salmon"
  "gffread 0.12.7 gffread"
  "libpq-dev 15 pg_config"  # hgvs needs psycopg2, which pip builds from source
)
# --test: also what the tests need: the headless browser the report tests open the MultiQC
# report in, shfmt, which snakefmt uses to check the rules' shell blocks, a single-node Slurm
# cluster the cluster tests start and stop themselves (tests/slurm_cluster.py), and rsync, which
# the storage plugin of the no-shared-filesystem test copies files with
if [[ "${1:-}" == "--test" ]]; then
  TOOLS+=("chromium 1 chromium" "shfmt 3.6.0 shfmt")
  TOOLS+=("munge 0.5 munged" "slurmctld 22.05 slurmctld" "slurmd 22.05 slurmd")
  TOOLS+=("slurm-client 22.05 sbatch" "rsync 3 rsync")
fi
# the Slurm and munge daemons live in sbin
export PATH="$PATH:/usr/sbin:/sbin"

missing=()
for entry in "${TOOLS[@]}"; do
  read -r pkg version cmd <<<"$entry"
  installed=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null || true)
  if [[ "$installed" != "install ok installed "* ]] || ! command -v "$cmd" >/dev/null; then
    missing+=("$pkg")
  elif [[ "${installed#install ok installed }" != "$version"* ]]; then
    echo "concord: warning: $pkg ${installed#install ok installed } is installed; the reference toolchain has $version" >&2
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "concord: missing tools: ${missing[*]}" >&2
    echo "concord: this needs root and apt-get; without them use the conda route (README: 'Without root')." >&2
    exit 1
  fi
  echo "concord: installing from Debian: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's mosdepth loads libhts.so by its unversioned name, which only the -dev package provides.
if ! mosdepth --version >/dev/null 2>&1; then
  lib=$(find /usr/lib -name 'libhts.so.3' 2>/dev/null | head -n 1)
  if [[ -n "$lib" && $(id -u) -eq 0 ]]; then
    ln -sf "$(basename "$lib")" "$(dirname "$lib")/libhts.so"
  fi
  mosdepth --version >/dev/null 2>&1 || { echo "concord: mosdepth cannot start (libhts.so)" >&2; exit 1; }
fi
echo "concord: tools present (bwa, samtools, bcftools, fastp, mosdepth, freebayes, salmon, gffread${1:+, chromium, shfmt, slurm, munge, rsync})"
