from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.friend_in import FriendIn





T = TypeVar("T", bound="ReverseIn")



@_attrs_define
class ReverseIn:
    """ 
        Attributes:
            friend (FriendIn): A friend, named by exactly one of these.
            reason (None | str | Unset): Why (a refund, a chargeback…), kept in the `credit.reversed` activity.
     """

    friend: FriendIn
    reason: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.friend_in import FriendIn # noqa: PLC0415
        friend = self.friend.to_dict()

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "friend": friend,
        })
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.friend_in import FriendIn # noqa: PLC0415
        d = dict(src_dict)
        friend = FriendIn.from_dict(d.pop("friend"))




        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        reverse_in = cls(
            friend=friend,
            reason=reason,
        )

        return reverse_in

