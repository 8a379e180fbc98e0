"""The newsletter: one blueprint, three rooms whose arrows point down —
`sending` (outbox, sender, bounces) → `campaigns` (composing, rendering, archive) →
`audience` (subscribers, lists, consent, sign-up, import/export, erasure)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register each room's views, registry entries and jobs with the app."""
    from newsletter import audience, campaigns, sending
    from newsletter.blueprint import bp

    audience.init_app(app)
    campaigns.init_app(app)
    sending.init_app(app)
    app.register_blueprint(bp)
