from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.network_out import NetworkOut





T = TypeVar("T", bound="BucketOut")



@_attrs_define
class BucketOut:
    """ One bucket of the series.

        Attributes:
            campaign_visits (int): Visit sessions on the offer page: a visitor's visits count once until
                30 minutes pass without one.
            interactions (int): Sign-ups + shares + custom events.
            registrations (int): Sign-ups that followed a share link.
            resulting_clicks (int): Clicks on share links.
            shares (int):
            networks (list[NetworkOut]): The bucket's shares, clicks and referred sign-ups by network.
            start (str): The bucket's start, RFC 3339.
     """

    campaign_visits: int
    interactions: int
    registrations: int
    resulting_clicks: int
    shares: int
    networks: list[NetworkOut]
    start: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.network_out import NetworkOut # noqa: PLC0415
        campaign_visits = self.campaign_visits

        interactions = self.interactions

        registrations = self.registrations

        resulting_clicks = self.resulting_clicks

        shares = self.shares

        networks = []
        for networks_item_data in self.networks:
            networks_item = networks_item_data.to_dict()
            networks.append(networks_item)



        start = self.start


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "campaign_visits": campaign_visits,
            "interactions": interactions,
            "registrations": registrations,
            "resulting_clicks": resulting_clicks,
            "shares": shares,
            "networks": networks,
            "start": start,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.network_out import NetworkOut # noqa: PLC0415
        d = dict(src_dict)
        campaign_visits = d.pop("campaign_visits")

        interactions = d.pop("interactions")

        registrations = d.pop("registrations")

        resulting_clicks = d.pop("resulting_clicks")

        shares = d.pop("shares")

        networks = []
        _networks = d.pop("networks")
        for networks_item_data in (_networks):
            networks_item = NetworkOut.from_dict(networks_item_data)



            networks.append(networks_item)


        start = d.pop("start")

        bucket_out = cls(
            campaign_visits=campaign_visits,
            interactions=interactions,
            registrations=registrations,
            resulting_clicks=resulting_clicks,
            shares=shares,
            networks=networks,
            start=start,
        )


        bucket_out.additional_properties = d
        return bucket_out

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
