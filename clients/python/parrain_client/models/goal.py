from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.goal_type import GoalType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.trigger_rule import TriggerRule





T = TypeVar("T", bound="Goal")



@_attrs_define
class Goal:
    """ 
        Attributes:
            count (int | None | Unset):
            event (None | str | TriggerRule | Unset):
            type_ (GoalType | Unset):
     """

    count: int | None | Unset = UNSET
    event: None | str | TriggerRule | Unset = UNSET
    type_: GoalType | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.trigger_rule import TriggerRule # noqa: PLC0415
        count: int | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        event: dict[str, Any] | None | str | Unset
        if isinstance(self.event, Unset):
            event = UNSET
        elif isinstance(self.event, TriggerRule):
            event = self.event.to_dict()
        else:
            event = self.event

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if count is not UNSET:
            field_dict["count"] = count
        if event is not UNSET:
            field_dict["event"] = event
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trigger_rule import TriggerRule # noqa: PLC0415
        d = dict(src_dict)
        def _parse_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        count = _parse_count(d.pop("count", UNSET))


        def _parse_event(data: object) -> None | str | TriggerRule | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_goal_event_type_1 = TriggerRule.from_dict(data)



                return componentsschemas_goal_event_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | str | TriggerRule | Unset, data)

        event = _parse_event(d.pop("event", UNSET))


        _type_ = d.pop("type", UNSET)
        type_: GoalType | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = GoalType(_type_)




        goal = cls(
            count=count,
            event=event,
            type_=type_,
        )

        return goal

