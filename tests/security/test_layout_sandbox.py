"""A custom layout is text a manager types: it renders in a sandbox that holds plain
values only, so it cannot reach the database, other regions or anyone's account."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Region, Role, User
from newsletter.campaigns.layouts import (
    STARTER,
    LayoutError,
    check_layout,
    ensure_plain,
    render_custom,
)
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import compile_campaign, layout_context
from tests import factories
from tests.http import csrf_token

# The payload the outside test used: hidden from the save-time check by the guard,
# it read every table and made its author an administrator.
ESCALATION = """{% if region.metadata is defined %}
{{ region.query.session.execute(region.metadata.tables['users'].update()
   .values(role='admin')) }}{{ region.query.session.commit() }}
{% endif %}"""
READ_USERS = """{% if region.metadata is defined %}LEAK{% for row in
region.query.session.execute(region.metadata.tables['users'].select()) %}
{{ row.password_hash }}{% endfor %}{% endif %}"""
ATTRIBUTE_WALKS = [
    "{{ region.__class__.__mro__ }}",
    "{{ region._sa_instance_state }}",
    "{{ region.query }}",
    "{{ content.__class__.__init__.__globals__ }}",
    "{{ region.update({'name': 'x'}) }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
]


def with_payload(payload: str) -> str:
    return STARTER.replace("{{ content }}", "{{ content }}\n" + payload)


def save_layout(client, source: str):
    page = client.get("/layouts/dortmund").get_data(as_text=True)
    return client.post(
        "/layouts/dortmund",
        data={"csrf_token": csrf_token(page), "action": "save", "layout": source},
    )


def store_layout_directly(app, source: str) -> None:
    """As if the payload had passed an older check: the renderer must hold anyway."""
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        region.custom_layout = source
        db.session.commit()


def roles(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.role)))


def test_the_escalation_payload_changes_no_account(app, client, login_as):
    manager = login_as(Role.MANAGER, "dortmund")
    save_layout(client, with_payload(ESCALATION))
    store_layout_directly(app, with_payload(ESCALATION))
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        compile_campaign(db.session.get(Campaign, campaign_id), "de")
        db.session.commit()
    client.get(f"/campaigns/{campaign_id}/preview")
    with app.app_context():
        assert db.session.get(User, manager.id).role == Role.MANAGER
    assert roles(app) == {Role.MANAGER}


def test_a_layout_cannot_read_the_users_table(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    store_layout_directly(app, with_payload(READ_USERS))
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        compiled = compile_campaign(db.session.get(Campaign, campaign_id), "de")
    assert "LEAK" not in compiled.html
    assert "argon2" not in compiled.html


@pytest.mark.parametrize("payload", ATTRIBUTE_WALKS)
def test_walking_attributes_is_refused_at_save_and_at_render(app, payload):
    with app.app_context(), app.test_request_context():
        with pytest.raises(LayoutError):
            check_layout(with_payload(payload))
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        context = layout_context(region, "de", "Betreff", "", "", [])
        try:
            html = render_custom(with_payload(payload), context)
        except LayoutError:
            return
        assert "<class" not in html
        assert "_sa_instance_state" not in html


def test_every_value_a_layout_gets_is_plain(app):
    with app.app_context(), app.test_request_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        context = layout_context(region, "de", "Betreff", "Vorschau", "<b/>", ["x"])
        ensure_plain(
            context
        )  # raises on anything but str, numbers, bools, lists, dicts
        interregional = layout_context(None, "en", "S", "", "", [])
        ensure_plain(interregional)


@pytest.mark.parametrize("value", [object(), Region(), print, {"a": {1, 2}}])
def test_the_plain_value_check_refuses_anything_else(value):
    with pytest.raises(TypeError):
        ensure_plain({"x": value})


def test_a_guarded_payload_is_refused_when_saved(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    response = save_layout(client, with_payload(ESCALATION))
    assert "Nicht gespeichert" in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(
            select(Region.custom_layout).where(Region.slug == "dortmund")
        )
    assert stored is None
