"""A layout is text a manager types, rendered on every preview and send: it may not
compute without bound. `{{ 7**40353607 }}` ran until the worker was killed and
`{{ 'a'*50000000 }}` was saved; both, and their cousins, are refused at save with a
German message, and a stored one falls back to the standard layout at once."""

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Region, Role
from newsletter.campaigns.layouts import (
    STARTER,
    LayoutError,
    check_layout,
    render_custom,
)
from tests import factories
from tests.http import csrf_token

TOO_LARGE = "zu groß"
UNBOUNDED = [
    "{{ 7**40353607 }}",
    "{{ 10**100000 }}",
    "{{ (10**600) * (10**600) * (10**600) }}",
    "{{ 'a'*50000000 }}",
    "{{ 50000000*'a' }}",
    "{{ ['a']*50000000 }}",
    "{{ 'a'|center(50000000) }}",
    "{{ ('a'*1000)|replace('a', 'b'*1000)|replace('b', 'c'*1000) }}",
    "{% set a = 'x'*999 %}{% set b = a ~ a %}{{ b ~ b ~ b }}",
    # Doubling a value with each `set` through `%`, and padding computed before
    # any later check (found by an outside review).
    "{% set x0 = 'b'*9999 %}"
    + "".join(f"{{% set x{n} = '%s%s' % (x{n - 1}, x{n - 1}) %}}" for n in range(1, 15))
    + "{{ x14|length }}",
    "{{ '%299999999d' % 1 }}",
    "{{ '%0*d' % (99999999, 1) }}",
    "{{ '%.*f' % (99999999, 1) }}",
    "{{ '%-99999999s' % '' }}",
    "{{ '%s%s'|format('b'*9999, 'b'*9999) }}",
    "{% for a in 'x'*999 %}{% for b in 'x'*999 %}{% for c in 'x'*999 %}"
    "{% endfor %}{% endfor %}{% endfor %}",
]


def with_payload(payload: str) -> str:
    return STARTER.replace("{{ content }}", "{{ content }}\n" + payload)


@pytest.mark.parametrize("payload", UNBOUNDED)
def test_an_unbounded_expression_is_refused_at_save(app, payload):
    with app.test_request_context(), pytest.raises(LayoutError) as refused:
        check_layout(with_payload(payload))
    assert str(refused.value)  # a message, shown with the layout


def test_the_layout_page_says_why_and_keeps_the_stored_layout(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/layouts/dortmund").get_data(as_text=True)
    response = client.post(
        "/layouts/dortmund",
        data={
            "csrf_token": csrf_token(page),
            "action": "save",
            "layout": with_payload("{{ 'a'*50000000 }}"),
        },
    )
    assert response.status_code == 200
    assert TOO_LARGE in response.get_data(as_text=True)
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        assert region.custom_layout is None


@pytest.mark.parametrize("payload", ["{{ 7**40353607 }}", "{{ 'a'*50000000 }}"])
def test_a_stored_unbounded_layout_stops_at_once(app, payload):
    with app.test_request_context(), pytest.raises(LayoutError) as refused:
        render_custom(with_payload(payload), {"content": "", "region": {}})
    assert TOO_LARGE in str(refused.value)


def test_a_long_output_is_cut_off(app):
    loop = "{% for a in texts %}{{ 'x'*9000 }}{% endfor %}"
    context = {"content": "", "region": {}, "texts": ["t"] * 1000}
    with app.test_request_context(), pytest.raises(LayoutError) as refused:
        render_custom(with_payload(loop), context)
    assert TOO_LARGE in str(refused.value)


def test_the_preview_says_the_own_layout_is_not_used(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        region.custom_layout = with_payload("{{ 'a'*50000000 }}")
        db.session.commit()
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    page = client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    assert "eigene Layout der Region kann nicht verwendet werden" in page


def test_a_legitimate_layout_still_renders(app):
    """Small arithmetic and repetition stay possible."""
    ruler = "<mj-text>{{ '─' * 40 }} {{ 2**10 }} {{ 3 * 4 }}</mj-text>"
    source = STARTER.replace(
        "{{ content }}",
        "{{ content }}<mj-section><mj-column>" + ruler + "</mj-column></mj-section>",
    )
    with app.test_request_context():
        check_layout(source)
