# concord: the two commands a new user needs are `make demo` and `make test`.
# Both install what is missing first (Debian tools, then the Python venv) and are idempotent.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.requirements-installed
SNAKEMAKE := $(VENV)/bin/snakemake
# jobs find the venv's command-line tools (multiqc) the way an activated venv would
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup tools venv demo test conformance annotate lint clean-demo

setup: tools venv

tools:
	@bash scripts/setup/install_tools.sh

venv: $(STAMP)

$(STAMP): requirements.txt
	@echo "concord: creating the Python environment in $(VENV) (snakemake and the design-card packages)"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

demo: setup
	$(SNAKEMAKE) --profile profiles/local
	@echo
	@echo "concord demo finished. Results:"
	@echo "  the run's report      results/report/multiqc.html   <- open this first"
	@echo "  analysis-ready BAMs   results/align/<sample>/<sample>.bam (+ .bai)"
	@echo "  alignment QC          results/qc/samtools/, results/qc/mosdepth/, results/qc/markdup/"
	@echo "  read QC (fastp)       results/qc/fastp/<sample>/<unit>.fastp.html"
	@echo "  somatic VCFs          results/somatic/<patient>/<tumor>_vs_<normal>.somatic.vcf.gz"
	@echo "  germline VCFs         results/germline/<patient>/<normal>.germline.vcf.gz"
	@echo "  BRCA-style panel      results/brca/<patient>/<patient>.brca.tsv, .brca_coverage.tsv, .brca.json"
	@echo "  expression matrices   results/expression/genes.counts.tsv, genes.tpm.tsv, ... qc.tsv"
	@echo "  reference digests     results/reference/genome.contigs.tsv"
	@echo "  logs / benchmarks     logs/, benchmarks/"

conformance: setup
	@if [ -z "$(KIT)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make conformance KIT=<kit dir> OUT=<out dir>"; exit 2; fi
	$(VENV)/bin/python scripts/conformance_config.py "$(KIT)" "$(OUT)"
	$(SNAKEMAKE) --profile profiles/local --snakefile "$(CURDIR)/Snakefile" \
		--directory "$(OUT)" --configfile "$(abspath $(OUT))/config.yaml"
	cp "$(OUT)/results/conformance/certificate.json" "$(OUT)/certificate.json"
	@echo
	@echo "concord conformance finished: $(OUT)/certificate.json (config used: $(OUT)/config.yaml)"

annotate: setup
	@if [ -z "$(CONFIG)" ] || [ -z "$(VCF)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make annotate CONFIG=<config.yaml> VCF=<vcf> OUT=<tsv>"; exit 2; fi
	$(VENV)/bin/python scripts/annotate_vcf.py --config "$(CONFIG)" --vcf "$(VCF)" --out "$(OUT)"

test: setup
	@bash scripts/setup/install_tools.sh --test
	@$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest

# the lint gates `make test` runs first: Snakemake's linter, snakefmt (its shell blocks through
# Debian's shfmt), ruff's checks and formatting on all Python
lint: venv
	$(SNAKEMAKE) --lint
	$(VENV)/bin/snakefmt --check Snakefile rules tests/workflow/memory_retry/Snakefile
	$(VENV)/bin/ruff check scripts tests bench
	$(VENV)/bin/ruff format --check scripts tests bench

clean-demo:
	rm -rf results logs benchmarks
