from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Invitations")



@_attrs_define
class Invitations:
    """ The `invitations` setting: participants invite friends by email.

        Attributes:
            enabled (bool | Unset):
            max_per_participant_per_day (int | Unset): Invitations one participant may send in any 24 hours.
            max_recipients_per_request (int | Unset): Addresses one request may carry.
     """

    enabled: bool | Unset = UNSET
    max_per_participant_per_day: int | Unset = UNSET
    max_recipients_per_request: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        max_per_participant_per_day = self.max_per_participant_per_day

        max_recipients_per_request = self.max_recipients_per_request


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if max_per_participant_per_day is not UNSET:
            field_dict["max_per_participant_per_day"] = max_per_participant_per_day
        if max_recipients_per_request is not UNSET:
            field_dict["max_recipients_per_request"] = max_recipients_per_request

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enabled = d.pop("enabled", UNSET)

        max_per_participant_per_day = d.pop("max_per_participant_per_day", UNSET)

        max_recipients_per_request = d.pop("max_recipients_per_request", UNSET)

        invitations = cls(
            enabled=enabled,
            max_per_participant_per_day=max_per_participant_per_day,
            max_recipients_per_request=max_recipients_per_request,
        )

        return invitations

