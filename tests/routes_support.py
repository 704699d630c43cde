"""Every route of an app, from its url_map, with its address filled in: for tests that must cover routes added
later without a list to keep up to date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask

_PARAMETER = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")
KNOWN_METHODS = {"GET", "POST"}  # what the walkers know how to send; HEAD and OPTIONS come with GET


class Values(dict):
    """URL parameter values; a parameter nobody named yet (a route added later) gets "1"."""

    def __missing__(self, name: str) -> str:
        return "1"


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: frozenset[str]
    parameters: tuple[str, ...]

    def path(self, values: dict[str, str]) -> str:
        """The address with each parameter replaced by its value, percent-encoded as a browser would send it."""
        values = Values(values)
        return _PARAMETER.sub(lambda m: quote(values[m.group("name")], safe=""), self.rule)


def routes(app: Flask) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = frozenset(rule.methods - {"HEAD", "OPTIONS"})
        unknown = methods - KNOWN_METHODS
        assert not unknown, f"{rule.rule} takes {sorted(unknown)}: teach the route walkers to send it"
        parameters = tuple(m.group("name") for m in _PARAMETER.finditer(rule.rule))
        found.append(Route(rule.endpoint, rule.rule, methods, parameters))
    return sorted(found, key=lambda route: route.rule)
