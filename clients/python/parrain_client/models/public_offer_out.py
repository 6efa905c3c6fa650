from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.marketing_consent import MarketingConsent
from ..models.network import Network
from ..models.sign_up_flow import SignUpFlow
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.link import Link
  from ..models.person_field import PersonField
  from ..models.public_goal_out import PublicGoalOut
  from ..models.public_invitations_out import PublicInvitationsOut
  from ..models.public_leaderboard_out import PublicLeaderboardOut
  from ..models.public_offer_out_share_messages import PublicOfferOutShareMessages
  from ..models.public_provider_out import PublicProviderOut
  from ..models.public_reward_out import PublicRewardOut
  from ..models.public_widget_out import PublicWidgetOut





T = TypeVar("T", bound="PublicOfferOut")



@_attrs_define
class PublicOfferOut:
    """ What a web page may read of an offer (publishable key).

        Attributes:
            goal (PublicGoalOut): The goal as a web page shows it.
            id (str):
            invitations (PublicInvitationsOut):
            leaderboard (PublicLeaderboardOut): Whether the widget shows the leaderboard (`GET
                /v1/offers/{id}/leaderboard`).
            live (bool):
            marketing_consent (MarketingConsent):
            name (str):
            name_search (bool): Whether a friend may name its referrer (`name` is among the offer's
                attribution methods): the widget then asks "Were you referred by
                someone?" of a visitor who came without a share link.
            networks (list[Network]):
            person_fields (list[PersonField]):
            rewards (list[PublicRewardOut]): The offer's rewards (SPEC §11) in its order, for the widget's
                progress toward each; empty on an offer with v1's single reward.
            share_messages (PublicOfferOutShareMessages): The message each network's share starts with, where one is set.
            sign_up_flow (SignUpFlow):
            social_sign_up (list[PublicProviderOut]): The providers whose "Continue with …" buttons the widget shows, in
                the offer's order (those no longer configured are left out).
            widget (PublicWidgetOut):
            description (None | str | Unset):
            not_live_reason (None | str | Unset):
            privacy_policy (Link | None | Unset):
            referral_param (None | str | Unset): The query parameter that carries a share code from links shared by
                another program, read as well as `parrain_ref` (null: none).
            rules_url (None | str | Unset):
     """

    goal: PublicGoalOut
    id: str
    invitations: PublicInvitationsOut
    leaderboard: PublicLeaderboardOut
    live: bool
    marketing_consent: MarketingConsent
    name: str
    name_search: bool
    networks: list[Network]
    person_fields: list[PersonField]
    rewards: list[PublicRewardOut]
    share_messages: PublicOfferOutShareMessages
    sign_up_flow: SignUpFlow
    social_sign_up: list[PublicProviderOut]
    widget: PublicWidgetOut
    description: None | str | Unset = UNSET
    not_live_reason: None | str | Unset = UNSET
    privacy_policy: Link | None | Unset = UNSET
    referral_param: None | str | Unset = UNSET
    rules_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.link import Link # noqa: PLC0415
        from ..models.person_field import PersonField # noqa: PLC0415
        from ..models.public_goal_out import PublicGoalOut # noqa: PLC0415
        from ..models.public_invitations_out import PublicInvitationsOut # noqa: PLC0415
        from ..models.public_leaderboard_out import PublicLeaderboardOut # noqa: PLC0415
        from ..models.public_offer_out_share_messages import PublicOfferOutShareMessages # noqa: PLC0415
        from ..models.public_provider_out import PublicProviderOut # noqa: PLC0415
        from ..models.public_reward_out import PublicRewardOut # noqa: PLC0415
        from ..models.public_widget_out import PublicWidgetOut # noqa: PLC0415
        goal = self.goal.to_dict()

        id = self.id

        invitations = self.invitations.to_dict()

        leaderboard = self.leaderboard.to_dict()

        live = self.live

        marketing_consent = self.marketing_consent.value

        name = self.name

        name_search = self.name_search

        networks = []
        for networks_item_data in self.networks:
            networks_item = networks_item_data.value
            networks.append(networks_item)



        person_fields = []
        for person_fields_item_data in self.person_fields:
            person_fields_item = person_fields_item_data.to_dict()
            person_fields.append(person_fields_item)



        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)



        share_messages = self.share_messages.to_dict()

        sign_up_flow = self.sign_up_flow.value

        social_sign_up = []
        for social_sign_up_item_data in self.social_sign_up:
            social_sign_up_item = social_sign_up_item_data.to_dict()
            social_sign_up.append(social_sign_up_item)



        widget = self.widget.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        not_live_reason: None | str | Unset
        if isinstance(self.not_live_reason, Unset):
            not_live_reason = UNSET
        else:
            not_live_reason = self.not_live_reason

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

        rules_url: None | str | Unset
        if isinstance(self.rules_url, Unset):
            rules_url = UNSET
        else:
            rules_url = self.rules_url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "goal": goal,
            "id": id,
            "invitations": invitations,
            "leaderboard": leaderboard,
            "live": live,
            "marketing_consent": marketing_consent,
            "name": name,
            "name_search": name_search,
            "networks": networks,
            "person_fields": person_fields,
            "rewards": rewards,
            "share_messages": share_messages,
            "sign_up_flow": sign_up_flow,
            "social_sign_up": social_sign_up,
            "widget": widget,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if not_live_reason is not UNSET:
            field_dict["not_live_reason"] = not_live_reason
        if privacy_policy is not UNSET:
            field_dict["privacy_policy"] = privacy_policy
        if referral_param is not UNSET:
            field_dict["referral_param"] = referral_param
        if rules_url is not UNSET:
            field_dict["rules_url"] = rules_url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.link import Link # noqa: PLC0415
        from ..models.person_field import PersonField # noqa: PLC0415
        from ..models.public_goal_out import PublicGoalOut # noqa: PLC0415
        from ..models.public_invitations_out import PublicInvitationsOut # noqa: PLC0415
        from ..models.public_leaderboard_out import PublicLeaderboardOut # noqa: PLC0415
        from ..models.public_offer_out_share_messages import PublicOfferOutShareMessages # noqa: PLC0415
        from ..models.public_provider_out import PublicProviderOut # noqa: PLC0415
        from ..models.public_reward_out import PublicRewardOut # noqa: PLC0415
        from ..models.public_widget_out import PublicWidgetOut # noqa: PLC0415
        d = dict(src_dict)
        goal = PublicGoalOut.from_dict(d.pop("goal"))




        id = d.pop("id")

        invitations = PublicInvitationsOut.from_dict(d.pop("invitations"))




        leaderboard = PublicLeaderboardOut.from_dict(d.pop("leaderboard"))




        live = d.pop("live")

        marketing_consent = MarketingConsent(d.pop("marketing_consent"))




        name = d.pop("name")

        name_search = d.pop("name_search")

        networks = []
        _networks = d.pop("networks")
        for networks_item_data in (_networks):
            networks_item = Network(networks_item_data)



            networks.append(networks_item)


        person_fields = []
        _person_fields = d.pop("person_fields")
        for person_fields_item_data in (_person_fields):
            person_fields_item = PersonField.from_dict(person_fields_item_data)



            person_fields.append(person_fields_item)


        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in (_rewards):
            rewards_item = PublicRewardOut.from_dict(rewards_item_data)



            rewards.append(rewards_item)


        share_messages = PublicOfferOutShareMessages.from_dict(d.pop("share_messages"))




        sign_up_flow = SignUpFlow(d.pop("sign_up_flow"))




        social_sign_up = []
        _social_sign_up = d.pop("social_sign_up")
        for social_sign_up_item_data in (_social_sign_up):
            social_sign_up_item = PublicProviderOut.from_dict(social_sign_up_item_data)



            social_sign_up.append(social_sign_up_item)


        widget = PublicWidgetOut.from_dict(d.pop("widget"))




        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_not_live_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        not_live_reason = _parse_not_live_reason(d.pop("not_live_reason", UNSET))


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


        def _parse_rules_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rules_url = _parse_rules_url(d.pop("rules_url", UNSET))


        public_offer_out = cls(
            goal=goal,
            id=id,
            invitations=invitations,
            leaderboard=leaderboard,
            live=live,
            marketing_consent=marketing_consent,
            name=name,
            name_search=name_search,
            networks=networks,
            person_fields=person_fields,
            rewards=rewards,
            share_messages=share_messages,
            sign_up_flow=sign_up_flow,
            social_sign_up=social_sign_up,
            widget=widget,
            description=description,
            not_live_reason=not_live_reason,
            privacy_policy=privacy_policy,
            referral_param=referral_param,
            rules_url=rules_url,
        )


        public_offer_out.additional_properties = d
        return public_offer_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
