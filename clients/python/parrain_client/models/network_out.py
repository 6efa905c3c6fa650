from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="NetworkOut")



@_attrs_define
class NetworkOut:
    """ One network's shares, clicks and referred sign-ups.

        Attributes:
            clicks (int): Clicks on share links made for this network (`/r/{code}?ch=…`).
            network (str): `email`, `x`, `linkedin`, `facebook` or `link`.
            registrations (int): Sign-ups attributed to a referrer through such a link: the network
                of the link that attributed the friend's browser.
            shares (int): Shares recorded with this channel (`POST /v1/track/share`).
     """

    clicks: int
    network: str
    registrations: int
    shares: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        clicks = self.clicks

        network = self.network

        registrations = self.registrations

        shares = self.shares


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "clicks": clicks,
            "network": network,
            "registrations": registrations,
            "shares": shares,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clicks = d.pop("clicks")

        network = d.pop("network")

        registrations = d.pop("registrations")

        shares = d.pop("shares")

        network_out = cls(
            clicks=clicks,
            network=network,
            registrations=registrations,
            shares=shares,
        )


        network_out.additional_properties = d
        return network_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
