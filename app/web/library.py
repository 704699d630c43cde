"""The briefing library pages (placeholder until the library views land)."""

from flask import Blueprint, abort, jsonify

from .. import get_library

bp = Blueprint("library", __name__)


@bp.get("/briefings/<briefing_id>.json")
def briefing_json(briefing_id: str):
    briefing = get_library().get(briefing_id)
    if briefing is None:
        abort(404)
    return jsonify(briefing.to_dict())
