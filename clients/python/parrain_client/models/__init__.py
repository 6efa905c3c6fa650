""" Contains all the data models used in inputs/outputs """

from .activity_out import ActivityOut
from .activity_out_details import ActivityOutDetails
from .activity_type import ActivityType
from .attempt_out import AttemptOut
from .attribution import Attribution
from .attribution_model import AttributionModel
from .attribution_out import AttributionOut
from .audience_out import AudienceOut
from .bucket_out import BucketOut
from .button_style import ButtonStyle
from .cancel_reward_in import CancelRewardIn
from .claim_in import ClaimIn
from .claim_out import ClaimOut
from .colours import Colours
from .condition import Condition
from .condition_value import ConditionValue
from .credit_per import CreditPer
from .delivery import Delivery
from .delivery_out import DeliveryOut
from .delivery_out_payload import DeliveryOutPayload
from .eligibility import Eligibility
from .email_health import EmailHealth
from .email_template import EmailTemplate
from .emails import Emails
from .erasure_out import ErasureOut
from .error_detail_out import ErrorDetailOut
from .error_detail_out_details_type_0 import ErrorDetailOutDetailsType0
from .error_out import ErrorOut
from .event_batch_out import EventBatchOut
from .event_in import EventIn
from .event_result_out import EventResultOut
from .event_result_out_credits_item import EventResultOutCreditsItem
from .existing_customers_out import ExistingCustomersOut
from .export_person_response_200 import ExportPersonResponse200
from .found_participant_out import FoundParticipantOut
from .fraud_settings import FraudSettings
from .friend_in import FriendIn
from .friend_on import FriendOn
from .friend_out import FriendOut
from .fulfill_many_in import FulfillManyIn
from .fulfill_many_out import FulfillManyOut
from .fulfill_result_out import FulfillResultOut
from .fulfill_result_out_error import FulfillResultOutError
from .fulfillment import Fulfillment
from .funnel_out import FunnelOut
from .give_credit_in import GiveCreditIn
from .give_reward_in import GiveRewardIn
from .goal import Goal
from .goal_type import GoalType
from .health import Health
from .identified_out import IdentifiedOut
from .identify_in import IdentifyIn
from .imported_out import ImportedOut
from .ineligible_credit_out import IneligibleCreditOut
from .invitations import Invitations
from .invitations_in import InvitationsIn
from .invitations_out import InvitationsOut
from .language import Language
from .leader_out import LeaderOut
from .leaderboard import Leaderboard
from .leaderboard_out import LeaderboardOut
from .limits import Limits
from .link import Link
from .list_activity_out import ListActivityOut
from .list_activity_out_data_item import ListActivityOutDataItem
from .list_activity_out_data_item_details import ListActivityOutDataItemDetails
from .list_delivery_out import ListDeliveryOut
from .list_delivery_out_data_item import ListDeliveryOutDataItem
from .list_delivery_out_data_item_payload import ListDeliveryOutDataItemPayload
from .list_offer_out import ListOfferOut
from .list_offer_out_data_item import ListOfferOutDataItem
from .list_offers_status import ListOffersStatus
from .list_participant_out import ListParticipantOut
from .list_participant_out_data_item import ListParticipantOutDataItem
from .list_participant_out_data_item_fields import ListParticipantOutDataItemFields
from .list_participants_goal import ListParticipantsGoal
from .list_people_attributed_by import ListPeopleAttributedBy
from .list_people_reward_state import ListPeopleRewardState
from .list_person_out import ListPersonOut
from .list_person_out_data_item import ListPersonOutDataItem
from .list_review_out import ListReviewOut
from .list_review_out_data_item import ListReviewOutDataItem
from .list_webhook_out import ListWebhookOut
from .list_webhook_out_data_item import ListWebhookOutDataItem
from .lookup_in import LookupIn
from .marketing_consent import MarketingConsent
from .me_in import MeIn
from .method import Method
from .my_reward_out import MyRewardOut
from .my_reward_out_state import MyRewardOutState
from .network import Network
from .network_out import NetworkOut
from .new_participant_out import NewParticipantOut
from .new_public_participant_out import NewPublicParticipantOut
from .next_reward_out import NextRewardOut
from .offer_out import OfferOut
from .offer_settings import OfferSettings
from .offer_settings_share_messages import OfferSettingsShareMessages
from .offer_status import OfferStatus
from .op import Op
from .outbound_health import OutboundHealth
from .outcome import Outcome
from .participant_detail_out import ParticipantDetailOut
from .participant_out import ParticipantOut
from .participant_out_fields import ParticipantOutFields
from .patch_offer_body import PatchOfferBody
from .pending_in import PendingIn
from .pending_out import PendingOut
from .person_field import PersonField
from .person_out import PersonOut
from .preview_kind import PreviewKind
from .progress_out import ProgressOut
from .promo_counts_out import PromoCountsOut
from .promo_pool_patch import PromoPoolPatch
from .public_goal_out import PublicGoalOut
from .public_invitations_out import PublicInvitationsOut
from .public_leaderboard_out import PublicLeaderboardOut
from .public_offer_out import PublicOfferOut
from .public_offer_out_share_messages import PublicOfferOutShareMessages
from .public_participant_out import PublicParticipantOut
from .public_provider_out import PublicProviderOut
from .public_reward_out import PublicRewardOut
from .public_reward_out_for import PublicRewardOutFor
from .public_reward_out_on_type_1 import PublicRewardOutOnType1
from .public_widget_out import PublicWidgetOut
from .public_widget_out_button_images import PublicWidgetOutButtonImages
from .public_widget_out_strings import PublicWidgetOutStrings
from .queue_health import QueueHealth
from .referrer_match_out import ReferrerMatchOut
from .referrers_out import ReferrersOut
from .refused_out import RefusedOut
from .report_out import ReportOut
from .report_out_ineligible import ReportOutIneligible
from .reversal_out import ReversalOut
from .reverse_in import ReverseIn
from .review_out import ReviewOut
from .reward import Reward
from .reward_bucket_out import RewardBucketOut
from .reward_counts_out import RewardCountsOut
from .reward_delivery import RewardDelivery
from .reward_for import RewardFor
from .reward_out import RewardOut
from .reward_out_state import RewardOutState
from .reward_report_out import RewardReportOut
from .same_ip import SameIp
from .server_event_in import ServerEventIn
from .server_event_in_properties import ServerEventInProperties
from .share_count import ShareCount
from .share_in import ShareIn
from .share_metrics_out import ShareMetricsOut
from .share_preview import SharePreview
from .share_url import ShareUrl
from .share_url_kind import ShareUrlKind
from .sign_in_sent_out import SignInSentOut
from .sign_up_flow import SignUpFlow
from .sign_up_in import SignUpIn
from .sign_up_in_fields import SignUpInFields
from .top_referrer_out import TopReferrerOut
from .tracked_out import TrackedOut
from .trigger_rule import TriggerRule
from .velocity import Velocity
from .visit_counting import VisitCounting
from .visit_in import VisitIn
from .webhook_data_out import WebhookDataOut
from .webhook_data_out_details import WebhookDataOutDetails
from .webhook_event_out import WebhookEventOut
from .webhook_goal_out import WebhookGoalOut
from .webhook_in import WebhookIn
from .webhook_out import WebhookOut
from .webhook_participant_out import WebhookParticipantOut
from .webhook_patch_in import WebhookPatchIn
from .webhook_person_out import WebhookPersonOut
from .webhook_reward_out import WebhookRewardOut
from .webhook_secret_out import WebhookSecretOut
from .widget_settings import WidgetSettings
from .widget_settings_button_images import WidgetSettingsButtonImages
from .widget_settings_strings import WidgetSettingsStrings

