// The Graph Data Science library's version; fails where GDS is not installed.
RETURN gds.version() AS version;
