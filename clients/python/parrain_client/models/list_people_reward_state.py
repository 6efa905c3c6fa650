from enum import StrEnum

class ListPeopleRewardState(StrEnum):
    CANCELLED = "cancelled"
    EARNED = "earned"
    GIVEN = "given"
    HELD = "held"

    def __str__(self) -> str:
        return str(self.value)
