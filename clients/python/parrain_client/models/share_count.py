from enum import StrEnum

class ShareCount(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    HIDDEN = "hidden"

    def __str__(self) -> str:
        return str(self.value)
