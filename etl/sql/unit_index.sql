-- Every unit of every era, with what the name index needs to tell candidates apart: the
-- parent's and the province's names, the root of its own era and its root on the new map.
SELECT u.unit_key, u.unit_code, u.unit_name, u.short_name, u.unit_type, u.level, u.is_root,
       coalesce(p.unit_name, '') AS parent_name, coalesce(r.unit_name, '') AS province_name,
       u.name_key, u.fold_key, u.era, u.valid_from, u.valid_to, coalesce(u.province_key, '') AS province_key,
       coalesce(n.ancestor_key, u.province_key, '') AS new_root
FROM units u
LEFT JOIN units p ON p.unit_key = u.parent_key
LEFT JOIN units r ON r.unit_key = u.province_key
LEFT JOIN (
    SELECT a.unit_key, min(a.ancestor_key) AS ancestor_key
    FROM unit_ancestors a JOIN units root ON root.unit_key = a.ancestor_key AND root.is_root AND root.era = 'new'
    GROUP BY a.unit_key
) n ON n.unit_key = u.unit_key
ORDER BY u.unit_key
