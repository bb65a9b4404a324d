// The interactions attributed to the profiles $ids: [profile_id, uid, source, at, channel, type, attributes].
UNWIND $ids AS pid
MATCH (i:Interaction {profile_id: pid})
RETURN collect([pid, i.uid, i.source, i.at, i.channel, i.type, i.attributes]) AS rows;
