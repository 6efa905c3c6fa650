from enum import StrEnum

class SignUpFlow(StrEnum):
    CAPTURE_THEN_SHARE = "capture_then_share"
    SHARE_THEN_CAPTURE = "share_then_capture"

    def __str__(self) -> str:
        return str(self.value)
