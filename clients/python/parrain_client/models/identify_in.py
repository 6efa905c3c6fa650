from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="IdentifyIn")



@_attrs_define
class IdentifyIn:
    """ 
        Attributes:
            email (str):
            visitor_id (str):
            identity_token (None | str | Unset): Needed with a publishable key: `hex(HMAC-SHA256(identity_secret,
                email))`, computed by the site's server (docs/identity.md).
     """

    email: str
    visitor_id: str
    identity_token: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        visitor_id = self.visitor_id

        identity_token: None | str | Unset
        if isinstance(self.identity_token, Unset):
            identity_token = UNSET
        else:
            identity_token = self.identity_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
            "visitor_id": visitor_id,
        })
        if identity_token is not UNSET:
            field_dict["identity_token"] = identity_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        visitor_id = d.pop("visitor_id")

        def _parse_identity_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        identity_token = _parse_identity_token(d.pop("identity_token", UNSET))


        identify_in = cls(
            email=email,
            visitor_id=visitor_id,
            identity_token=identity_token,
        )

        return identify_in

