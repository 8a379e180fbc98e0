"""MJML to HTML for every mail the app sends: system mails and campaigns alike."""

from mjml import mjml2html


def mjml_to_html(source: str) -> str:
    """Compile MJML without any web font (no request may leave for a third party)."""
    return str(mjml2html(source, disable_comments=True, fonts={}))
