"""From responses to the tables analysts see: one tidy frame of answers, and every
table derived from it. The web, the downloads and the API call the same functions.

Small groups are suppressed everywhere: any cell from which fewer than MIN_CELL
respondents could be read (also by subtracting it from a total, a complementary
cell, or the same table without a filter)."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from core.db import SessionLike
from core.models import District, Region
from newsletter.sending.models import Delivery, DeliveryStatus
from surveys.models import Answer, Click, Question, QuestionKind, Survey, SurveyResponse
from surveys.statistics import holm, newcombe, two_proportion_p, wilson

TOTAL = "total"
NO_REGION = "none"
FILTERS = ("org_type", "district", "sector", "size", "campaign_id")


@dataclass(frozen=True)
class Filters:
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, mapping: Any) -> "Filters":
        return cls({k: str(mapping.get(k)) for k in FILTERS if mapping.get(k)})

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        for key, value in self.values.items():
            frame = frame[frame[key].astype("string") == value]
        return frame


def answers_frame(session: SessionLike, survey_id: int) -> pd.DataFrame:
    """One row per answer (no free text), with the respondent's snapshot attributes.
    Aggregation uses option ids, never labels (labels differ by language)."""
    query = (
        select(
            Answer.response_id,
            Answer.question_id,
            Answer.option_id,
            Answer.value,
            SurveyResponse.region_id,
            Region.name.label("region"),
            SurveyResponse.org_type,
            District.name.label("district"),
            SurveyResponse.sector,
            SurveyResponse.size,
            SurveyResponse.campaign_id,
            SurveyResponse.updated_at,
        )
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .outerjoin(Region, Region.id == SurveyResponse.region_id)
        .outerjoin(District, District.id == SurveyResponse.district_id)
        .where(SurveyResponse.survey_id == survey_id, Answer.text.is_(None))
    )
    rows = session.execute(query).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "response_id",
            "question_id",
            "option_id",
            "value",
            "region_id",
            "region",
            "org_type",
            "district",
            "sector",
            "size",
            "campaign_id",
            "answered_at",
        ],
    )
    frame["group"] = frame["region"].fillna(NO_REGION).astype("string")
    return frame


def _groups(frame: pd.DataFrame) -> list[str]:
    return sorted(g for g in frame["group"].dropna().unique())


def respondents(frame: pd.DataFrame) -> pd.DataFrame:
    """Respondents per question and group (and total): the denominators."""
    people = frame.drop_duplicates(["question_id", "response_id"])
    by_group = people.groupby(["question_id", "group"], observed=True).size()
    total = people.groupby("question_id").size()
    total.index = pd.MultiIndex.from_arrays(
        [total.index, [TOTAL] * len(total)], names=["question_id", "group"]
    )
    return pd.concat([by_group, total]).rename("n").reset_index()


def option_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many respondents chose each option, per group and total. Multiple choice
    counts respondents (a person ticking two options counts once for each)."""
    chosen = frame.dropna(subset=["option_id"]).drop_duplicates(
        ["response_id", "option_id"]
    )
    by_group = chosen.groupby(["question_id", "option_id", "group"]).size()
    total = chosen.groupby(["question_id", "option_id"]).size()
    total.index = pd.MultiIndex.from_tuples(
        [(q, o, TOTAL) for q, o in total.index],
        names=["question_id", "option_id", "group"],
    )
    return pd.concat([by_group, total]).rename("count").reset_index()


def _is_small(values: pd.Series, min_cell: int) -> pd.Series:
    return (values > 0) & (values < min_cell)


def option_shares(
    full: pd.DataFrame, questions: list[Question], min_cell: int, filters: Filters
) -> pd.DataFrame:
    """Per option and group: n, count, share, Wilson interval, suppressed."""
    frame = filters.apply(full)
    choice = [
        q for q in questions if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    ]
    skeleton = pd.DataFrame(
        [
            (q.id, o.id, g)
            for q in choice
            for o in q.options
            for g in [*_groups(full), TOTAL]
        ],
        columns=["question_id", "option_id", "group"],
    )
    table = skeleton.merge(respondents(frame), on=["question_id", "group"], how="left")
    table = table.merge(
        option_counts(frame), on=["question_id", "option_id", "group"], how="left"
    )
    table[["n", "count"]] = table[["n", "count"]].fillna(0).astype(int)
    table["suppressed"] = (
        (table["n"] < min_cell)
        | _is_small(table["count"], min_cell)
        | _is_small(table["n"] - table["count"], min_cell)
    )
    if filters.values:
        # The same cells without the filter: the difference must not be small either.
        unfiltered = skeleton.merge(
            respondents(full), on=["question_id", "group"], how="left"
        ).merge(
            option_counts(full), on=["question_id", "option_id", "group"], how="left"
        )
        unfiltered[["n", "count"]] = unfiltered[["n", "count"]].fillna(0).astype(int)
        table["suppressed"] |= _is_small(unfiltered["n"] - table["n"], min_cell)
        table["suppressed"] |= _is_small(unfiltered["count"] - table["count"], min_cell)
    table = _secondary_suppression(table, {q.id for q in choice if q.kind == "single"})
    shares = np.where(table["n"] > 0, table["count"] / table["n"].replace(0, 1), np.nan)
    table["share"] = shares
    bounds = [wilson(c, n) for c, n in zip(table["count"], table["n"], strict=True)]
    table["ci_low"] = [b[0] for b in bounds]
    table["ci_high"] = [b[1] for b in bounds]
    hidden = table["suppressed"]
    table.loc[hidden, ["count", "share", "ci_low", "ci_high"]] = np.nan
    table.loc[table["n"] < min_cell, "n"] = np.nan
    return table


