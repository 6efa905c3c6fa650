from enum import StrEnum

class CreditPer(StrEnum):
    EVENT = "event"
    FRIEND = "friend"

    def __str__(self) -> str:
        return str(self.value)
