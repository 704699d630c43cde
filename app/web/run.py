"""Placeholder: filled in by the facilitated-session work (issue 3)."""

from flask import Blueprint

bp = Blueprint("run", __name__)