def _secondary_suppression(table: pd.DataFrame, single_ids: set[int]) -> pd.DataFrame:
    """Hide what would let a hidden cell be worked back: the total of an option when
    one group is hidden, and, for single choice (options add up to n), one more cell
    in a column with exactly one hidden cell."""
    table = table.copy()
    regional = table["group"] != TOTAL
    hidden_groups = (
        table[regional & table["suppressed"]]
        .groupby(["question_id", "option_id"])
        .size()
    )
    for (question_id, option_id), hidden in hidden_groups.items():
        if hidden >= 1:
            mask = (
                (table["question_id"] == question_id)
                & (table["option_id"] == option_id)
                & (table["group"] == TOTAL)
            )
            table.loc[mask, "suppressed"] = True
    for (question_id, _group), column in table.groupby(["question_id", "group"]):
        if question_id not in single_ids:
            continue
        hidden = column[column["suppressed"] & (column["count"] > 0)]
        if len(hidden) == 1:
            visible = column[~column["suppressed"] & (column["count"] > 0)]
            if len(visible):
                table.loc[visible["count"].idxmin(), "suppressed"] = True
    return table


# What region_differences gives, one row per option of the two regions compared.
DIFFERENCE_COLUMNS = [
    "question_id",
    "option_id",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "suppressed",
    "p_holm",
]


