"""A partnership's people: agencies, teams, accounts and their roles, invitations, single sign-on identities and
the audit trail. Plain Python over SQLAlchemy sessions: no Flask imports (app/web/people.py is the web side)."""
