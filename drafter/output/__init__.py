"""Turning a draft into text: Jinja templates in a sandbox, and the Word file in the official layout."""
