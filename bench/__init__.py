"""Benchmarks that run the real app under gunicorn and print what they measure (see bench/README.md)."""
