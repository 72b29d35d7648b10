"""The revisit reminder: one all-day calendar event (RFC 5545 iCalendar), written by hand.

The event falls on the assessment's revisit date and carries the title, the call, the deployment,
its monthly cost and the share link, with a reminder the day before. The file follows RFC 5545:

- lines end in CRLF (3.1) and are folded at 75 octets, never inside a UTF-8 sequence: a
  continuation line starts with one space, which counts toward its 75 (3.1);
- TEXT values escape backslash, semicolon, comma and newline (3.3.11); other control
  characters are not allowed in TEXT and are dropped;
- the UID is stable: the same link and date give the same UID, so importing the file again
  updates the event instead of adding a second one (3.8.4.7);
- DTSTAMP is in UTC (3.8.7.2); the event is all-day: DTSTART;VALUE=DATE and DTEND the next day
  (3.6.1: DTEND is exclusive).

(Named ``ics`` rather than ``calendar`` so that it never shadows the standard library's module.)
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from grid.answers import AnswerFile
from grid.assessment import Assessment
from grid.engine import REC_LABEL
from grid.options import money
from grid.sensitivity import best_alternative

PRODID = "-//open-closed LLM decision grid//revisit reminder//EN"
UID_DOMAIN = "llm-decision-grid.invalid"
LINE_OCTETS = 75
DEFAULT_SUMMARY = "Revisit the open / closed LLM decision"
# CONTROL in RFC 5545 3.1 is %x00-08 / %x0A-1F / %x7F; HTAB is allowed, newlines are escaped
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URI_BREAKS = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Text as it can travel in a TEXT value: line breaks become \\n, other control characters go."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape_text(text: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped (backslash first)."""
    return clean_text(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into physical lines of at most 75 octets, joined by CRLF + space.
    Splits fall between characters, so no UTF-8 sequence is ever cut."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the continuation's leading space
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n ".join(out)


def uid(link: str, day: date) -> str:
    """The same link and revisit date always give the same UID."""
    digest = hashlib.sha256(f"{link}\n{day.isoformat()}".encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def description(a: Assessment, title: str, link: str, day: date) -> str:
    """The event's text: the call, the deployment and its seller, the monthly cost, the link."""
    r = a.result
    lines = [f"Revisit this decision: {title}" if title.strip() else "Revisit this decision."]
    lines.append(f"Call: {REC_LABEL[r.recommendation]}. {r.headline}.")
    chosen = getattr(a.costs, r.deployment_option) if a.costs is not None and r.deployment_option else None
    deployment = f"Deployment: {chosen.label if chosen is not None else r.deployment.replace('_', ' ')}"
    if chosen is not None:
        if chosen.model:
            deployment += f" ({chosen.model})"
        if chosen.seller_name:
            deployment += f", bought from {chosen.seller_name}"
    lines.append(deployment + ".")
    if chosen is not None and chosen.monthly_usd is not None:
        cost = f"Monthly cost: {money(chosen.monthly_usd)} a month"
        alt = best_alternative(a)
        if alt is not None:
            cost += f", against {money(alt.monthly_usd)} for the best allowed alternative ({alt.label.lower()})"
        lines.append(cost + ".")
    lines.append(f"Confidence: {r.confidence}.")
    lines.append(f"Revisit by {day.isoformat()}: parity and prices move, so re-run the grid with this link and compare.")
    lines.append(f"Link: {link}")
    return "\n".join(lines)


def revisit_ics(state: AnswerFile, assessment: Assessment, link: str, today: date, now: Optional[datetime] = None) -> str:
    """The revisit reminder as an iCalendar file (RFC 5545): one all-day event on the revisit
    date (``grid.report.revisit_date``), with a display alarm the day before."""
    from grid.report import revisit_date

    day = revisit_date(state, today)
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    title = clean_text(state.title)
    summary = title if title.strip() else f"{DEFAULT_SUMMARY} ({REC_LABEL[assessment.result.recommendation].lower()})"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid(link, day)}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description(assessment, title, link, day))}",
        f"URL:{_URI_BREAKS.sub('', link)}",  # a URI value: never escaped, and no line end can break it
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text('Tomorrow: ' + summary)}",
        "TRIGGER:-P1D",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
