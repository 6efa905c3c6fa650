from enum import StrEnum

class ShareUrlKind(StrEnum):
    EXTERNAL = "external"
    LANDING_PAGE = "landing_page"
    REFERRING_PAGE = "referring_page"

    def __str__(self) -> str:
        return str(self.value)