__all__ = (
    "ActivityOut",
    "ActivityOutDetails",
    "ActivityType",
    "AttemptOut",
    "Attribution",
    "AttributionModel",
    "AttributionOut",
    "AudienceOut",
    "BucketOut",
    "ButtonStyle",
    "CancelRewardIn",
    "ClaimIn",
    "ClaimOut",
    "Colours",
    "Condition",
    "ConditionValue",
    "CreditPer",
    "Delivery",
    "DeliveryOut",
    "DeliveryOutPayload",
    "Eligibility",
    "EmailHealth",
    "Emails",
    "EmailTemplate",
    "ErasureOut",
    "ErrorDetailOut",
    "ErrorDetailOutDetailsType0",
    "ErrorOut",
    "EventBatchOut",
    "EventIn",
    "EventResultOut",
    "EventResultOutCreditsItem",
    "ExistingCustomersOut",
    "ExportPersonResponse200",
    "FoundParticipantOut",
    "FraudSettings",
    "FriendIn",
    "FriendOn",
    "FriendOut",
    "FulfillManyIn",
    "FulfillManyOut",
    "Fulfillment",
    "FulfillResultOut",
    "FulfillResultOutError",
    "FunnelOut",
    "GiveCreditIn",
    "GiveRewardIn",
    "Goal",
    "GoalType",
    "Health",
    "IdentifiedOut",
    "IdentifyIn",
    "ImportedOut",
    "IneligibleCreditOut",
    "Invitations",
    "InvitationsIn",
    "InvitationsOut",
    "Language",
    "Leaderboard",
    "LeaderboardOut",
    "LeaderOut",
    "Limits",
    "Link",
    "ListActivityOut",
    "ListActivityOutDataItem",
    "ListActivityOutDataItemDetails",
    "ListDeliveryOut",
    "ListDeliveryOutDataItem",
    "ListDeliveryOutDataItemPayload",
    "ListOfferOut",
    "ListOfferOutDataItem",
    "ListOffersStatus",
    "ListParticipantOut",
    "ListParticipantOutDataItem",
    "ListParticipantOutDataItemFields",
    "ListParticipantsGoal",
    "ListPeopleAttributedBy",
    "ListPeopleRewardState",
    "ListPersonOut",
    "ListPersonOutDataItem",
    "ListReviewOut",
    "ListReviewOutDataItem",
    "ListWebhookOut",
    "ListWebhookOutDataItem",
    "LookupIn",
    "MarketingConsent",
    "MeIn",
    "Method",
    "MyRewardOut",
    "MyRewardOutState",
    "Network",
    "NetworkOut",
    "NewParticipantOut",
    "NewPublicParticipantOut",
    "NextRewardOut",
    "OfferOut",
    "OfferSettings",
    "OfferSettingsShareMessages",
    "OfferStatus",
    "Op",
    "OutboundHealth",
    "Outcome",
    "ParticipantDetailOut",
    "ParticipantOut",
    "ParticipantOutFields",
    "PatchOfferBody",
    "PendingIn",
    "PendingOut",
    "PersonField",
    "PersonOut",
    "PreviewKind",
    "ProgressOut",
    "PromoCountsOut",
    "PromoPoolPatch",
    "PublicGoalOut",
    "PublicInvitationsOut",
    "PublicLeaderboardOut",
    "PublicOfferOut",
    "PublicOfferOutShareMessages",
    "PublicParticipantOut",
    "PublicProviderOut",
    "PublicRewardOut",
    "PublicRewardOutFor",
    "PublicRewardOutOnType1",
    "PublicWidgetOut",
    "PublicWidgetOutButtonImages",
    "PublicWidgetOutStrings",
    "QueueHealth",
    "ReferrerMatchOut",
    "ReferrersOut",
    "RefusedOut",
    "ReportOut",
    "ReportOutIneligible",
    "ReversalOut",
    "ReverseIn",
    "ReviewOut",
    "Reward",
    "RewardBucketOut",
    "RewardCountsOut",
    "RewardDelivery",
    "RewardFor",
    "RewardOut",
    "RewardOutState",
    "RewardReportOut",
    "SameIp",
    "ServerEventIn",
    "ServerEventInProperties",
    "ShareCount",
    "ShareIn",
    "ShareMetricsOut",
    "SharePreview",
    "ShareUrl",
    "ShareUrlKind",
    "SignInSentOut",
    "SignUpFlow",
    "SignUpIn",
    "SignUpInFields",
    "TopReferrerOut",
    "TrackedOut",
    "TriggerRule",
    "Velocity",
    "VisitCounting",
    "VisitIn",
    "WebhookDataOut",
    "WebhookDataOutDetails",
    "WebhookEventOut",
    "WebhookGoalOut",
    "WebhookIn",
    "WebhookOut",
    "WebhookParticipantOut",
    "WebhookPatchIn",
    "WebhookPersonOut",
    "WebhookRewardOut",
    "WebhookSecretOut",
    "WidgetSettings",
    "WidgetSettingsButtonImages",
    "WidgetSettingsStrings",
)
