-- The pooled database of the network (docs/pooled-database.md). DuckDB; created by
-- `make pool` on first use. Every data row names the run (bundle) it came from; a patient is
-- (centre, patient pseudonym): pseudonyms are keyed per centre.
CREATE TABLE IF NOT EXISTS pool_meta (
    key VARCHAR, -- schema_version, concord_major, reference_contigs (md5:length, sorted)
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS centres (
    centre VARCHAR, -- the centre's identifier, as its bundles name it
    first_loaded TIMESTAMP
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR, -- 'R-' and the first 16 hex digits of the SHA-256 of the bundle's SHA256SUMS
    centre VARCHAR,
    created DATE, -- the day the bundle was made (bundle.json created)
    loaded_at TIMESTAMP,
    concord_version VARCHAR,
    bundle_format VARCHAR, -- concord-share 1
    assembly VARCHAR,
    contigs_sha256 VARCHAR, -- SHA-256 of the bundle's reference/genome.contigs.tsv
    toolchain VARCHAR, -- 'tool version; ...' as the run's tools reported themselves
    certificate_verdict VARCHAR, -- PASS / FAIL from the bundle's conformance entry, else NULL
    certificate_kit VARCHAR,
    samples_without_sharing_consent INTEGER,
    source VARCHAR -- the directory it was loaded from
);
CREATE TABLE IF NOT EXISTS run_tools (run_id VARCHAR, tool VARCHAR, version VARCHAR);
CREATE TABLE IF NOT EXISTS run_panel (
    run_id VARCHAR, gene VARCHAR, transcript VARCHAR -- the panel, from the coverage tables
);
CREATE TABLE IF NOT EXISTS contigs (
    contig_md5 VARCHAR, length BIGINT, contig VARCHAR, run_id VARCHAR -- names as each run had them
);
CREATE TABLE IF NOT EXISTS samples (
    run_id VARCHAR,
    centre VARCHAR,
    patient VARCHAR, -- pseudonym (P-...)
    sample VARCHAR, -- pseudonym (S-...)
    role VARCHAR, -- tumor / normal
    assay VARCHAR, -- dna / rna
    tissue VARCHAR,
    sex VARCHAR,
    tumor_content DOUBLE,
    permission VARCHAR, -- DUO shorthand: GRU, HMB, DS, NRES, POA
    permission_id VARCHAR, -- DUO:0000042 ...
    disease VARCHAR, -- MONDO term, DS only
    modifiers VARCHAR[], -- DUO shorthands
    modifier_ids VARCHAR[],
    consent_version VARCHAR
);
CREATE TABLE IF NOT EXISTS variants (
    variant_key VARCHAR, -- '<contig md5>:<pos>:<ref>:<alt>', one per normalized allele
    contig_md5 VARCHAR,
    pos BIGINT,
    ref VARCHAR,
    alt VARCHAR,
    vartype VARCHAR -- SNV, MNV, INS, DEL, DELINS
);
CREATE TABLE IF NOT EXISTS calls (
    run_id VARCHAR,
    centre VARCHAR,
    patient VARCHAR,
    sample VARCHAR, -- the tumour (somatic) or the normal (germline)
    origin VARCHAR, -- somatic / germline
    variant_key VARCHAR,
    contig VARCHAR, -- the name in this run's reference
    pos BIGINT,
    tumor_vaf DOUBLE,
    tumor_depth INTEGER,
    normal_vaf DOUBLE,
    normal_depth INTEGER
);
CREATE TABLE IF NOT EXISTS brca_findings (
    run_id VARCHAR,
    centre VARCHAR,
    patient VARCHAR,
    origin VARCHAR,
    variant_key VARCHAR,
    contig VARCHAR,
    pos BIGINT,
    ref VARCHAR,
    alt VARCHAR,
    gene VARCHAR,
    transcript VARCHAR,
    hgvs_c VARCHAR,
    hgvs_p VARCHAR,
    consequence VARCHAR,
    exon VARCHAR,
    intron VARCHAR,
    clinvar_significance VARCHAR, -- NULL: not in the run's ClinVar
    clinvar_review_status VARCHAR,
    clinvar_variation_id VARCHAR,
    clinvar_release VARCHAR, -- the ClinVar snapshot (its ##fileDate)
    tumor_vaf DOUBLE,
    tumor_depth INTEGER,
    normal_vaf DOUBLE,
    normal_depth INTEGER
);
CREATE TABLE IF NOT EXISTS exon_coverage (
    run_id VARCHAR,
    centre VARCHAR,
    patient VARCHAR,
    sample VARCHAR,
    role VARCHAR,
    gene VARCHAR,
    transcript VARCHAR,
    exon VARCHAR,
    contig VARCHAR,
    start_pos BIGINT,
    end_pos BIGINT,
    frac_ge_20x DOUBLE,
    frac_ge_50x DOUBLE,
    frac_ge_100x DOUBLE,
    verdict VARCHAR -- pass / fail
);
CREATE TABLE IF NOT EXISTS expression (
    run_id VARCHAR,
    centre VARCHAR,
    patient VARCHAR,
    sample VARCHAR,
    gene_id VARCHAR,
    gene_name VARCHAR,
    tpm DOUBLE,
    count DOUBLE,
    qc_verdict VARCHAR -- the sample's expression QC verdict (pass / fail: ...)
);
CREATE TABLE IF NOT EXISTS provenance (
    run_id VARCHAR, path VARCHAR, kind VARCHAR, sha256 VARCHAR, size BIGINT
);
CREATE TABLE IF NOT EXISTS disease_terms (
    term VARCHAR, label VARCHAR, parent VARCHAR -- the disease hierarchy DUO matching uses
);
