from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.friend_on import FriendOn
from ..models.reward_delivery import RewardDelivery
from ..models.reward_for import RewardFor
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.email_template import EmailTemplate





T = TypeVar("T", bound="Reward")



@_attrs_define
class Reward:
    """ One reward of an offer.

        Attributes:
            for_ (RewardFor):
            id (str): A short name, unique in the offer (`tier-3`, `friend`).
            at (int | None | Unset): Referrer rewards: earned when credit reaches this count.
            delivery (RewardDelivery | Unset):
            email (EmailTemplate | None | Unset):
            every (int | None | Unset): Referrer rewards: earned each time credit reaches a multiple of this.
            hold_days (int | Unset): An earned reward is held this many days before it can be given.
            label (None | str | Unset): Shown in emails (`{{ reward.label }}`), the widget and the participant's page.
            max_times (int | None | Unset): With `every`: how many times at most (no limit when unset).
            on (FriendOn | None | Unset):
            promo_codes (None | str | Unset): The promo-code pool it draws one code from; no code when unset.
     """

    for_: RewardFor
    id: str
    at: int | None | Unset = UNSET
    delivery: RewardDelivery | Unset = UNSET
    email: EmailTemplate | None | Unset = UNSET
    every: int | None | Unset = UNSET
    hold_days: int | Unset = UNSET
    label: None | str | Unset = UNSET
    max_times: int | None | Unset = UNSET
    on: FriendOn | None | Unset = UNSET
    promo_codes: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.email_template import EmailTemplate # noqa: PLC0415
        for_ = self.for_.value

        id = self.id

        at: int | None | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        else:
            at = self.at

        delivery: str | Unset = UNSET
        if not isinstance(self.delivery, Unset):
            delivery = self.delivery.value


        email: dict[str, Any] | None | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        elif isinstance(self.email, EmailTemplate):
            email = self.email.to_dict()
        else:
            email = self.email

        every: int | None | Unset
        if isinstance(self.every, Unset):
            every = UNSET
        else:
            every = self.every

        hold_days = self.hold_days

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        max_times: int | None | Unset
        if isinstance(self.max_times, Unset):
            max_times = UNSET
        else:
            max_times = self.max_times

        on: None | str | Unset
        if isinstance(self.on, Unset):
            on = UNSET
        elif isinstance(self.on, FriendOn):
            on = self.on.value
        else:
            on = self.on

        promo_codes: None | str | Unset
        if isinstance(self.promo_codes, Unset):
            promo_codes = UNSET
        else:
            promo_codes = self.promo_codes


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "for": for_,
            "id": id,
        })
        if at is not UNSET:
            field_dict["at"] = at
        if delivery is not UNSET:
            field_dict["delivery"] = delivery
        if email is not UNSET:
            field_dict["email"] = email
        if every is not UNSET:
            field_dict["every"] = every
        if hold_days is not UNSET:
            field_dict["hold_days"] = hold_days
        if label is not UNSET:
            field_dict["label"] = label
        if max_times is not UNSET:
            field_dict["max_times"] = max_times
        if on is not UNSET:
            field_dict["on"] = on
        if promo_codes is not UNSET:
            field_dict["promo_codes"] = promo_codes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.email_template import EmailTemplate # noqa: PLC0415
        d = dict(src_dict)
        for_ = RewardFor(d.pop("for"))




        id = d.pop("id")

        def _parse_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))


        _delivery = d.pop("delivery", UNSET)
        delivery: RewardDelivery | Unset
        if isinstance(_delivery,  Unset):
            delivery = UNSET
        else:
            delivery = RewardDelivery(_delivery)




        def _parse_email(data: object) -> EmailTemplate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                email_type_1 = EmailTemplate.from_dict(data)



                return email_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailTemplate | None | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_every(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        every = _parse_every(d.pop("every", UNSET))


        hold_days = d.pop("hold_days", UNSET)

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))


        def _parse_max_times(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_times = _parse_max_times(d.pop("max_times", UNSET))


        def _parse_on(data: object) -> FriendOn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                on_type_1 = FriendOn(data)



                return on_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FriendOn | None | Unset, data)

        on = _parse_on(d.pop("on", UNSET))


        def _parse_promo_codes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promo_codes = _parse_promo_codes(d.pop("promo_codes", UNSET))


        reward = cls(
            for_=for_,
            id=id,
            at=at,
            delivery=delivery,
            email=email,
            every=every,
            hold_days=hold_days,
            label=label,
            max_times=max_times,
            on=on,
            promo_codes=promo_codes,
        )

        return reward

