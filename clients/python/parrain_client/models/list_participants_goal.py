from enum import StrEnum

class ListParticipantsGoal(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"

    def __str__(self) -> str:
        return str(self.value)
