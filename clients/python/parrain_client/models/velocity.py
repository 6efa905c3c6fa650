from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outcome import Outcome






T = TypeVar("T", bound="Velocity")



@_attrs_define
class Velocity:
    """ A rule on a count per hour.

        Attributes:
            max_per_hour (int): Fires once more than this many happened in the past hour.
            outcome (Outcome): What a rule does when it fires. Ordered by severity.
     """

    max_per_hour: int
    outcome: Outcome





    def to_dict(self) -> dict[str, Any]:
        max_per_hour = self.max_per_hour

        outcome = self.outcome.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "max_per_hour": max_per_hour,
            "outcome": outcome,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_per_hour = d.pop("max_per_hour")

        outcome = Outcome(d.pop("outcome"))




        velocity = cls(
            max_per_hour=max_per_hour,
            outcome=outcome,
        )

        return velocity

