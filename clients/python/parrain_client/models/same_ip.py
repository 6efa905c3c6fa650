from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outcome import Outcome






T = TypeVar("T", bound="SameIp")



@_attrs_define
class SameIp:
    """ A rule on the client address a friend and its referrer were seen at.

        Attributes:
            outcome (Outcome): What a rule does when it fires. Ordered by severity.
            window_hours (int): How far back a sighting of an address counts, in hours.
     """

    outcome: Outcome
    window_hours: int





    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        window_hours = self.window_hours


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "outcome": outcome,
            "window_hours": window_hours,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = Outcome(d.pop("outcome"))




        window_hours = d.pop("window_hours")

        same_ip = cls(
            outcome=outcome,
            window_hours=window_hours,
        )

        return same_ip

