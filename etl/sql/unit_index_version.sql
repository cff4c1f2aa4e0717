-- A fingerprint of the units a name index is built from: same fingerprint, same index.
SELECT count(*), coalesce(bit_xor(hash(unit_key, unit_code, unit_name, short_name, unit_type, level, is_root,
                                       parent_key, province_key, valid_from, valid_to, name_key, fold_key)), 0),
       (SELECT count(*) FROM unit_ancestors)
FROM units
