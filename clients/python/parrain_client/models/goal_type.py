from enum import StrEnum

class GoalType(StrEnum):
    CUSTOM_EVENT = "custom_event"
    REFERRED_SIGNUPS = "referred_signups"
    REFERRED_VISITS = "referred_visits"
    SMART_LIST_TRIGGER = "smart_list_trigger"

    def __str__(self) -> str:
        return str(self.value)
