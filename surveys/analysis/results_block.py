"""The survey results block for the next newsletter: the first question's answers as
bars per region, drawn with table cells (mail clients show no SVG, many no images),
from the same suppressed tables as the dashboard."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from core.db import db
from newsletter.campaigns.blocks import BlockType, FieldSpec, RenderContext
from surveys.answering.question_block import SurveyRef, survey_choices, survey_of


class ResultsBlock(SurveyRef, total=False):
    heading: str


COLOURS = {"Südwestfalen": "#0b5d50", "Dortmund": "#8c1d2f"}


def _first_chart(block: ResultsBlock, language: str) -> tuple[str, list[dict]] | None:
    # Here, not at the top: only an issue with a results block needs the analysis
    # libraries, and a sender loads them for such an issue only (issue #20).
    from surveys.analysis.disclosure_audit import AuditFailed
    from surveys.analysis.release_cells import TOTAL
    from surveys.analysis.report import build_report, question_charts

    survey = survey_of(block)
    if survey is None:
        return None
    try:
        report = build_report(
            db.session, survey, {}, int(current_app.config["MIN_CELL"]), language
        )
    except AuditFailed:  # fail closed: no figures rather than unaudited ones
        current_app.logger.exception("results block of survey %s left out", survey.id)
        return None
    if report.release.withheld:  # every group under the minimum: no bars, a reason
        return survey.title_for(language), []
    charts = question_charts(report)
    if not charts:
        return None
    # The regions' bars; the total of both is not drawn.
    return survey.title_for(language), [
        {**option, "groups": [c for c in option["groups"] if c["key"] != TOTAL]}
        for option in charts[0]["options"]
    ]


def _bar(label: str, share: float | None, colour: str) -> str:
    if share is None:
        return (
            f'<tr><td style="padding:2px 6px;font-size:13px">{escape(label)}</td>'
            f'<td style="font-size:12px;color:#6b767c">–</td></tr>'
        )
    width = max(1, round(share * 100))
    return (
        '<tr><td style="padding:2px 6px;font-size:13px;width:110px">'
        f"{escape(label)}</td>"
        '<td><table role="presentation" width="100%" cellpadding="0" cellspacing="0">'
        f'<tr><td width="{width}%" style="background:{colour};height:12px"></td>'
        f'<td style="padding-left:6px;font-size:12px">{width} %</td>'
        "</tr></table></td></tr>"
    )


def results_mjml(block: ResultsBlock, ctx: RenderContext) -> str:
    found = _first_chart(block, ctx.language)
    if found is None:
        return ""
    title, options = found
    rows = []
    for option in options:
        rows.append(
            f'<tr><td colspan="2" style="padding-top:8px;font-weight:bold">'
            f"{escape(option['label'])}</td></tr>"
        )
        for cell in option["groups"]:
            share = None if cell["suppressed"] else cell["share"]
            rows.append(_bar(cell["label"], share, COLOURS.get(cell["key"], "#234e70")))
    heading = escape(block.get("heading") or title)
    figures = (
        f"<mj-table>{''.join(rows)}</mj-table>"
        if rows
        else f'<mj-text font-size="14px">{escape(_nobody_counted())}</mj-text>'
    )
    return (
        "<mj-section><mj-column>"
        f'<mj-text font-size="20px" font-weight="bold">{heading}</mj-text>'
        f"{figures}"
        f'<mj-text font-size="12px" color="#4f5b62">{escape(str(NOTE))}</mj-text>'
        "</mj-column></mj-section>"
    )


def results_text(block: ResultsBlock, ctx: RenderContext) -> str:
    found = _first_chart(block, ctx.language)
    if found is None:
        return ""
    title, options = found
    lines = [str(block.get("heading") or title)]
    if not options:
        lines.append(_nobody_counted())
    for option in options:
        parts = [
            f"{cell['label']} "
            f"{'–' if cell['share'] is None else round(cell['share'] * 100)} %"
            for cell in option["groups"]
        ]
        lines.append(f"- {option['label']}: " + ", ".join(parts))
    return "\n".join(lines)


def _nobody_counted() -> str:
    from surveys.analysis.exports import nobody_counted

    return nobody_counted(int(current_app.config["MIN_CELL"]))


NOTE = _l(
    "Share of respondents per region; groups under the minimum size are not shown."
)

RESULTS_BLOCK = BlockType(
    "survey_results",
    _l("Survey results"),
    (
        FieldSpec("survey", _l("Survey"), "select", True, choices=survey_choices),
        FieldSpec("heading", _l("Heading (optional)")),
    ),
    results_mjml,
    results_text,
)
