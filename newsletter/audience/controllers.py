"""Who is the controller of a list: the one place mails and pages ask.

A regional list belongs to its region's agency; the interregional list (no region)
to both agencies as joint controllers (Art. 26 GDPR). Everything a mail or page says
about a controller (its name, sender, imprints, privacy notice) comes from here."""

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app

from core.db import SessionLike
from core.links import absolute_url, external_url
from core.mail import mailbox
from core.models import JointSender, Region
from core.regions import all_regions, joint_sender
from newsletter.audience.consent import JOINT_SLUG, joint_agencies
from newsletter.audience.models import MailingList

JOINT_NAME = "interregional"


@dataclass(frozen=True)
class Controller:
    """A region's agency, or (region None) all agencies jointly."""

    region: Region | None
    agencies: tuple[Region, ...]
    # The joint list's own sender (None for a region's agency, or when unset).
    joint_sender: JointSender | None = None

    @property
    def joint(self) -> bool:
        return self.region is None

    @property
    def slug(self) -> str:
        return self.region.slug if self.region else JOINT_SLUG

    @property
    def name(self) -> str:
        """How the newsletter is called: "Brückenschlag Dortmund"."""
        return f"Brückenschlag {self.region.name if self.region else JOINT_NAME}"

    @property
    def short_name(self) -> str:
        return self.region.name if self.region else JOINT_NAME

    @property
    def agency_names(self) -> list[str]:
        return [agency.agency for agency in self.agencies]

    def agencies_named(self, language: str) -> str:
        """ "Südwestfalen Agentur GmbH und Wirtschaftsförderung Dortmund" """
        return joint_agencies(list(self.agencies), language)

    @property
    def imprints(self) -> list[str]:
        return [agency.imprint for agency in self.agencies]

    @property
    def privacy_url(self) -> str:
        if self.region is not None and self.region.privacy_url:
            return absolute_url(self.region.privacy_url)
        return external_url("newsletter.privacy", region_slug=self.slug)

    @property
    def sender(self) -> str:
        """The From header of its mails."""
        region, joint = self.region, self.joint_sender
        if region is not None and region.sender_email:
            return mailbox(region.sender_name, region.sender_email)
        if region is None and joint is not None:
            return mailbox(joint.sender_name, joint.sender_email)
        configured = str(current_app.config["MAIL_FROM"])
        if region is None and "<" in configured:
            return mailbox(self.name, configured.split("<", 1)[1].rstrip(">").strip())
        return configured


def controller_of(session: SessionLike, region_id: int | None) -> Controller:
    """The controller of lists of this region (None: the joint lists)."""
    if region_id is not None:
        region = session.get(Region, region_id)
        if region is not None:
            return Controller(region, (region,))
    agencies = tuple(all_regions(session))
    return Controller(None, agencies, joint_sender(session))


def controllers_of(
    session: SessionLike, lists: Iterable[MailingList]
) -> list[Controller]:
    """The controllers of these lists, each once: regions first, the joint last."""
    region_ids = {mailing_list.region_id for mailing_list in lists}
    ordered = sorted(region_ids, key=lambda rid: (rid is None, rid or 0))
    return [controller_of(session, region_id) for region_id in ordered]
