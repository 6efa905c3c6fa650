from enum import StrEnum

class OfferStatus(StrEnum):
    APPROVED = "approved"
    ARCHIVED = "archived"
    DRAFT = "draft"
    UNAPPROVED = "unapproved"

    def __str__(self) -> str:
        return str(self.value)
