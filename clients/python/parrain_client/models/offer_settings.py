from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.marketing_consent import MarketingConsent
from ..models.network import Network
from ..models.sign_up_flow import SignUpFlow
from ..models.visit_counting import VisitCounting
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.attribution import Attribution
  from ..models.eligibility import Eligibility
  from ..models.emails import Emails
  from ..models.fraud_settings import FraudSettings
  from ..models.fulfillment import Fulfillment
  from ..models.goal import Goal
  from ..models.invitations import Invitations
  from ..models.leaderboard import Leaderboard
  from ..models.limits import Limits
  from ..models.link import Link
  from ..models.offer_settings_share_messages import OfferSettingsShareMessages
  from ..models.person_field import PersonField
  from ..models.reward import Reward
  from ..models.share_preview import SharePreview
  from ..models.share_url import ShareUrl
  from ..models.widget_settings import WidgetSettings





T = TypeVar("T", bound="OfferSettings")



@_attrs_define
class OfferSettings:
    """ Every setting of an offer, as the API reads and writes it.

        Attributes:
            name (str):
            attribution (Attribution | Unset):
            description (None | str | Unset):
            eligibility (Eligibility | Unset): `eligibility`: who may be counted as a referred friend.
            emails (Emails | Unset):
            ends_at (datetime.datetime | None | Unset):
            fraud (FraudSettings | Unset): An offer's fraud rules. The defaults refuse the obvious (an email variant
                of the referrer's), and hold the doubtful (a disposable address; more than
                100 credits an hour, far above a real person's friends; a friend at the
                referrer's own address; more than 20 sign-ups an hour from the friend's
                address) for review.
            fulfillment (Fulfillment | Unset):
            goal (Goal | Unset):
            invitations (Invitations | Unset): The `invitations` setting: participants invite friends by email.
            leaderboard (Leaderboard | Unset): The public leaderboard of an offer's referrers (SPEC §11).
            limits (Limits | Unset): `limits`: caps on what one referrer or one share link earns.
            marketing_consent (MarketingConsent | Unset):
            networks (list[Network] | Unset):
            offer_page_url (None | str | Unset):
            person_fields (list[PersonField] | Unset):
            privacy_policy (Link | None | Unset):
            referral_param (None | str | Unset): The landing page's query parameter that carries a share code from
                links shared before parrain (by another program), read as well as
                `parrain_ref`; `null` reads `parrain_ref` only. Left out, it is `ref`.
            rewards (list[Reward] | Unset): Who is given what, and when (see `reward`); without it, v1's one
                fulfillment at the goal.
            rules_url (None | str | Unset):
            share_messages (OfferSettingsShareMessages | Unset):
            share_preview (SharePreview | Unset): The `share_preview` setting.
            share_url (ShareUrl | Unset):
            sign_up_flow (SignUpFlow | Unset):
            social_sign_up (list[str] | Unset): The OpenID Connect providers (ids from parrain's `social_providers`
                configuration) whose "Continue with …" buttons the widget shows.
            starts_at (datetime.datetime | None | Unset):
            visit_counting (VisitCounting | Unset):
            widget (WidgetSettings | Unset): The `widget` setting of an offer.
     """

    name: str
    attribution: Attribution | Unset = UNSET
    description: None | str | Unset = UNSET
    eligibility: Eligibility | Unset = UNSET
    emails: Emails | Unset = UNSET
    ends_at: datetime.datetime | None | Unset = UNSET
    fraud: FraudSettings | Unset = UNSET
    fulfillment: Fulfillment | Unset = UNSET
    goal: Goal | Unset = UNSET
    invitations: Invitations | Unset = UNSET
    leaderboard: Leaderboard | Unset = UNSET
    limits: Limits | Unset = UNSET
    marketing_consent: MarketingConsent | Unset = UNSET
    networks: list[Network] | Unset = UNSET
    offer_page_url: None | str | Unset = UNSET
    person_fields: list[PersonField] | Unset = UNSET
    privacy_policy: Link | None | Unset = UNSET
    referral_param: None | str | Unset = UNSET
    rewards: list[Reward] | Unset = UNSET
    rules_url: None | str | Unset = UNSET
    share_messages: OfferSettingsShareMessages | Unset = UNSET
    share_preview: SharePreview | Unset = UNSET
    share_url: ShareUrl | Unset = UNSET
    sign_up_flow: SignUpFlow | Unset = UNSET
    social_sign_up: list[str] | Unset = UNSET
    starts_at: datetime.datetime | None | Unset = UNSET
    visit_counting: VisitCounting | Unset = UNSET
    widget: WidgetSettings | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.attribution import Attribution # noqa: PLC0415
        from ..models.eligibility import Eligibility # noqa: PLC0415
        from ..models.emails import Emails # noqa: PLC0415
        from ..models.fraud_settings import FraudSettings # noqa: PLC0415
        from ..models.fulfillment import Fulfillment # noqa: PLC0415
        from ..models.goal import Goal # noqa: PLC0415
        from ..models.invitations import Invitations # noqa: PLC0415
        from ..models.leaderboard import Leaderboard # noqa: PLC0415
        from ..models.limits import Limits # noqa: PLC0415
        from ..models.link import Link # noqa: PLC0415
        from ..models.offer_settings_share_messages import OfferSettingsShareMessages # noqa: PLC0415
        from ..models.person_field import PersonField # noqa: PLC0415
        from ..models.reward import Reward # noqa: PLC0415
        from ..models.share_preview import SharePreview # noqa: PLC0415
        from ..models.share_url import ShareUrl # noqa: PLC0415
        from ..models.widget_settings import WidgetSettings # noqa: PLC0415
        name = self.name

        attribution: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attribution, Unset):
            attribution = self.attribution.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        eligibility: dict[str, Any] | Unset = UNSET
        if not isinstance(self.eligibility, Unset):
            eligibility = self.eligibility.to_dict()

        emails: dict[str, Any] | Unset = UNSET
        if not isinstance(self.emails, Unset):
            emails = self.emails.to_dict()

        ends_at: None | str | Unset
        if isinstance(self.ends_at, Unset):
            ends_at = UNSET
        elif isinstance(self.ends_at, datetime.datetime):
            ends_at = self.ends_at.isoformat()
        else:
            ends_at = self.ends_at

        fraud: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fraud, Unset):
            fraud = self.fraud.to_dict()

        fulfillment: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fulfillment, Unset):
            fulfillment = self.fulfillment.to_dict()

        goal: dict[str, Any] | Unset = UNSET
        if not isinstance(self.goal, Unset):
            goal = self.goal.to_dict()

        invitations: dict[str, Any] | Unset = UNSET
        if not isinstance(self.invitations, Unset):
            invitations = self.invitations.to_dict()

        leaderboard: dict[str, Any] | Unset = UNSET
        if not isinstance(self.leaderboard, Unset):
            leaderboard = self.leaderboard.to_dict()

        limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits.to_dict()

        marketing_consent: str | Unset = UNSET
        if not isinstance(self.marketing_consent, Unset):
            marketing_consent = self.marketing_consent.value


        networks: list[str] | Unset = UNSET
        if not isinstance(self.networks, Unset):
            networks = []
            for networks_item_data in self.networks:
                networks_item = networks_item_data.value
                networks.append(networks_item)



        offer_page_url: None | str | Unset
        if isinstance(self.offer_page_url, Unset):
            offer_page_url = UNSET
        else:
            offer_page_url = self.offer_page_url

        person_fields: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.person_fields, Unset):
            person_fields = []
            for person_fields_item_data in self.person_fields:
                person_fields_item = person_fields_item_data.to_dict()
                person_fields.append(person_fields_item)



        privacy_policy: dict[str, Any] | None | Unset
        if isinstance(self.privacy_policy, Unset):
            privacy_policy = UNSET
        elif isinstance(self.privacy_policy, Link):
            privacy_policy = self.privacy_policy.to_dict()
        else:
            privacy_policy = self.privacy_policy

        referral_param: None | str | Unset
        if isinstance(self.referral_param, Unset):
            referral_param = UNSET
        else:
            referral_param = self.referral_param

        rewards: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rewards, Unset):
            rewards = []
            for rewards_item_data in self.rewards:
                rewards_item = rewards_item_data.to_dict()
                rewards.append(rewards_item)



        rules_url: None | str | Unset
        if isinstance(self.rules_url, Unset):
            rules_url = UNSET
        else:
            rules_url = self.rules_url

        share_messages: dict[str, Any] | Unset = UNSET
        if not isinstance(self.share_messages, Unset):
            share_messages = self.share_messages.to_dict()

        share_preview: dict[str, Any] | Unset = UNSET
        if not isinstance(self.share_preview, Unset):
            share_preview = self.share_preview.to_dict()

        share_url: dict[str, Any] | Unset = UNSET
        if not isinstance(self.share_url, Unset):
            share_url = self.share_url.to_dict()

        sign_up_flow: str | Unset = UNSET
        if not isinstance(self.sign_up_flow, Unset):
            sign_up_flow = self.sign_up_flow.value


        social_sign_up: list[str] | Unset = UNSET
        if not isinstance(self.social_sign_up, Unset):
            social_sign_up = self.social_sign_up



        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        visit_counting: str | Unset = UNSET
        if not isinstance(self.visit_counting, Unset):
            visit_counting = self.visit_counting.value


        widget: dict[str, Any] | Unset = UNSET
        if not isinstance(self.widget, Unset):
            widget = self.widget.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if attribution is not UNSET:
            field_dict["attribution"] = attribution
        if description is not UNSET:
            field_dict["description"] = description
        if eligibility is not UNSET:
            field_dict["eligibility"] = eligibility
        if emails is not UNSET:
            field_dict["emails"] = emails
        if ends_at is not UNSET:
            field_dict["ends_at"] = ends_at
        if fraud is not UNSET:
            field_dict["fraud"] = fraud
        if fulfillment is not UNSET:
            field_dict["fulfillment"] = fulfillment
        if goal is not UNSET:
            field_dict["goal"] = goal
        if invitations is not UNSET:
            field_dict["invitations"] = invitations
        if leaderboard is not UNSET:
            field_dict["leaderboard"] = leaderboard
        if limits is not UNSET:
            field_dict["limits"] = limits
        if marketing_consent is not UNSET:
            field_dict["marketing_consent"] = marketing_consent
        if networks is not UNSET:
            field_dict["networks"] = networks
        if offer_page_url is not UNSET:
            field_dict["offer_page_url"] = offer_page_url
        if person_fields is not UNSET:
            field_dict["person_fields"] = person_fields
        if privacy_policy is not UNSET:
            field_dict["privacy_policy"] = privacy_policy
        if referral_param is not UNSET:
            field_dict["referral_param"] = referral_param
        if rewards is not UNSET:
            field_dict["rewards"] = rewards
        if rules_url is not UNSET:
            field_dict["rules_url"] = rules_url
        if share_messages is not UNSET:
            field_dict["share_messages"] = share_messages
        if share_preview is not UNSET:
            field_dict["share_preview"] = share_preview
        if share_url is not UNSET:
            field_dict["share_url"] = share_url
        if sign_up_flow is not UNSET:
            field_dict["sign_up_flow"] = sign_up_flow
        if social_sign_up is not UNSET:
            field_dict["social_sign_up"] = social_sign_up
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if visit_counting is not UNSET:
            field_dict["visit_counting"] = visit_counting
        if widget is not UNSET:
            field_dict["widget"] = widget

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribution import Attribution # noqa: PLC0415
        from ..models.eligibility import Eligibility # noqa: PLC0415
        from ..models.emails import Emails # noqa: PLC0415
        from ..models.fraud_settings import FraudSettings # noqa: PLC0415
        from ..models.fulfillment import Fulfillment # noqa: PLC0415
        from ..models.goal import Goal # noqa: PLC0415
        from ..models.invitations import Invitations # noqa: PLC0415
        from ..models.leaderboard import Leaderboard # noqa: PLC0415
        from ..models.limits import Limits # noqa: PLC0415
        from ..models.link import Link # noqa: PLC0415
        from ..models.offer_settings_share_messages import OfferSettingsShareMessages # noqa: PLC0415
        from ..models.person_field import PersonField # noqa: PLC0415
        from ..models.reward import Reward # noqa: PLC0415
        from ..models.share_preview import SharePreview # noqa: PLC0415
        from ..models.share_url import ShareUrl # noqa: PLC0415
        from ..models.widget_settings import WidgetSettings # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        _attribution = d.pop("attribution", UNSET)
        attribution: Attribution | Unset
        if isinstance(_attribution,  Unset):
            attribution = UNSET
        else:
            attribution = Attribution.from_dict(_attribution)




        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        _eligibility = d.pop("eligibility", UNSET)
        eligibility: Eligibility | Unset
        if isinstance(_eligibility,  Unset):
            eligibility = UNSET
        else:
            eligibility = Eligibility.from_dict(_eligibility)




        _emails = d.pop("emails", UNSET)
        emails: Emails | Unset
        if isinstance(_emails,  Unset):
            emails = UNSET
        else:
            emails = Emails.from_dict(_emails)




        def _parse_ends_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_at_type_0 = datetime.datetime.fromisoformat(data)



                return ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ends_at = _parse_ends_at(d.pop("ends_at", UNSET))


        _fraud = d.pop("fraud", UNSET)
        fraud: FraudSettings | Unset
        if isinstance(_fraud,  Unset):
            fraud = UNSET
        else:
            fraud = FraudSettings.from_dict(_fraud)




        _fulfillment = d.pop("fulfillment", UNSET)
        fulfillment: Fulfillment | Unset
        if isinstance(_fulfillment,  Unset):
            fulfillment = UNSET
        else:
            fulfillment = Fulfillment.from_dict(_fulfillment)




        _goal = d.pop("goal", UNSET)
        goal: Goal | Unset
        if isinstance(_goal,  Unset):
            goal = UNSET
        else:
            goal = Goal.from_dict(_goal)




        _invitations = d.pop("invitations", UNSET)
        invitations: Invitations | Unset
        if isinstance(_invitations,  Unset):
            invitations = UNSET
        else:
            invitations = Invitations.from_dict(_invitations)




        _leaderboard = d.pop("leaderboard", UNSET)
        leaderboard: Leaderboard | Unset
        if isinstance(_leaderboard,  Unset):
            leaderboard = UNSET
        else:
            leaderboard = Leaderboard.from_dict(_leaderboard)




        _limits = d.pop("limits", UNSET)
        limits: Limits | Unset
        if isinstance(_limits,  Unset):
            limits = UNSET
        else:
            limits = Limits.from_dict(_limits)




        _marketing_consent = d.pop("marketing_consent", UNSET)
        marketing_consent: MarketingConsent | Unset
        if isinstance(_marketing_consent,  Unset):
            marketing_consent = UNSET
        else:
            marketing_consent = MarketingConsent(_marketing_consent)




        _networks = d.pop("networks", UNSET)
        networks: list[Network] | Unset = UNSET
        if _networks is not UNSET:
            networks = []
            for networks_item_data in _networks:
                networks_item = Network(networks_item_data)



                networks.append(networks_item)


        def _parse_offer_page_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        offer_page_url = _parse_offer_page_url(d.pop("offer_page_url", UNSET))


        _person_fields = d.pop("person_fields", UNSET)
        person_fields: list[PersonField] | Unset = UNSET
        if _person_fields is not UNSET:
            person_fields = []
            for person_fields_item_data in _person_fields:
                person_fields_item = PersonField.from_dict(person_fields_item_data)



                person_fields.append(person_fields_item)


        def _parse_privacy_policy(data: object) -> Link | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                privacy_policy_type_1 = Link.from_dict(data)



                return privacy_policy_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Link | None | Unset, data)

        privacy_policy = _parse_privacy_policy(d.pop("privacy_policy", UNSET))


        def _parse_referral_param(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referral_param = _parse_referral_param(d.pop("referral_param", UNSET))


        _rewards = d.pop("rewards", UNSET)
        rewards: list[Reward] | Unset = UNSET
        if _rewards is not UNSET:
            rewards = []
            for rewards_item_data in _rewards:
                rewards_item = Reward.from_dict(rewards_item_data)



                rewards.append(rewards_item)


        def _parse_rules_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rules_url = _parse_rules_url(d.pop("rules_url", UNSET))


        _share_messages = d.pop("share_messages", UNSET)
        share_messages: OfferSettingsShareMessages | Unset
        if isinstance(_share_messages,  Unset):
            share_messages = UNSET
        else:
            share_messages = OfferSettingsShareMessages.from_dict(_share_messages)




        _share_preview = d.pop("share_preview", UNSET)
        share_preview: SharePreview | Unset
        if isinstance(_share_preview,  Unset):
            share_preview = UNSET
        else:
            share_preview = SharePreview.from_dict(_share_preview)




        _share_url = d.pop("share_url", UNSET)
        share_url: ShareUrl | Unset
        if isinstance(_share_url,  Unset):
            share_url = UNSET
        else:
            share_url = ShareUrl.from_dict(_share_url)




        _sign_up_flow = d.pop("sign_up_flow", UNSET)
        sign_up_flow: SignUpFlow | Unset
        if isinstance(_sign_up_flow,  Unset):
            sign_up_flow = UNSET
        else:
            sign_up_flow = SignUpFlow(_sign_up_flow)




        social_sign_up = cast(list[str], d.pop("social_sign_up", UNSET))


        def _parse_starts_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_at_type_0 = datetime.datetime.fromisoformat(data)



                return starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts_at = _parse_starts_at(d.pop("starts_at", UNSET))


        _visit_counting = d.pop("visit_counting", UNSET)
        visit_counting: VisitCounting | Unset
        if isinstance(_visit_counting,  Unset):
            visit_counting = UNSET
        else:
            visit_counting = VisitCounting(_visit_counting)




        _widget = d.pop("widget", UNSET)
        widget: WidgetSettings | Unset
        if isinstance(_widget,  Unset):
            widget = UNSET
        else:
            widget = WidgetSettings.from_dict(_widget)




        offer_settings = cls(
            name=name,
            attribution=attribution,
            description=description,
            eligibility=eligibility,
            emails=emails,
            ends_at=ends_at,
            fraud=fraud,
            fulfillment=fulfillment,
            goal=goal,
            invitations=invitations,
            leaderboard=leaderboard,
            limits=limits,
            marketing_consent=marketing_consent,
            networks=networks,
            offer_page_url=offer_page_url,
            person_fields=person_fields,
            privacy_policy=privacy_policy,
            referral_param=referral_param,
            rewards=rewards,
            rules_url=rules_url,
            share_messages=share_messages,
            share_preview=share_preview,
            share_url=share_url,
            sign_up_flow=sign_up_flow,
            social_sign_up=social_sign_up,
            starts_at=starts_at,
            visit_counting=visit_counting,
            widget=widget,
        )

        return offer_settings

