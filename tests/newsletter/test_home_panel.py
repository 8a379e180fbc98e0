"""The home page shows each manager the subscriber counts of her own region only."""

from core.models import Role


def seed(runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0


def test_regional_manager_sees_only_her_region(client, runner, login_as):
    seed(runner)
    login_as(Role.MANAGER, "dortmund")
    page = client.get("/").get_data(as_text=True)
    assert "Newsletter Dortmund" in page
    assert "Newsletter Südwestfalen" not in page


def test_interregional_manager_sees_the_joint_list_only(client, runner, login_as):
    # She acts for the joint controllers, not for either region's agency.
    seed(runner)
    login_as(Role.MANAGER)
    page = client.get("/").get_data(as_text=True)
    assert "Brückenschlag interregional" in page
    assert "Newsletter Dortmund" not in page
    assert "Newsletter Südwestfalen" not in page


def test_an_administrator_sees_every_list(client, runner, login_as):
    seed(runner)
    login_as(Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    for name in ("Newsletter Dortmund", "Newsletter Südwestfalen"):
        assert name in page


def test_analyst_sees_no_subscriber_numbers(client, runner, login_as):
    seed(runner)
    login_as(Role.ANALYST)
    page = client.get("/").get_data(as_text=True)
    assert "Newsletter Dortmund" not in page
