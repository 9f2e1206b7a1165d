"""The model a new workspace starts with: the widely published B2B point table.

The ideal-customer values (industries, sizes, countries, tech) are plain rule values: a workspace
edits them by creating a new model version.
"""

from __future__ import annotations

from typing import Any

TARGET_COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL"]

DEFAULT_MODEL: dict[str, Any] = {
    "name": "B2B default",
    "score_range": {"min": 0, "max": 100},
    "bands": [{"name": "sql", "min": 75}, {"name": "mql", "min": 40}, {"name": "not_ready", "min": None}],
    "rules": [
        # Behaviour
        {
            "id": "pricing_page",
            "kind": "behavior",
            "points": 15,
            "event": {
                "type": "page_view",
                "where": {"field": "properties.path", "op": "starts_with", "value": "/pricing"},
            },
        },
        {
            "id": "contact_form",
            "kind": "behavior",
            "points": 20,
            "event": {
                "type": "form_submit",
                "where": {
                    "any": [
                        {"field": "properties.form", "op": "contains", "value": "contact"},
                        {"field": "properties.path", "op": "contains", "value": "contact"},
                    ]
                },
            },
        },
        {
            "id": "email_clicks",
            "kind": "behavior",
            "points": 10,
            "event": {"type": "email_click"},
            "per_event": True,
            "max_points": 30,
            "within_days": 90,
            "half_life_days": 30,
        },
        {
            "id": "email_opens_3",
            "kind": "behavior",
            "points": 8,
            "event": {"type": "email_open"},
            "min_count": 3,
        },
        {"id": "webinar", "kind": "behavior", "points": 30, "event": {"type": "webinar_attended"}},
        {"id": "content_download", "kind": "behavior", "points": 10, "event": {"type": "content_download"}},
        {"id": "demo_request", "kind": "behavior", "points": 50, "event": {"type": "demo_request"}},
        # Fit (VPs count with the C-level: both sign off on purchases)
        {
            "id": "executive",
            "kind": "fit",
            "points": 20,
            "when": {"field": "seniority", "op": "in", "value": ["c_level", "vp"]},
        },
        {
            "id": "manager_or_director",
            "kind": "fit",
            "points": 10,
            "when": {"field": "seniority", "op": "in", "value": ["manager", "director"]},
        },
        {
            "id": "target_industry",
            "kind": "fit",
            "points": 15,
            "when": {
                "field": "industry",
                "op": "in",
                "value": ["software", "saas", "technology", "internet"],
            },
        },
        {
            "id": "company_size_match",
            "kind": "fit",
            "points": 5,
            "when": {"field": "company_size", "op": "between", "value": [50, 5000]},
        },
        {
            "id": "target_geography",
            "kind": "fit",
            "points": 15,
            "when": {"field": "country", "op": "in", "value": TARGET_COUNTRIES},
        },
        {
            "id": "tech_stack",
            "kind": "fit",
            "points": 10,
            "when": {
                "field": "attributes.tech_stack",
                "op": "contains_any",
                "value": ["python", "postgresql", "postgres", "aws", "kubernetes"],
            },
        },
        # Negative
        {
            "id": "free_email",
            "kind": "fit",
            "points": -10,
            "when": {"field": "is_free_email", "op": "eq", "value": True},
        },
        {
            "id": "careers_page",
            "kind": "behavior",
            "points": -15,
            "event": {
                "type": "page_view",
                "where": {"field": "properties.path", "op": "starts_with", "value": "/careers"},
            },
        },
        {
            "id": "outside_geography",
            "kind": "fit",
            "points": -10,
            "when": {
                "all": [
                    {"field": "country", "op": "exists"},
                    {"field": "country", "op": "not_in", "value": TARGET_COUNTRIES},
                ]
            },
        },
        {"id": "inactive_90d", "kind": "inactivity", "points": -20, "days": 90},
        {
            "id": "student_or_intern",
            "kind": "fit",
            "points": -10,
            "when": {"field": "seniority", "op": "eq", "value": "student_intern"},
        },
        {
            "id": "unsubscribed",
            "kind": "fit",
            "points": -15,
            "when": {"field": "unsubscribed", "op": "eq", "value": True},
        },
    ],
}
