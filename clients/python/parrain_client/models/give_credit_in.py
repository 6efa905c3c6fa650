from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="GiveCreditIn")



@_attrs_define
class GiveCreditIn:
    """ The friend to credit, named by exactly one of `email`, `person_id`,
    `visitor_id`, and the share code it used as a coupon at checkout, if any.

        Attributes:
            coupon (None | str | Unset): A participant's share code used as a coupon (any case): attributes
                the friend to its owner when the offer's methods include `coupon`.
            email (None | str | Unset):
            event_id (None | str | Unset): This call's own id (an order number): under `goal.credit_per:
                "event"` each distinct id is a credit, so two purchases by one
                friend are two; the same id again changes nothing.
            person_id (None | str | Unset):
            visitor_id (None | str | Unset):
     """

    coupon: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    event_id: None | str | Unset = UNSET
    person_id: None | str | Unset = UNSET
    visitor_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        coupon: None | str | Unset
        if isinstance(self.coupon, Unset):
            coupon = UNSET
        else:
            coupon = self.coupon

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        event_id: None | str | Unset
        if isinstance(self.event_id, Unset):
            event_id = UNSET
        else:
            event_id = self.event_id

        person_id: None | str | Unset
        if isinstance(self.person_id, Unset):
            person_id = UNSET
        else:
            person_id = self.person_id

        visitor_id: None | str | Unset
        if isinstance(self.visitor_id, Unset):
            visitor_id = UNSET
        else:
            visitor_id = self.visitor_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if coupon is not UNSET:
            field_dict["coupon"] = coupon
        if email is not UNSET:
            field_dict["email"] = email
        if event_id is not UNSET:
            field_dict["event_id"] = event_id
        if person_id is not UNSET:
            field_dict["person_id"] = person_id
        if visitor_id is not UNSET:
            field_dict["visitor_id"] = visitor_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_coupon(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        coupon = _parse_coupon(d.pop("coupon", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_event_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_id = _parse_event_id(d.pop("event_id", UNSET))


        def _parse_person_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        person_id = _parse_person_id(d.pop("person_id", UNSET))


        def _parse_visitor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visitor_id = _parse_visitor_id(d.pop("visitor_id", UNSET))


        give_credit_in = cls(
            coupon=coupon,
            email=email,
            event_id=event_id,
            person_id=person_id,
            visitor_id=visitor_id,
        )

        return give_credit_in

