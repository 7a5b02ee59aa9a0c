# concord: the two commands a new user needs are `make demo` and `make test`.
# Both install what is missing first (Debian tools, then the Python venv) and are idempotent.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.requirements-installed
SNAKEMAKE := $(VENV)/bin/snakemake
# jobs find the venv's command-line tools (multiqc) the way an activated venv would
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup tools venv demo demo-key share verify-bundle pool query pool-report tumour-board test conformance conformance-reference verify-certificate annotate lint bench clean-demo

setup: tools venv

tools:
	@bash scripts/setup/install_tools.sh

venv: $(STAMP)

$(STAMP): requirements.txt
	@echo "concord: creating the Python environment in $(VENV) (snakemake and the design-card packages)"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# The demo centre's pseudonym key (config/config.yaml, share.key): made once, random, readable by
# its owner only, outside the checkout; never committed and never printed. A real centre makes
# its own the same way and keeps it (the same key gives the same pseudonyms, run after run).
DEMO_KEY := $(HOME)/.config/concord/demo-centre.key

demo-key:
	@if [ ! -f "$(DEMO_KEY)" ]; then \
		mkdir -p "$(dir $(DEMO_KEY))" \
		&& (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' > "$(DEMO_KEY)") \
		&& echo "concord: made the demo centre key $(DEMO_KEY) (mode 0600)"; fi

demo: setup demo-key
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
	@echo "  share bundle          results/share/ (pseudonyms only; make verify-bundle BUNDLE=results/share)"
	@echo "  pseudonym table       results/share_local/pseudonyms.tsv (stays here, never shared)"
	@echo "  logs / benchmarks     logs/, benchmarks/"

conformance: setup
	@if [ -z "$(KIT)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make conformance KIT=<kit dir> OUT=<out dir>"; exit 2; fi
	$(VENV)/bin/python scripts/conformance_config.py "$(KIT)" "$(OUT)" \
		$(if $(CENTRE),--centre "$(CENTRE)") \
		$(if $(SHARE_KEY),--share-key "$(SHARE_KEY)" $(if $(CONSENT),--consent "$(CONSENT)"))
	$(SNAKEMAKE) --profile profiles/local --snakefile "$(CURDIR)/Snakefile" \
		--directory "$(OUT)" --configfile "$(abspath $(OUT))/config.yaml"
	cp "$(OUT)/results/conformance/certificate.json" "$(OUT)/certificate.json"
	@echo
	@$(VENV)/bin/python -c "import json,sys; c=json.load(open(sys.argv[1])); \
		print('concord conformance:', c['conformance']['verdict'], *c['conformance']['reasons'][:5], sep='\n  ')" \
		"$(OUT)/certificate.json"
	@echo "certificate: $(OUT)/certificate.json (config used: $(OUT)/config.yaml)"
	@if [ -f "$(OUT)/results/share/SHA256SUMS" ]; then echo "share bundle: $(OUT)/results/share"; fi

# the network's reference digests for a kit version, from a run on the reference toolchain
conformance-reference: conformance
	$(VENV)/bin/python scripts/conformance_reference.py "$(KIT)" "$(OUT)"

# only the share bundle (and what it needs) of the configured run
share: setup demo-key
	$(SNAKEMAKE) --profile profiles/local results/share/SHA256SUMS

# what a receiving centre runs on a bundle: checksums, the RO-Crate's entries, each file's tags
verify-bundle: venv
	@if [ -z "$(BUNDLE)" ]; then echo "usage: make verify-bundle BUNDLE=<bundle dir>"; exit 2; fi
	$(VENV)/bin/python scripts/verify_bundle.py "$(BUNDLE)"

# the network's pooled database (docs/pooled-database.md): load share bundles into one DuckDB file
pool: venv
	@if [ -z "$(BUNDLES)" ] || [ -z "$(DB)" ]; then \
		echo "usage: make pool BUNDLES=\"<bundle dir> ...\" DB=<database file> [PARQUET=<dir>]"; exit 2; fi
	$(VENV)/bin/python scripts/pool_bundles.py --db "$(DB)" $(if $(PARQUET),--export-parquet "$(PARQUET)") $(BUNDLES)

# a ready-made question to the pooled database (sql/queries/<NAME>.sql), as TSV (or OUT=<file>)
QUERY_PARAMS := genes=$(GENES) aim=$(AIM) disease=$(DISEASE) commercial=$(COMMERCIAL) \
	methods=$(METHODS) clinical_care=$(CLINICAL_CARE) genetic=$(GENETIC)
query: venv
	@if [ -z "$(NAME)" ] || [ -z "$(DB)" ]; then \
		echo "usage: make query NAME=<$$(ls sql/queries | sed 's/.sql//' | paste -sd'|')> DB=<database file>"; exit 2; fi
	@$(VENV)/bin/python scripts/pool_query.py --db "$(DB)" "$(NAME)" \
		$(foreach p,$(QUERY_PARAMS),$(if $(word 2,$(subst =, ,$(p))),--set "$(p)")) $(if $(OUT),--out "$(OUT)")

# the summary report of the pooled cohort (HTML with plots)
pool-report: venv
	@if [ -z "$(DB)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make pool-report DB=<database file> OUT=<report.html> [GENES=BRCA1,BRCA2]"; exit 2; fi
	$(VENV)/bin/python scripts/pool_report.py --db "$(DB)" --out "$(OUT)" $(if $(GENES),--genes "$(GENES)")

# the molecular tumour board's sheet for one patient pseudonym (HTML, and PDF through chromium)
tumour-board: venv
	@if [ -z "$(DB)" ] || [ -z "$(PATIENT)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make tumour-board DB=<database file> PATIENT=<P-...> OUT=<dir> [CENTRE=<centre>]"; exit 2; fi
	$(VENV)/bin/python scripts/tumour_board.py --db "$(DB)" --patient "$(PATIENT)" --out "$(OUT)" \
		$(if $(CENTRE),--centre "$(CENTRE)") $(if $(GENES),--genes "$(GENES)")

verify-certificate: venv
	@if [ -z "$(CERT)" ] || [ -z "$(RESULTS)" ]; then \
		echo "usage: make verify-certificate CERT=<certificate.json> RESULTS=<run dir>"; exit 2; fi
	$(VENV)/bin/python scripts/verify_certificate.py "$(CERT)" "$(RESULTS)" "$(EXPECTED)"

annotate: setup
	@if [ -z "$(CONFIG)" ] || [ -z "$(VCF)" ] || [ -z "$(OUT)" ]; then \
		echo "usage: make annotate CONFIG=<config.yaml> VCF=<vcf> OUT=<tsv> [PROCESSES=<n>]"; exit 2; fi
	$(VENV)/bin/python scripts/annotate_vcf.py --config "$(CONFIG)" --vcf "$(VCF)" --out "$(OUT)" \
		$(if $(PROCESSES),--processes "$(PROCESSES)")

test: setup demo-key
	@bash scripts/setup/install_tools.sh --test
	@$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest

# the lint gates `make test` runs first: Snakemake's linter, snakefmt (its shell blocks through
# Debian's shfmt), ruff's checks and formatting on all Python
lint: venv demo-key
	$(SNAKEMAKE) --lint
	$(VENV)/bin/snakefmt --check Snakefile rules tests/workflow/memory_retry/Snakefile
	$(VENV)/bin/ruff check scripts tests bench
	$(VENV)/bin/ruff format --check scripts tests bench

# Performance benchmarks (not part of `make test`: they take long and want an idle machine).
# Each prints per-run figures and one `BENCH name: ...` summary line with its exact command;
# the summary lines are collected in bench/last-run.txt. Tables: docs/benchmarks.md.
BENCHES := dag_scale cpu_utilisation alignment_floor fastp_into_bwa annotate_vs_csq expression_matrices standardize_vs_norm
BENCH_KIT ?= ../shared/conformance/brca-grch38-v1

bench: setup
	@rm -f bench/last-run.txt
	@set -e; for b in $(BENCHES); do \
		echo "== bench/$$b.py"; \
		$(VENV)/bin/python bench/$$b.py | tee bench/.$$b.out; \
		grep '^BENCH ' bench/.$$b.out >> bench/last-run.txt; rm -f bench/.$$b.out; \
	done
	@echo; echo "summary (bench/last-run.txt):"; cat bench/last-run.txt

clean-demo:
	rm -rf results logs benchmarks
