// How many active profiles have no traits under $stamp: the active profiles (profile_status index) less
// those under $stamp (profile_traits_stamp index). A retired profile's traits are removed with it.
RETURN COUNT { MATCH (p:Profile) WHERE p.status = 'active' }
     - COUNT { MATCH (q:Profile) WHERE q.traits_stamp = $stamp } AS stale;
