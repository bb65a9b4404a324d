// The largest household seq (minting order), 0 without households.
OPTIONAL MATCH (h:Household)
RETURN coalesce(max(h.seq), 0) AS seq;
