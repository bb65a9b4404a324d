// The stamps (as_of date and definitions) the profiles' traits were computed under, distinct.
MATCH (p:Profile)
WHERE p.traits_stamp IS NOT NULL
RETURN collect(DISTINCT p.traits_stamp) AS stamps;
