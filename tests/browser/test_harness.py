"""The browser-test harness catches what it promises to: CSP violations, script errors, server errors and
pages nobody checked for accessibility. (If these fail, every other browser test is less trustworthy.)"""

from __future__ import annotations

import pytest

from app import CONTENT_SECURITY_POLICY

from .conftest import assert_accessible, final_problems, visit, watch_of

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en-GB"><head><title>Harness check</title></head>
<body><main><h1>Harness check</h1>{body}</main></body></html>"""


def serve_html(page, path: str, body: str) -> None:
    """Answer `path` with a small page under the app's real CSP."""
    page.route(
        f"**{path}",
        lambda route: route.fulfill(
            status=200,
            body=PAGE.format(body=body),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CONTENT_SECURITY_POLICY},
        ),
    )


def test_an_inline_script_is_reported_as_a_csp_violation(page, live_server):
    serve_html(page, "/harness/inline-script", "<script>document.title = 'ran';</script>")
    visit(page, "/harness/inline-script")

    assert page.title() == "Harness check", "the inline script ran despite the CSP"
    assert any("CSP violation: script-src" in problem for problem in watch_of(page).problems)
    watch_of(page).problems.clear()


def test_an_inline_style_attribute_is_reported_as_a_csp_violation(page, live_server):
    serve_html(page, "/harness/inline-style", '<p style="color: red">Red?</p>')
    visit(page, "/harness/inline-style")

    assert any("CSP violation: style-src" in problem for problem in watch_of(page).problems)
    watch_of(page).problems.clear()


def test_an_uncaught_script_error_is_reported(page, live_server):
    visit(page, "/briefings")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('boom from the page'); })")

    assert any("boom from the page" in problem for problem in watch_of(page).problems)
    watch_of(page).problems.clear()


def test_a_page_reached_by_a_click_and_never_checked_is_named(page, live_server):
    visit(page, "/briefings")
    page.get_by_role("link", name="Briefing Room").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Library").click()
    page.wait_for_load_state("load")

    # The first page was visited (checked); the click landed on the same address, so it counts as checked.
    assert final_problems(page) == []

    serve_html(page, "/harness/elsewhere", '<p><a href="/briefings">Back</a></p>')
    page.goto("/harness/elsewhere")
    page.get_by_role("link", name="Back").click()
    page.wait_for_load_state("load")
    problems = final_problems(page)
    assert len(problems) == 1 and "/harness/elsewhere" in problems[0]
    watch_of(page).checked.update(watch_of(page).loads)  # this test's own teardown should pass


def test_an_exception_in_the_app_is_recorded_against_the_test(page, serve):
    server = serve()

    # A public endpoint name (the library's prefix in the access table), so the view itself is reached.
    @server.app.get("/harness/broken", endpoint="library.harness_broken")
    def broken():
        raise RuntimeError("the view fell over")

    response = page.request.get(server.url + "/harness/broken")

    assert response.status == 500
    assert any("the view fell over" in error for error in server.errors)
    server.errors.clear()


def test_axe_violations_are_listed_with_rule_impact_help_and_target(page, live_server):
    serve_html(page, "/harness/unlabelled", '<input type="text" id="nameless">')
    page.goto("/harness/unlabelled")

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    message = str(failure.value)
    assert "label (critical)" in message
    assert "#nameless" in message
    page.goto("/briefings")
    assert_accessible(page)
