"""The condition language shared by scoring rules, routing rules and SLA policies."""

from leadapi.conditions.engine import (
    MAX_MATCH_INPUT,
    MAX_PATTERNS,
    MAX_PROGRAM,
    OPERATORS,
    ConditionError,
    FieldSet,
    MatchBudget,
    MatchBudgetExceededError,
    PatternTally,
    Predicate,
    compile_condition,
    match_budget,
)

__all__ = [
    "MAX_MATCH_INPUT",
    "MAX_PATTERNS",
    "MAX_PROGRAM",
    "OPERATORS",
    "ConditionError",
    "FieldSet",
    "MatchBudget",
    "MatchBudgetExceededError",
    "PatternTally",
    "Predicate",
    "compile_condition",
    "match_budget",
]
