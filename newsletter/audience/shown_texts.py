"""Which consent texts and privacy notices a form showed. Their ids travel in the
form (hidden fields), so that the consent log stores exactly what the person read;
when a text was replaced between showing and submitting, the form is shown again
with the new text instead of storing a consent to a text nobody saw."""

from collections.abc import Iterable
from dataclasses import dataclass

from core.db import SessionLike
from newsletter.audience.consent import current_text
from newsletter.audience.forms import ShowsTexts
from newsletter.audience.models import ConsentText, TextKind


@dataclass(frozen=True)
class ShownTexts:
    """The texts of a page: one consent text and privacy notice per controller."""

    texts: tuple[ConsentText, ...]

    def of(self, kind: str) -> list[ConsentText]:
        return [text for text in self.texts if text.kind == kind]

    def find(self, kind: str, region_id: int | None) -> ConsentText | None:
        """The text of this kind of the controller, if the page showed one."""
        return next(
            (t for t in self.of(kind) if t.region_id == region_id),
            None,
        )

    def put_into(self, form: ShowsTexts) -> None:
        """Carry the ids in the form's hidden fields."""
        form.shown_consent.data = _ids(self.of(TextKind.CONSENT))
        form.shown_privacy.data = _ids(self.of(TextKind.PRIVACY))

    def were_shown_by(self, form: ShowsTexts) -> bool:
        """True if the submitted form showed exactly these texts (a form that names
        none did not show them)."""
        return (form.shown_consent.data or "", form.shown_privacy.data or "") == (
            _ids(self.of(TextKind.CONSENT)),
            _ids(self.of(TextKind.PRIVACY)),
        )


def _ids(texts: Iterable[ConsentText]) -> str:
    return " ".join(str(text.id) for text in sorted(texts, key=lambda t: t.id))


def texts_for(
    session: SessionLike, controllers: Iterable[int | None], language: str
) -> ShownTexts:
    """The current consent texts and privacy notices of these controllers (region
    ids; None: the joint controllers) in the language."""
    found = []
    for region_id in dict.fromkeys(controllers):
        for kind in (TextKind.CONSENT, TextKind.PRIVACY):
            text = current_text(session, kind, region_id, language)
            if text is not None:
                found.append(text)
    return ShownTexts(tuple(found))
