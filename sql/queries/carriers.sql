-- carriers: every panel variant with its carriers across the network, germline and somatic,
-- and how many centres saw it. A carrier is a patient (centre + pseudonym).
-- param genes: list of gene names to show (default: every gene of the runs' panels)
SELECT
    f.gene,
    f.transcript,
    mode(f.hgvs_c) AS hgvs_c,
    mode(f.hgvs_p) AS hgvs_p,
    mode(f.consequence) AS consequence,
    count(DISTINCT (f.centre, f.patient)) FILTER (WHERE f.origin = 'germline') AS germline_carriers,
    count(DISTINCT (f.centre, f.patient)) FILTER (WHERE f.origin = 'somatic') AS somatic_carriers,
    count(DISTINCT (f.centre, f.patient)) AS carriers,
    count(DISTINCT f.centre) AS centres,
    string_agg(DISTINCT f.centre, ',' ORDER BY f.centre) AS centre_list,
    f.variant_key
FROM brca_findings AS f
WHERE len(coalesce(getvariable('genes'), [])) = 0
    OR list_contains(getvariable('genes'), f.gene)
GROUP BY f.variant_key, f.gene, f.transcript
ORDER BY carriers DESC, f.gene, f.variant_key;
