// Every attributed interaction: [profile_id, uid, source, at, channel, type, attributes].
MATCH (i:Interaction)
WHERE i.profile_id IS NOT NULL
RETURN collect([i.profile_id, i.uid, i.source, i.at, i.channel, i.type, i.attributes]) AS rows;
