-- clinvar_discordance: variants seen at more than one centre whose bundles give them different
-- ClinVar classes, one row per variant and centre with the ClinVar snapshot (release) its class
-- came from: different snapshots are the usual cause. A variant absent from a centre's
-- ClinVar shows as 'not in ClinVar'.
-- param genes: list of gene names to show (default: every gene of the runs' panels)
WITH per_centre AS (
    SELECT DISTINCT
        variant_key,
        gene,
        centre,
        coalesce(clinvar_significance, 'not in ClinVar') AS clinvar_class,
        clinvar_release,
        hgvs_c
    FROM brca_findings
    WHERE len(coalesce(getvariable('genes'), [])) = 0
        OR list_contains(getvariable('genes'), gene)
),
discordant AS (
    SELECT variant_key
    FROM per_centre
    GROUP BY variant_key
    HAVING count(DISTINCT centre) > 1 AND count(DISTINCT clinvar_class) > 1
)
SELECT
    p.gene,
    p.hgvs_c,
    p.centre,
    p.clinvar_class,
    p.clinvar_release,
    p.variant_key
FROM per_centre AS p
JOIN discordant USING (variant_key)
ORDER BY p.gene, p.variant_key, p.centre, p.clinvar_release;
