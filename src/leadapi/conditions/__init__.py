"""The condition language shared by scoring rules, routing rules and SLA policies."""

from leadapi.conditions.engine import OPERATORS, ConditionError, FieldSet, Predicate, compile_condition

__all__ = ["OPERATORS", "ConditionError", "FieldSet", "Predicate", "compile_condition"]
