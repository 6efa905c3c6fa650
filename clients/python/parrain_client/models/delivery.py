from enum import StrEnum

class Delivery(StrEnum):
    AUTO_ON_GOAL = "auto_on_goal"
    MANUAL = "manual"

    def __str__(self) -> str:
        return str(self.value)
