"""A synthetic lead population with a hidden propensity to convert. Pure: no I/O; one seed, one
population.

Each lead has a company (size, industry, country, tech stack), a person (title, hence seniority;
a work or free address) and a stream of behaviour: what it did before it filled in a form (the
visits a tracker ties to the lead at capture) and after. Its chance to convert is a logistic
function of those known features, with weights the default scoring model does not know (company
size and finance matter more than it thinks, webinars and geography less, a careers-page visit and
a student far more against): the default model ranks leads better than chance, a model fitted to
the outcomes ranks them better still. Leads that will convert keep engaging after capture, so the
MQL-time picture is sharper than the capture-time one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

INDUSTRIES = {  # industry: (share, weight in the propensity)
    "software": (0.18, 0.5),
    "saas": (0.10, 0.5),
    "finance": (0.14, 0.8),
    "healthcare": (0.12, 0.0),
    "manufacturing": (0.14, 0.1),
    "retail": (0.14, -0.5),
    "education": (0.10, -0.8),
    "internet": (0.08, 0.3),
}
COUNTRIES = {  # country: share (the default model's target geography or not: little difference)
    "US": 0.30,
    "GB": 0.10,
    "DE": 0.10,
    "FR": 0.06,
    "CA": 0.05,
    "NL": 0.04,
    "IN": 0.10,
    "BR": 0.08,
    "ES": 0.07,
    "AU": 0.05,
    "JP": 0.05,
}
TITLES = {  # title: (share, weight)
    "CEO": (0.05, 0.5),
    "VP Marketing": (0.08, 0.9),
    "Head of Growth": (0.10, 0.7),
    "Marketing Manager": (0.22, 0.3),
    "Software Engineer": (0.30, -0.2),
    "Marketing Intern": (0.08, -2.0),
    "Analyst": (0.17, -0.3),
}
TECH = ["python", "aws", "kubernetes", "java", "excel", "wordpress", "salesforce"]
FREE_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com"]
FIRST = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Radia", "Edsger"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Perlman"]
BASE_LOGIT = -2.4


@dataclass(frozen=True, slots=True)
class SimEvent:
    type: str
    at: datetime
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SimLead:
    number: int
    created_at: datetime
    fields: dict[str, Any]
    events: tuple[SimEvent, ...]
    propensity: float  # the hidden chance to convert
    converted_at: datetime | None
    disqualified_at: datetime | None


def _pick(rng: random.Random, table: dict[str, Any]) -> str:
    keys = list(table)
    weights = [value[0] if isinstance(value, tuple) else value for value in table.values()]
    return rng.choices(keys, weights)[0]


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only (a handful of events)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def generate(leads: int, days: int, start: datetime, seed: int = 1) -> list[SimLead]:
    """`leads` leads created over `days` days from `start`, oldest first."""
    rng = random.Random(seed)
    made = [
        _lead(rng, number, start + timedelta(seconds=rng.uniform(0, days * 86400))) for number in range(leads)
    ]
    return sorted(made, key=lambda lead: (lead.created_at, lead.number))


def _lead(rng: random.Random, number: int, created_at: datetime) -> SimLead:
    industry = _pick(rng, INDUSTRIES)
    title = _pick(rng, TITLES)
    country = _pick(rng, COUNTRIES)
    size = int(math.exp(rng.gauss(5.0, 1.8))) + 1
    tech = rng.sample(TECH, rng.randint(0, 3))
    free = rng.random() < 0.25
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"Company {number % 5000}"
    domain = rng.choice(FREE_DOMAINS) if free else f"company{number % 5000}.example.com"
    fields: dict[str, Any] = {
        "email": f"{first.lower()}.{last.lower()}.{number}@{domain}",
        "first_name": first,
        "last_name": last,
        "title": title,
        "company": company,
        "industry": industry,
        "company_size": size,
        "country": country,
        "source": rng.choice(["web", "webinar", "event", "referral"]),
        "attributes": {"tech_stack": tech},
    }
    fit = INDUSTRIES[industry][1] + TITLES[title][1]
    fit += 0.9 if 200 <= size <= 5000 else 0.3 if 50 <= size < 200 else -0.3 if size > 5000 else -0.9
    fit += 0.1 if country in ("US", "GB", "DE", "FR", "CA", "NL") else -0.1
    fit += 0.3 if {"python", "aws", "kubernetes"} & set(tech) else 0.0
    fit += -1.0 if free else 0.0
    interest = rng.gauss(0, 1)
    before = _behaviour(rng, created_at, interest, before=True)
    seen = {event.type for event in before}
    paths = {str(event.properties.get("path", "")) for event in before}
    behaviour = 1.6 * ("demo_request" in seen) + 0.2 * ("webinar_attended" in seen)
    behaviour += 0.7 * any(path.startswith("/pricing") for path in paths)
    behaviour += 0.5 * ("content_download" in seen) - 1.5 * any(path.startswith("/careers") for path in paths)
    behaviour += 0.4 * (sum(1 for e in before if e.type == "email_open") >= 3)
    propensity = _sigmoid(BASE_LOGIT + fit + behaviour + 0.4 * interest)
    converts = rng.random() < propensity
    after = _behaviour(rng, created_at, interest + (1.0 if converts else 0.0), before=False)
    converted_at = created_at + timedelta(days=rng.uniform(5, 60)) if converts else None
    disqualified_at = (
        created_at + timedelta(days=rng.uniform(20, 80)) if not converts and rng.random() < 0.3 else None
    )
    events = tuple(sorted((*before, *after), key=lambda e: e.at))
    return SimLead(number, created_at, fields, events, propensity, converted_at, disqualified_at)


def _behaviour(rng: random.Random, created_at: datetime, interest: float, *, before: bool) -> list[SimEvent]:
    """Events of one lead: before capture (up to two weeks) or after it (up to 45 days)."""
    made: list[SimEvent] = []

    def at() -> datetime:
        if before:
            return created_at - timedelta(seconds=rng.uniform(60, 14 * 86400))
        return created_at + timedelta(seconds=rng.uniform(60, 45 * 86400))

    engaged = _sigmoid(interest - 0.5)
    for _ in range(_poisson(rng, 0.6 + 1.2 * engaged)):
        path = rng.choices(["/pricing", "/blog/scoring", "/careers", "/docs"], [4, 3, 1.2, 2])[0]
        made.append(SimEvent("page_view", at(), {"path": path}))
    if rng.random() < 0.25 * engaged:
        made.append(SimEvent("demo_request", at(), {}))
    if rng.random() < 0.2:
        made.append(SimEvent("webinar_attended", at(), {"webinar": "scoring-101"}))
    if rng.random() < 0.3 * engaged + 0.05:
        made.append(SimEvent("content_download", at(), {"asset": "guide"}))
    for _ in range(_poisson(rng, 1.5 * engaged)):
        made.append(SimEvent("email_open", at(), {"campaign": "nurture"}))
    if not before and rng.random() < 0.3 * engaged:
        made.append(SimEvent("form_submit", at(), {"form": "contact"}))
    return made
