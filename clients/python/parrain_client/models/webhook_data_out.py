from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.webhook_data_out_details import WebhookDataOutDetails
  from ..models.webhook_participant_out import WebhookParticipantOut
  from ..models.webhook_person_out import WebhookPersonOut
  from ..models.webhook_reward_out import WebhookRewardOut





T = TypeVar("T", bound="WebhookDataOut")



@_attrs_define
class WebhookDataOut:
    """ The activity, and what a CRM writes into a lead from it without calling
    back (docs/webhooks.md has an example body per type).

        Attributes:
            details (WebhookDataOutDetails): What the activity log holds for it, per type.
            id (str):
            occurred_at (str):
            type_ (str):
            offer_id (None | str | Unset):
            participant (None | Unset | WebhookParticipantOut):
            participant_id (None | str | Unset):
            person (None | Unset | WebhookPersonOut):
            person_id (None | str | Unset):
            reward (None | Unset | WebhookRewardOut):
            visitor_id (None | str | Unset):
     """

    details: WebhookDataOutDetails
    id: str
    occurred_at: str
    type_: str
    offer_id: None | str | Unset = UNSET
    participant: None | Unset | WebhookParticipantOut = UNSET
    participant_id: None | str | Unset = UNSET
    person: None | Unset | WebhookPersonOut = UNSET
    person_id: None | str | Unset = UNSET
    reward: None | Unset | WebhookRewardOut = UNSET
    visitor_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_data_out_details import WebhookDataOutDetails # noqa: PLC0415
        from ..models.webhook_participant_out import WebhookParticipantOut # noqa: PLC0415
        from ..models.webhook_person_out import WebhookPersonOut # noqa: PLC0415
        from ..models.webhook_reward_out import WebhookRewardOut # noqa: PLC0415
        details = self.details.to_dict()

        id = self.id

        occurred_at = self.occurred_at

        type_ = self.type_

        offer_id: None | str | Unset
        if isinstance(self.offer_id, Unset):
            offer_id = UNSET
        else:
            offer_id = self.offer_id

        participant: dict[str, Any] | None | Unset
        if isinstance(self.participant, Unset):
            participant = UNSET
        elif isinstance(self.participant, WebhookParticipantOut):
            participant = self.participant.to_dict()
        else:
            participant = self.participant

        participant_id: None | str | Unset
        if isinstance(self.participant_id, Unset):
            participant_id = UNSET
        else:
            participant_id = self.participant_id

        person: dict[str, Any] | None | Unset
        if isinstance(self.person, Unset):
            person = UNSET
        elif isinstance(self.person, WebhookPersonOut):
            person = self.person.to_dict()
        else:
            person = self.person

        person_id: None | str | Unset
        if isinstance(self.person_id, Unset):
            person_id = UNSET
        else:
            person_id = self.person_id

        reward: dict[str, Any] | None | Unset
        if isinstance(self.reward, Unset):
            reward = UNSET
        elif isinstance(self.reward, WebhookRewardOut):
            reward = self.reward.to_dict()
        else:
            reward = self.reward

        visitor_id: None | str | Unset
        if isinstance(self.visitor_id, Unset):
            visitor_id = UNSET
        else:
            visitor_id = self.visitor_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "details": details,
            "id": id,
            "occurred_at": occurred_at,
            "type": type_,
        })
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id
        if participant is not UNSET:
            field_dict["participant"] = participant
        if participant_id is not UNSET:
            field_dict["participant_id"] = participant_id
        if person is not UNSET:
            field_dict["person"] = person
        if person_id is not UNSET:
            field_dict["person_id"] = person_id
        if reward is not UNSET:
            field_dict["reward"] = reward
        if visitor_id is not UNSET:
            field_dict["visitor_id"] = visitor_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_data_out_details import WebhookDataOutDetails # noqa: PLC0415
        from ..models.webhook_participant_out import WebhookParticipantOut # noqa: PLC0415
        from ..models.webhook_person_out import WebhookPersonOut # noqa: PLC0415
        from ..models.webhook_reward_out import WebhookRewardOut # noqa: PLC0415
        d = dict(src_dict)
        details = WebhookDataOutDetails.from_dict(d.pop("details"))




        id = d.pop("id")

        occurred_at = d.pop("occurred_at")

        type_ = d.pop("type")

        def _parse_offer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        offer_id = _parse_offer_id(d.pop("offer_id", UNSET))


        def _parse_participant(data: object) -> None | Unset | WebhookParticipantOut:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                participant_type_1 = WebhookParticipantOut.from_dict(data)



                return participant_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WebhookParticipantOut, data)

        participant = _parse_participant(d.pop("participant", UNSET))


        def _parse_participant_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        participant_id = _parse_participant_id(d.pop("participant_id", UNSET))


        def _parse_person(data: object) -> None | Unset | WebhookPersonOut:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                person_type_1 = WebhookPersonOut.from_dict(data)



                return person_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WebhookPersonOut, data)

        person = _parse_person(d.pop("person", UNSET))


        def _parse_person_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        person_id = _parse_person_id(d.pop("person_id", UNSET))


        def _parse_reward(data: object) -> None | Unset | WebhookRewardOut:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reward_type_1 = WebhookRewardOut.from_dict(data)



                return reward_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WebhookRewardOut, data)

        reward = _parse_reward(d.pop("reward", UNSET))


        def _parse_visitor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visitor_id = _parse_visitor_id(d.pop("visitor_id", UNSET))


        webhook_data_out = cls(
            details=details,
            id=id,
            occurred_at=occurred_at,
            type_=type_,
            offer_id=offer_id,
            participant=participant,
            participant_id=participant_id,
            person=person,
            person_id=person_id,
            reward=reward,
            visitor_id=visitor_id,
        )


        webhook_data_out.additional_properties = d
        return webhook_data_out

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
