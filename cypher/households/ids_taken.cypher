// Which of the household ids $ids exist already (minting a new id must not reuse one).
UNWIND $ids AS hid
MATCH (h:Household {household_id: hid})
RETURN h.household_id AS household_id;
