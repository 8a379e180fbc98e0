"""What each column of the analysis tables means: headers for German Excel and the
codebook of every download."""

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

COLUMNS: dict[str, LazyString] = {
    "question_id": _l("Question number"),
    "question": _l("Question"),
    "option_id": _l("Answer number"),
    "option": _l("Answer"),
    "group": _l("Group (region or all)"),
    "n": _l("n: respondents who answered the question (bridge: who took the survey)"),
    "count": _l("Respondents who chose the answer"),
    "share": _l("Share of n"),
    "ci_low": _l("Lower end of the 95-percent interval"),
    "ci_high": _l("Upper end of the 95-percent interval"),
    "suppressed": _l("Suppressed (fewer than the minimum, or would reveal one)"),
    "withheld": _l(
        "Why the counts are empty: groups_under_min_cell = every group has fewer "
        "respondents than the minimum, so nobody is counted yet"
    ),
    "difference": _l("Difference of the shares, first region minus second"),
    "p": _l(
        "p-value of the difference (below 0.05 exactly when the interval leaves out "
        "0; Fisher's exact test where fewer than 5 people are expected in a cell)"
    ),
    "p_holm": _l("p-value adjusted with Holm per question"),
    "kind": _l("Kind of question"),
    "mean": _l("Mean"),
    "mean_ci_low": _l("Lower end of the mean's 95-percent interval (t)"),
    "mean_ci_high": _l("Upper end of the mean's 95-percent interval (t)"),
    "median": _l("Median"),
    "detractors": _l("Share of detractors (0–6)"),
    "passives": _l("Share of passives (7–8)"),
    "promoters": _l("Share of promoters (9–10)"),
    "nps": _l("Net Promoter Score"),
    "nps_ci_low": _l("Lower end of the NPS's 95-percent interval"),
    "nps_ci_high": _l("Upper end of the NPS's 95-percent interval"),
    "topic_id": _l("Topic number"),
    "topic": _l("Topic"),
    "need_count": _l("Respondents who need the topic"),
    "need_share": _l("Share of n who need the topic"),
    "need_suppressed": _l("Need suppressed"),
    "offer_count": _l("Respondents who offer the topic"),
    "offer_share": _l("Share of n who offer the topic"),
    "offer_suppressed": _l("Offer suppressed"),
    "day": _l("Day"),
    "responses": _l("Respondents whose last answer was on the day"),
    "campaign_id": _l("Campaign number"),
    "campaign": _l("Campaign"),
    "delivered": _l("Mails delivered"),
    "clicks": _l("Clicks in the mail (unverified)"),
    "answered": _l("Respondents through the campaign"),
    "response_rate": _l("Respondents per delivered mail"),
    "wave": _l("Wave (1: the first)"),
    "wave_survey_id": _l("Survey number of the wave"),
    "from_wave": _l("Earlier wave"),
    "to_wave": _l("Later wave"),
    "change": _l("Later wave's share minus the earlier's (Newcombe interval)"),
    "clear": _l("Clear change: the 95-percent interval leaves out 0"),
}


def column_label(name: str) -> str:
    """The column's meaning; scale points (count_3, share_3) named by their point."""
    kind, _, point = name.partition("_")
    if point.isdigit() and kind == "count":
        return str(_l("Respondents who gave %(point)s", point=point))
    if point.isdigit() and kind == "share":
        return str(_l("Share of n who gave %(point)s", point=point))
    return str(COLUMNS.get(name, name))
