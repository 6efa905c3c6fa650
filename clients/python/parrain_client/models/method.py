from enum import StrEnum

class Method(StrEnum):
    COUPON = "coupon"
    EMAIL = "email"
    LINK = "link"
    NAME = "name"

    def __str__(self) -> str:
        return str(self.value)
