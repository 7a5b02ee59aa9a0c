-- expression_by_status: panel gene expression (TPM) of carriers of a truncating variant in that
-- gene (germline or somatic: stop_gained, frameshift_variant, splice_acceptor_variant,
-- splice_donor_variant) against the other patients, per centre and over all centres.
-- RNA samples whose expression QC failed are left out.
-- param genes: list of gene names (default: every gene of the runs' panels)
WITH panel AS (
    SELECT DISTINCT gene FROM run_panel
    WHERE len(coalesce(getvariable('genes'), [])) = 0
        OR list_contains(getvariable('genes'), gene)
),
truncating AS (
    SELECT DISTINCT centre, patient, gene
    FROM brca_findings
    WHERE consequence IN (
        'stop_gained', 'frameshift_variant', 'splice_acceptor_variant', 'splice_donor_variant'
    )
),
measured AS (
    SELECT
        e.centre,
        e.patient,
        e.sample,
        e.gene_name AS gene,
        e.tpm,
        CASE WHEN t.patient IS NULL THEN 'other' ELSE 'truncating carrier' END AS status
    FROM expression AS e
    JOIN panel AS p ON p.gene = e.gene_name
    LEFT JOIN truncating AS t
        ON t.centre = e.centre AND t.patient = e.patient AND t.gene = e.gene_name
    WHERE e.qc_verdict = 'pass'
)
SELECT
    coalesce(centre, 'all centres') AS centre,
    gene,
    status,
    count(*) AS samples,
    round(median(tpm), 2) AS median_tpm,
    round(avg(tpm), 2) AS mean_tpm,
    round(min(tpm), 2) AS min_tpm,
    round(max(tpm), 2) AS max_tpm
FROM measured
GROUP BY GROUPING SETS ((centre, gene, status), (gene, status))
ORDER BY centre = 'all centres', centre, gene, status DESC;
