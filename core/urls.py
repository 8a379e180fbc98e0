"""URL helpers that keep redirects on our own site."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """The target if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
