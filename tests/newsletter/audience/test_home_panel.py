"""The home page shows each manager the subscriber counts of her own region only."""

from core.models import Role


def test_regional_manager_sees_only_her_region(demo_data, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/").get_data(as_text=True)
    assert "Newsletter Dortmund" in page
    assert "Newsletter Südwestfalen" not in page


def test_interregional_manager_sees_the_joint_list_only(demo_data, client, login_as):
    # She acts for the joint controllers, not for either region's agency.
    login_as(Role.MANAGER)
    page = client.get("/").get_data(as_text=True)
    assert "Brückenschlag interregional" in page
    assert "Newsletter Dortmund" not in page
    assert "Newsletter Südwestfalen" not in page


def test_an_administrator_sees_every_list(demo_data, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    for name in ("Newsletter Dortmund", "Newsletter Südwestfalen"):
        assert name in page


def test_analyst_sees_no_subscriber_numbers(demo_data, client, login_as):
    login_as(Role.ANALYST)
    page = client.get("/").get_data(as_text=True)
    assert "Newsletter Dortmund" not in page
