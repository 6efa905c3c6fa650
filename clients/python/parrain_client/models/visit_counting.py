from enum import StrEnum

class VisitCounting(StrEnum):
    EACH_VISIT = "each_visit"
    UNIQUE_FRIEND = "unique_friend"

    def __str__(self) -> str:
        return str(self.value)
