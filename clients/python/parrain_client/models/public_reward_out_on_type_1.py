from enum import StrEnum

class PublicRewardOutOnType1(StrEnum):
    CREDIT = "credit"
    SIGN_UP = "sign_up"

    def __str__(self) -> str:
        return str(self.value)
