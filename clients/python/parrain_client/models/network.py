from enum import StrEnum

class Network(StrEnum):
    EMAIL = "email"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"
    X = "x"

    def __str__(self) -> str:
        return str(self.value)
