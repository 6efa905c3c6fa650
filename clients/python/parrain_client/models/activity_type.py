from enum import StrEnum

class ActivityType(StrEnum):
    ACHIEVED_GOAL_IN_REFERRAL = "achieved_goal_in_referral"
    CLICKS_SHARED_LINK = "clicks_shared_link"
    CREDIT_APPROVED = "credit.approved"
    CREDIT_FLAGGED = "credit.flagged"
    CREDIT_INELIGIBLE = "credit.ineligible"
    CREDIT_REJECTED = "credit.rejected"
    CREDIT_REVERSED = "credit.reversed"
    CUSTOM_EVENT = "custom_event"
    EMAIL_FAILED = "email.failed"
    EMAIL_SENT = "email.sent"
    OFFER_FULFILLED = "offer_fulfilled"
    PROMO_CODES_EXHAUSTED = "promo_codes.exhausted"
    PROMO_CODES_LOW = "promo_codes.low"
    REFERS_TO_SOCIAL_APP = "refers_to_social_app"
    REWARD_CANCELLED = "reward.cancelled"
    REWARD_CLAWBACK = "reward.clawback"
    REWARD_EARNED = "reward.earned"
    REWARD_GIVEN = "reward.given"
    SHARES_CONTENT = "shares_content"
    SIGNS_UP_FOR_REFERRAL_OFFER = "signs_up_for_referral_offer"
    VISITS_OFFER_PAGE = "visits_offer_page"

    def __str__(self) -> str:
        return str(self.value)
