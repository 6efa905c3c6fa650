from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="VisitIn")



@_attrs_define
class VisitIn:
    """ 
        Attributes:
            offer_id (str):
            visitor_id (str):
            ip (None | str | Unset): The browser's client address, when your server reports the visit
                with a secret key (a browser's is read from its request).
            referral_code (None | str | Unset):
            url (None | str | Unset):
     """

    offer_id: str
    visitor_id: str
    ip: None | str | Unset = UNSET
    referral_code: None | str | Unset = UNSET
    url: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        offer_id = self.offer_id

        visitor_id = self.visitor_id

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        referral_code: None | str | Unset
        if isinstance(self.referral_code, Unset):
            referral_code = UNSET
        else:
            referral_code = self.referral_code

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "offer_id": offer_id,
            "visitor_id": visitor_id,
        })
        if ip is not UNSET:
            field_dict["ip"] = ip
        if referral_code is not UNSET:
            field_dict["referral_code"] = referral_code
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offer_id = d.pop("offer_id")

        visitor_id = d.pop("visitor_id")

        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))


        def _parse_referral_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referral_code = _parse_referral_code(d.pop("referral_code", UNSET))


        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        visit_in = cls(
            offer_id=offer_id,
            visitor_id=visitor_id,
            ip=ip,
            referral_code=referral_code,
            url=url,
        )

        return visit_in

