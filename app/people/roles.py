"""The four roles an account can hold, and how they are stored (one boolean column each on `facilitators`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str  # as forms, invitations and the route matrix name it
    column: str  # the account's boolean column
    label: str
    hint: str


ROLES = (
    Role("facilitator", "is_facilitator", "Facilitator", "Runs sessions for their teams"),
    Role("editor", "is_editor", "Library editor", "Adds, edits, publishes and retires briefings"),
    Role("manager", "is_manager", "Team manager", "Sees their teams' sessions, returns and actions"),
    Role("admin", "is_admin", "Partnership admin", "People, agencies, teams and the audit trail"),
)
ROLE_NAMES = tuple(role.name for role in ROLES)
BY_NAME = {role.name: role for role in ROLES}


def roles_of(account) -> list[str]:
    return [role.name for role in ROLES if getattr(account, role.column)]


def set_roles(account, names) -> None:
    unknown = set(names) - set(ROLE_NAMES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    for role in ROLES:
        setattr(account, role.column, role.name in names)


def describe(names) -> str:
    """"Facilitator and team manager": roles in the order of ROLES, for messages and the audit trail."""
    labels = [role.label for role in ROLES if role.name in names]
    if not labels:
        return "no role"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1].lower()
