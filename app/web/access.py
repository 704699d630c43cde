"""Who may use each page: ONE table from endpoint to "public", "signed-in", or the roles that may use it.

guards.register enforces it before every view (ahead of the CSRF check), so a view never checks a role itself:

- "public": anyone, signed in or not (the library, attendees' pages, signing in).
- "signed-in": any active account, whatever its roles.
- a tuple of role names (app/people/roles.py): an account holding at least one of them.

A signed-out person on any page that is not public is sent to sign in (an htmx request gets 401 with
HX-Redirect); a signed-in account without a listed role gets 403 with a sentence naming the role it needs.

A key ending in "." is a prefix rule for a whole blueprint ("people." covers every people.* page); an exact
entry wins over a prefix, and a longer prefix over a shorter one. An endpoint the table does not name is refused
to everybody (fail closed), and tests/test_access_matrix.py fails until it is added: a new page is never open by
accident. docs/roles.md says how to add one.

Which *rows* an allowed account sees is the domain's business (a facilitator's own sessions, a team manager's
teams' sessions: app/sessions/service.py); this table only says which pages it may open.
"""

from __future__ import annotations

PUBLIC = "public"
SIGNED_IN = "signed-in"

FACILITATOR = ("facilitator",)
EDITOR = ("editor",)
ADMIN = ("admin",)
# Reading a session (the list, the summary, its exports): its facilitator, or a manager of the team it ran for.
READS_SESSIONS = ("facilitator", "manager")

ACCESS: dict[str, str | tuple[str, ...]] = {
    "static": PUBLIC,
    # Signing in and out; single sign-on's start and return pages.
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,  # signing out when already signed out only says so
    "sign_on.": PUBLIC,
    # The briefing library is open to anyone; only published briefings are listed there.
    "library.": PUBLIC,
    # Attendees need no account: their phone's cookie is what lets them in (app/web/take_part.py).
    "take_part.": PUBLIC,
    # Library editors add, edit, publish, retire and restore briefings.
    "editing.": EDITOR,
    # A briefing's offline deck and handout: any account (rendering costs a server process a second or so).
    "exports.briefing": SIGNED_IN,
    # A session's deck and record: its facilitator's, or its team's manager's (service.find_readable_session).
    "exports.session": READS_SESSIONS,
    # Sessions: facilitators start, run and delete their own; team managers read their teams'.
    "sessions.": FACILITATOR,
    "sessions.index": READS_SESSIONS,
    "sessions.summary": READS_SESSIONS,
    "run.": FACILITATOR,
    # Partnership admins: people, agencies, teams, and the audit trail.
    "people.": ADMIN,
    "audit.": ADMIN,
    # Everyone changes their own password; an invitation or a reset link opens its page for whoever holds it
    # (the token is the check: app/people/service.link_for).
    "people.password": SIGNED_IN,
    "people.accept": PUBLIC,
    "people.reset": PUBLIC,
}

# How a refusal names the people a page is for (role name -> plural).
WHO = {
    "facilitator": "facilitators, who run sessions",
    "editor": "library editors, who add, edit and publish briefings",
    "manager": "team managers, who see their teams' sessions",
    "admin": "partnership admins, who manage people, teams and the audit trail",
}
ROLE_ATTRIBUTES = {"facilitator": "is_facilitator", "editor": "is_editor", "manager": "is_manager", "admin": "is_admin"}
NOT_LISTED = (
    "This page is not open to any account: it is missing from the table of who may use which page. "
    "Tell whoever looks after Briefing Room."
)


def rule_for(endpoint: str | None) -> str | tuple[str, ...] | None:
    """The table's rule for an endpoint: its exact entry, else its longest prefix entry, else None."""
    if not endpoint:
        return None
    if endpoint in ACCESS:
        return ACCESS[endpoint]
    prefixes = [key for key in ACCESS if key.endswith(".") and endpoint.startswith(key)]
    return ACCESS[max(prefixes, key=len)] if prefixes else None


def is_public(endpoint: str | None) -> bool:
    return rule_for(endpoint) == PUBLIC


def may_use(account, endpoint: str | None) -> bool:
    """Whether a signed-in account may use an endpoint (fail closed: an unlisted one is nobody's)."""
    rule = rule_for(endpoint)
    if rule is None:
        return False
    if rule in (PUBLIC, SIGNED_IN):
        return True
    return any(getattr(account, ROLE_ATTRIBUTES[role], False) for role in rule)


def refusal(endpoint: str | None) -> str:
    """Why a signed-in account may not use an endpoint, naming the role it needs."""
    rule = rule_for(endpoint)
    if not isinstance(rule, tuple):
        return NOT_LISTED
    who = ", and for ".join(WHO[role] for role in rule)
    lacks = "does not have that role" if len(rule) == 1 else "has none of those roles"
    roles = " or ".join(f"the {role} role" for role in rule)
    return (
        f"This page is for {who}, and this account {lacks}. If it should, ask your partnership admin to give "
        f"it {roles}."
    )
