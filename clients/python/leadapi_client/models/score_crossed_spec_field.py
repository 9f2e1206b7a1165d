from enum import StrEnum


class ScoreCrossedSpecField(StrEnum):
    BEHAVIOR_SCORE = "behavior_score"
    FIT_SCORE = "fit_score"
    SCORE = "score"

    def __str__(self) -> str:
        return str(self.value)
