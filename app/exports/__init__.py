"""Exports: an editable PowerPoint deck and PDF handouts and records, built from plain data.

content.py decides what an export shows; deck.py (python-pptx) and pdf.py (WeasyPrint) turn that into bytes;
files.py names the files and writes them atomically into EXPORTS_DIR. No Flask here: the web views and the
`flask export` commands call these functions.
"""
