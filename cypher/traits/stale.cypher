// Whether the profiles' traits must all be computed again: none has traits yet, or one has traits
// computed under another stamp than $stamp (another day, other definitions). Three seeks on the
// profile_traits_stamp index, where collecting the distinct stamps read every profile (147 ms a write at
// 100,000 people).
RETURN NOT EXISTS { MATCH (p:Profile) WHERE p.traits_stamp = $stamp }
    OR EXISTS { MATCH (p:Profile) WHERE p.traits_stamp < $stamp }
    OR EXISTS { MATCH (p:Profile) WHERE p.traits_stamp > $stamp } AS stale;