def region_differences(shares: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Share in `first` minus share in `second` per option, Newcombe interval, Holm."""
    pivot = shares[shares["group"].isin([first, second])].pivot_table(
        index=["question_id", "option_id"],
        columns="group",
        values=["n", "count", "suppressed"],
        aggfunc="first",
        dropna=False,
    )
    rows = []
    for (question_id, option_id), row in pivot.iterrows():
        hidden = bool(row[("suppressed", first)]) or bool(row[("suppressed", second)])
        if hidden:
            rows.append((question_id, option_id, np.nan, np.nan, np.nan, np.nan, True))
            continue
        c1, n1 = int(row[("count", first)]), int(row[("n", first)])
        c2, n2 = int(row[("count", second)]), int(row[("n", second)])
        difference, low, high = newcombe(c1, n1, c2, n2)
        rows.append(
            (
                question_id,
                option_id,
                difference,
                low,
                high,
                two_proportion_p(c1, n1, c2, n2),
                False,
            )
        )
    table = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS[:-1])
    table["p_holm"] = np.nan  # corrected per question below
    for _question, index in table.groupby("question_id").groups.items():
        table.loc[index, "p_holm"] = holm(list(table.loc[index, "p"]))
    return table


def scale_summary(
    full: pd.DataFrame, questions: list[Question], min_cell: int, filters: Filters
) -> pd.DataFrame:
    """Likert: distribution, mean, median; NPS: promoters, passives, detractors."""
    frame = filters.apply(full)
    rows = []
    for question in questions:
        if question.kind not in (QuestionKind.LIKERT, QuestionKind.NPS):
            continue
        answers = frame[frame["question_id"] == question.id].dropna(subset=["value"])
        everyone = full[full["question_id"] == question.id].dropna(subset=["value"])
        for group in [*_groups(full), TOTAL]:
            values = answers if group == TOTAL else answers[answers["group"] == group]
            base = everyone if group == TOTAL else everyone[everyone["group"] == group]
            n = len(values)
            hidden = n < min_cell or (0 < len(base) - n < min_cell)
            row: dict[str, Any] = {
                "question_id": question.id,
                "group": group,
                "n": np.nan if n < min_cell else n,
                "suppressed": hidden,
            }
            if not hidden:
                row["mean"] = float(values["value"].mean())
                row["median"] = float(values["value"].median())
                counts = values["value"].value_counts()

                def share(count: int, n: int = n) -> float:
                    # A handful of people on one scale point is a small group too.
                    small = 0 < count < min_cell or 0 < n - count < min_cell
                    return np.nan if small else count / n

                if question.kind == QuestionKind.LIKERT:
                    for point in range(1, 6):
                        row[f"share_{point}"] = share(int(counts.get(point, 0)))
                else:
                    promoters = int((values["value"] >= 9).sum())
                    detractors = int((values["value"] <= 6).sum())
                    row["promoters"] = share(promoters)
                    row["passives"] = share(n - promoters - detractors)
                    row["detractors"] = share(detractors)
                    row["nps"] = 100 * (promoters - detractors) / n
            rows.append(row)
    return pd.DataFrame(rows)


def bridge(
    full: pd.DataFrame,
    questions: list[Question],
    topics: dict[int, str],
    min_cell: int,
    filters: Filters,
) -> pd.DataFrame:
    """Per topic and group: the share of respondents who need it and who offer it."""
    frame = filters.apply(full)
    kinds = {
        o.id: (o.topic_id, o.kind)
        for q in questions
        for o in q.options
        if o.topic_id and o.kind
    }
    tagged = frame[frame["option_id"].isin(kinds)].copy()
    tagged["topic_id"] = tagged["option_id"].map(lambda o: kinds[o][0])
    tagged["kind"] = tagged["option_id"].map(lambda o: kinds[o][1])
    rows = []
    for group in [*_groups(full), TOTAL]:
        people = frame if group == TOTAL else frame[frame["group"] == group]
        n = people["response_id"].nunique()
        mine = tagged if group == TOTAL else tagged[tagged["group"] == group]
        for topic_id, name in topics.items():
            row: dict[str, Any] = {
                "topic_id": topic_id,
                "topic": name,
                "group": group,
                "n": n if n >= min_cell else np.nan,
            }
            for kind in ("need", "offer"):
                count = mine[(mine["topic_id"] == topic_id) & (mine["kind"] == kind)][
                    "response_id"
                ].nunique()
                hidden = (
                    n < min_cell or 0 < count < min_cell or 0 < n - count < min_cell
                )
                row[f"{kind}_count"] = np.nan if hidden else count
                row[f"{kind}_share"] = np.nan if hidden else count / n
                row[f"{kind}_suppressed"] = hidden
            rows.append(row)
    return pd.DataFrame(rows)


def over_time(full: pd.DataFrame, min_cell: int, filters: Filters) -> pd.DataFrame:
    """Responses per day (by their last change)."""
    frame = filters.apply(full).drop_duplicates("response_id")
    days = pd.to_datetime(frame["answered_at"], utc=True).dt.tz_convert("Europe/Berlin")
    counts = days.dt.date.value_counts().sort_index()
    table = pd.DataFrame(
        {"day": counts.index.astype(str), "responses": counts.to_numpy()}
    )
    table["suppressed"] = _is_small(table["responses"], min_cell)
    table.loc[table["suppressed"], "responses"] = np.nan
    return table


def response_rates(session: SessionLike, survey: Survey, min_cell: int) -> pd.DataFrame:
    """Per campaign with this survey: delivered → clicked (unverified) → answered."""
    answered: dict[Any, int] = dict(
        session.execute(
            select(SurveyResponse.campaign_id, func.count())
            .where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.campaign_id.is_not(None),
            )
            .group_by(SurveyResponse.campaign_id)
        ).all()
    )
    clicks: dict[Any, int] = dict(
        session.execute(
            select(Click.campaign_id, func.count())
            .where(Click.survey_id == survey.id, Click.campaign_id.is_not(None))
            .group_by(Click.campaign_id)
        ).all()
    )
    campaign_ids = sorted(set(answered) | set(clicks))
    delivered = (
        dict(
            session.execute(
                select(Delivery.campaign_id, func.count())
                .where(
                    Delivery.campaign_id.in_(campaign_ids),
                    Delivery.status == DeliveryStatus.SENT,
                )
                .group_by(Delivery.campaign_id)
            ).all()
        )
        if campaign_ids
        else {}
    )
    rows = []
    for campaign_id in campaign_ids:
        sent, answers = delivered.get(campaign_id, 0), answered.get(campaign_id, 0)
        hidden = 0 < answers < min_cell
        rows.append(
            {
                "campaign_id": campaign_id,
                "delivered": sent,
                "clicks": clicks.get(campaign_id, 0),
                "answered": np.nan if hidden else answers,
                "response_rate": np.nan if hidden or not sent else answers / sent,
                "suppressed": hidden,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "campaign_id",
            "delivered",
            "clicks",
            "answered",
            "response_rate",
            "suppressed",
        ],
    )
