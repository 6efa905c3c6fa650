from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.credit_per import CreditPer
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
            credit_per (CreditPer | Unset): What earns a credit (`goal.credit_per`).
            event (None | str | TriggerRule | Unset):
            reversal (None | TriggerRule | Unset):
            type_ (GoalType | Unset):
     """

    count: int | None | Unset = UNSET
    credit_per: CreditPer | Unset = UNSET
    event: None | str | TriggerRule | Unset = UNSET
    reversal: None | TriggerRule | Unset = UNSET
    type_: GoalType | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.trigger_rule import TriggerRule # noqa: PLC0415
        count: int | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        credit_per: str | Unset = UNSET
        if not isinstance(self.credit_per, Unset):
            credit_per = self.credit_per.value


        event: dict[str, Any] | None | str | Unset
        if isinstance(self.event, Unset):
            event = UNSET
        elif isinstance(self.event, TriggerRule):
            event = self.event.to_dict()
        else:
            event = self.event

        reversal: dict[str, Any] | None | Unset
        if isinstance(self.reversal, Unset):
            reversal = UNSET
        elif isinstance(self.reversal, TriggerRule):
            reversal = self.reversal.to_dict()
        else:
            reversal = self.reversal

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if count is not UNSET:
            field_dict["count"] = count
        if credit_per is not UNSET:
            field_dict["credit_per"] = credit_per
        if event is not UNSET:
            field_dict["event"] = event
        if reversal is not UNSET:
            field_dict["reversal"] = reversal
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


        _credit_per = d.pop("credit_per", UNSET)
        credit_per: CreditPer | Unset
        if isinstance(_credit_per,  Unset):
            credit_per = UNSET
        else:
            credit_per = CreditPer(_credit_per)




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


        def _parse_reversal(data: object) -> None | TriggerRule | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reversal_type_1 = TriggerRule.from_dict(data)



                return reversal_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriggerRule | Unset, data)

        reversal = _parse_reversal(d.pop("reversal", UNSET))


        _type_ = d.pop("type", UNSET)
        type_: GoalType | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = GoalType(_type_)




        goal = cls(
            count=count,
            credit_per=credit_per,
            event=event,
            reversal=reversal,
            type_=type_,
        )

        return goal

