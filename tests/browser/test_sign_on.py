"""Single sign-on in a real browser: the sign-in page offers the provider, and an invited person signs in through
the local OpenID Connect provider (tests/oidc_provider/) by keyboard and lands on their home page."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.people import audit, service

from ..oidc_support import TestAccount, app_settings_for, free_port, start_provider
from .conftest import assert_accessible, visit

pytestmark = pytest.mark.browser

SAM = TestAccount("sam-0001", "sam.social@council.example", name="Sam Social")


@pytest.fixture
def signed_on_server(serve, tmp_path_factory, request):
    port = free_port()
    server = serve(**app_settings_for(f"http://127.0.0.1:{port}", name="Council ID"))
    provider = start_provider(server.url + "/login/sso/callback", [SAM], port=port,
                              log_dir=tmp_path_factory.mktemp("provider"))
    request.addfinalizer(provider.stop)
    now = datetime.now(timezone.utc)
    with server.app.app_context():
        admin = service.create_account(db.session, audit.Actor(None, "terminal"), "Ada Admin",
                                       "plum-kettle-harbour-42", ["admin"], now)
        service.invite(db.session, audit.Actor(admin.id, admin.name), "Sam Social", SAM.email, ["facilitator"], [],
                       now)
    return server


def test_an_invited_person_signs_in_with_the_provider_by_keyboard(signed_on_server, open_page):
    page = open_page(signed_on_server)
    visit(page, "/login")  # axe runs on the sign-in page with the button on it
    link = page.get_by_role("link", name="Sign in with Council ID")
    expect(link).to_be_visible()

    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Account").fill(SAM.sub)
    page.keyboard.press("Enter")  # the form's first button: Sign in

    expect(page).to_have_url(re.compile(r"/sessions$"))
    expect(page.get_by_text("Signed in as")).to_contain_text("Sam Social")
    assert_accessible(page)
