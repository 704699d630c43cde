"""The briefing library kept in the database: every briefing with its versions, and the generation counter
that tells each app server when to read the library again (see docs/architecture.md, "Where briefings live")."""
