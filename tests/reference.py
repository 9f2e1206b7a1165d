"""Reference figures worked out in plain Python, independently of the code under test."""

from __future__ import annotations


def rank_auc(scores: list[int], outcomes: list[bool]) -> float:
    """Mann-Whitney: the positives' rank sum (ties get their average rank), less its minimum,
    over the number of pairs."""
    order = sorted(range(len(scores)), key=lambda k: scores[k])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    positives = sum(outcomes)
    negatives = len(outcomes) - positives
    rank_sum = sum(r for r, o in zip(ranks, outcomes, strict=True) if o)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
