"""The /report texts and the chart's input, from models/reports.py figures (plain data in,
translated text out; the handler decides message or file)."""

from __future__ import annotations

import html
import re
from datetime import date

from bot.charts import ChartInput
from bot.i18n import Translator
from models.dates import format_day
from models.people import Role
from models.reports import (
    SILENT_DAYS,
    ChartData,
    Risk,
    RiskItem,
    Rollup,
    RollupLine,
    Scope,
    Summary,
)
from models.surveys import CHARACTERISTICS

TAG = re.compile(r"<[^>]+>")


def number(t: Translator, value: float) -> str:
    """One decimal, with the decimal comma in Russian."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if t.language == "ru" else text


def share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def period_text(t: Translator, scope: Scope) -> str:
    if scope.start is None or scope.end is None:
        return t("report-period-all")
    return t(
        "report-period-quarter",
        label=scope.label,
        start=format_day(scope.start),
        end=format_day(scope.end),
    )


def risk_item(t: Translator, item: RiskItem) -> str:
    """One line of a risk list, who to call, as plain text (escaped once, by the line)."""
    if item.program is not None:
        pair = t.plain(
            "report-risk-pair",
            program=item.program,
            mentor=item.name,
            mentees=", ".join(item.mentees) or "—",
        )
        if item.overdue:
            return t.plain("report-risk-late", pair=pair, count=item.overdue)
        return pair
    if item.roles or item.programs:
        about = [t.plain(f"role-{role}") for role in item.roles]
        about += [f"#{program}" for program in item.programs]
        return t.plain("report-risk-person", name=item.name, about=", ".join(about))
    return t.plain("report-risk-name", name=item.name)


def _risk_lines(t: Translator, key: str, risk: Risk, **args: object) -> list[str]:
    if not risk.count:
        return []
    lines = [t(key, count=risk.count, **args)]
    lines.extend(t("report-risk-line", line=risk_item(t, item)) for item in risk.items)
    if risk.count > len(risk.items):
        lines.append(t("report-risk-more", count=risk.count - len(risk.items)))
    return lines


def summary_text(t: Translator, scope_name: str, scope: Scope, s: Summary) -> str:
    lines = [t("report-title", scope=scope_name, period=period_text(t, scope)), ""]
    if scope.program_id is None:  # one program's people are in its card (/program)
        lines.append(
            t(
                "report-participants",
                mentors=s.participants.get(Role.MENTOR.value, 0),
                mentees=s.participants.get(Role.MENTEE.value, 0),
                curators=s.participants.get(Role.CURATOR.value, 0),
            )
        )
    forms = sorted(set(s.pairs) | set(s.groups))
    if forms:
        lines.append(t("report-forms-title"))
        for form in forms:
            parts = [
                t.plain(key, count=counts[form])
                for key, counts in (
                    ("report-form-pairs", s.pairs),
                    ("report-form-groups", s.groups),
                )
                if counts.get(form)
            ]
            lines.append(t("report-form-line", form=form, parts=", ".join(parts)))
    else:
        lines.append(t("report-forms-none"))
    lines.append("")
    lines.append(t("report-questions", asked=s.asked, answered=s.answered))
    if s.median_response_hours is None:
        lines.append(t("report-median-none"))
    else:
        lines.append(t("report-median", hours=number(t, s.median_response_hours)))
    lines.append(t("report-sla", breaches=s.sla_breaches, escalations=s.escalations))
    lines.append(t("report-meetings", planned=s.meetings_planned, held=s.meetings_held))
    lines.append(
        t(
            "report-plan",
            due=s.plan_due,
            done=s.plan_done,
            done_share=share(s.plan_done, s.plan_due),
            overdue=s.plan_overdue,
            overdue_share=share(s.plan_overdue, s.plan_due),
        )
    )
    lines.append("")
    if s.surveys:
        lines.append(
            t(
                "report-surveys",
                done=s.survey_done,
                total=s.survey_all,
                share=share(s.survey_done, s.survey_all),
            )
        )
        lines.extend(
            t("report-survey-line", kind=kind, done=done, total=total)
            for kind, (done, total) in sorted(s.surveys.items())
        )
    else:
        lines.append(t("report-surveys-none"))
    if s.averages:
        lines.append(t("report-averages-title"))
        lines.extend(
            t("report-average-line", topic=topic, value=number(t, s.averages[topic]))
            for topic in CHARACTERISTICS
            if topic in s.averages
        )
    else:
        lines.append(t("report-averages-none"))
    lines.append("")
    risks = (
        _risk_lines(t, "report-risk-silent", s.silent, days=SILENT_DAYS)
        + _risk_lines(t, "report-risk-overdue", s.overdue)
        + _risk_lines(t, "report-risk-unreachable", s.unreachable)
        + _risk_lines(t, "report-risk-unmatched", s.unmatched)
    )
    if risks:
        lines.append(t("report-risks-title"))
        lines.extend(risks)
    else:
        lines.append(t("report-risks-none"))
    return "\n".join(lines)


def rollup_text(t: Translator, scope: Scope, r: Rollup) -> str:
    lines = [t("report-rollup-title", period=period_text(t, scope)), ""]
    if not r.lines:
        lines.append(t("report-rollup-none"))
        return "\n".join(lines)

    def args(line: RollupLine) -> dict[str, object]:
        names = ("mentors", "mentees", "programs", "asked", "answered")
        values: dict[str, object] = {n: getattr(line, n) for n in names}
        values.update(
            breaches=line.sla_breaches,
            held=line.meetings_held,
            overdue=line.plan_overdue,
            survey_done=line.survey_done,
            survey_all=line.survey_all,
        )
        return values

    lines.extend(t("report-rollup-line", name=line.name, **args(line)) for line in r.lines)
    lines.append("")
    lines.append(t("report-rollup-total", count=len(r.lines), **args(r.total)))
    if r.median_response_hours is None:
        lines.append(t("report-median-none"))
    else:
        lines.append(t("report-median", hours=number(t, r.median_response_hours)))
    return "\n".join(lines)


def format_week(monday: date) -> str:
    """A week on the chart, by its Monday: «07.09»."""
    return f"{monday:%d.%m}"


def as_file_text(text: str) -> str:
    """A message's HTML as plain text for a .txt file."""
    return html.unescape(TAG.sub("", text))


def chart_input(t: Translator, data: ChartData) -> ChartInput:
    return ChartInput(
        title_scores=t.plain("report-chart-scores"),
        title_questions=t.plain("report-chart-questions"),
        empty=t.plain("report-chart-empty"),
        quarters=data.quarters,
        series={
            t.plain("report-characteristic", topic=topic): values
            for topic, values in data.averages.items()
        },
        weeks=[format_week(monday) for monday in data.weeks],
        questions=data.questions,
    )
