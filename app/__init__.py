"""Briefing Room: step a team through a seven-minute safeguarding briefing."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .config import PROJECT_ROOT, Config
from .extensions import csrf, db, login_manager, migrate
from .numbers import count_or_none
from .private_files import OWNER_ONLY_FOLDER, create_owner_only_sqlite, make_owner_only, sqlite_database_path

# Content-Security-Policy: scripts and styles only from the app itself, never inline; no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def create_app(config: dict | None = None, instance_path: str | Path | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(instance_path or PROJECT_ROOT / "instance"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(Config(app.instance_path).as_dict())
    app.config.update(config or {})
    # The instance folder holds the secret key and (by default) the database: nobody else needs to list it.
    make_owner_only(app.instance_path, OWNER_ONLY_FOLDER)
    if (database := sqlite_database_path(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)) is not None:
        create_owner_only_sqlite(database)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    from .web import guards

    guards.register(app)  # first: an unreadable body or a signed-out htmx request is answered before CSRF
    csrf.init_app(app)
    login_manager.init_app(app)
    from . import ratelimit  # noqa: F401  (the tables Alembic and the app know about)
    from .library_store import models as library_models  # noqa: F401
    from .people import models as people_models  # noqa: F401
    from .library_store.cache import PublishedLibraryCache
    from .sessions import models

    @login_manager.user_loader
    def load_facilitator(user_id: str):
        # The id carries the facilitator's login token: logging out changes it, ending every copy of the cookie.
        facilitator_id, _, token = user_id.partition(":")
        number = count_or_none(facilitator_id, low=1)
        if number is None:
            return None
        facilitator = db.session.get(models.Facilitator, number)
        if facilitator is None or facilitator.login_token != token or not facilitator.active:
            return None  # a deactivated account is signed out at its next request
        return facilitator

    # The library lives in the database; the briefings folder seeds it (see docs/architecture.md).
    app.extensions["briefing_library"] = PublishedLibraryCache(app.config["BRIEFINGS_DIR"])

    from .web import IdConverter, IndexConverter, audit, auth, editing, exports, library, people, run, sessions
    from .web import take_part

    app.url_map.converters["id"] = IdConverter  # before any blueprint's rules are added
    app.url_map.converters["index"] = IndexConverter

    blueprints = (library.bp, auth.bp, sessions.bp, run.bp, take_part.bp, exports.bp, editing.bp, people.bp, audit.bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from .web import sign_on

    sign_on.register(app)  # its routes answer 404 unless OIDC_ISSUER is set

    from .cli import register_cli

    register_cli(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response

    return app


def get_library():
    """The published briefings, as facilitators see them: read again when the library changes on any server.

    Within one request the library is read once (one small query), however often it is asked for.
    """
    from flask import current_app, g, has_request_context

    if has_request_context() and "briefing_library" in g:
        return g.briefing_library
    library = current_app.extensions["briefing_library"].get(db.engine)
    if has_request_context():
        g.briefing_library = library
    return library
