from enum import StrEnum

class ButtonStyle(StrEnum):
    ICONS = "icons"
    ICONS_AND_TEXT = "icons_and_text"
    IMAGES = "images"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
