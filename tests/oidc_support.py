"""A real OpenID Connect provider for the tests: panva's oidc-provider (tests/oidc_provider/provider.js) run by
Node on a free 127.0.0.1 port, for one client (the app under test), with PKCE required.

    provider = start_provider(redirect_uri, accounts=[TestAccount("ana", "ana@example.org")], port=port)
    provider.issuer   # "http://127.0.0.1:PORT": give it to the app as OIDC_ISSUER
    provider.stop()

`make test` installs it (`npm ci --prefix tests/oidc_provider`). Missing Node or node_modules is a loud failure,
never a skip: a single sign-on that was never tested must not pass as tested.

Its sign-in page is a form with an "Account" field (type an account's `sub`) and "Sign in" / "Cancel" buttons.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "briefing-room-tests"
CLIENT_SECRET = "a-client-secret-only-the-tests-use"
STARTUP_SECONDS = 20


@dataclass(frozen=True)
class TestAccount:
    __test__ = False  # not a test class, whatever pytest thinks of its name

    sub: str
    email: str | None
    email_verified: bool | None = True  # None: the claim is not sent (as Entra ID does)
    name: str = ""
    xms_edov: bool | None = None  # Entra ID's "email domain owner verified" optional claim; None: not sent


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    log: Path
    accounts: list[TestAccount] = field(default_factory=list)

    @property
    def jwks_uri(self) -> str:
        return self.issuer + "/jwks"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    """A port nothing listens on now (the provider must know its own address before the app does)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_provider(
    redirect_uri: str,
    accounts: list[TestAccount],
    *,
    port: int | None = None,
    log_dir: Path,
    key_id: str = "test-key",
    advertised_jwks_uri: str = "",
) -> Provider:
    """Start provider.js and wait until its discovery document answers."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            "The OpenID Connect tests need Node and tests/oidc_provider/node_modules: run `make test`, or "
            "`sudo apt-get install nodejs npm && npm ci --prefix tests/oidc_provider`."
        )
    port = port or free_port()
    issuer = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": redirect_uri,
        "ACCOUNTS": json.dumps([account.__dict__ for account in accounts]),
        "KEY_ID": key_id,
        "ADVERTISED_JWKS_URI": advertised_jwks_uri,
        "NODE_ENV": "test",
    }
    log = log_dir / f"oidc-provider-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "provider.js")], cwd=PROVIDER_DIR, env=environment,
            stdout=output, stderr=subprocess.STDOUT,
        )
    provider = Provider(issuer, process, log, list(accounts))
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID Connect provider stopped at start:\n{log.read_text()}")
        try:
            if httpx.get(issuer + "/.well-known/openid-configuration", timeout=1).status_code == 200:
                return provider
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    provider.stop()
    raise RuntimeError(f"the OpenID Connect provider did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")


def app_settings_for(provider_issuer: str, name: str = "Test ID") -> dict:
    """The app's settings that point it at a provider started here."""
    return {
        "OIDC_ISSUER": provider_issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_NAME": name,
    }
