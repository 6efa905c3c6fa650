from enum import StrEnum

class MyRewardOutState(StrEnum):
    CANCELLED = "cancelled"
    EARNED = "earned"
    GIVEN = "given"
    HELD = "held"

    def __str__(self) -> str:
        return str(self.value)
