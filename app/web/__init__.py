"""Thin blueprints: parse the request, call the domain, render a page or its fragment."""
