// Every household (any status), by id.
MATCH (h:Household)
WITH h
ORDER BY h.household_id
RETURN collect(h {.household_id, .seq, .status, .merged_into, .split_from, .created_at, .updated_at, .size,
                  .evidence}) AS rows;
