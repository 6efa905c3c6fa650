from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.attribution_out import AttributionOut
  from ..models.audience_out import AudienceOut
  from ..models.bucket_out import BucketOut
  from ..models.funnel_out import FunnelOut
  from ..models.network_out import NetworkOut
  from ..models.report_out_ineligible import ReportOutIneligible
  from ..models.reward_report_out import RewardReportOut
  from ..models.share_metrics_out import ShareMetricsOut
  from ..models.top_referrer_out import TopReferrerOut





T = TypeVar("T", bound="ReportOut")



@_attrs_define
class ReportOut:
    """ An offer's social dashboard over a window.

        Attributes:
            attribution (AttributionOut): Friends attributed in the window, per attribution method.
            audience (AudienceOut):
            from_ (str): The window, `[from, to)`, RFC 3339.
            funnel (FunnelOut): From a visit to a referred registration.
            ineligible (ReportOutIneligible): Credits that did not count in the window (`credit.ineligible`), by
                reason: `existing_customer`, `credit_cap`, `reward_cap`,
                `self_referral`, `fraud_rule`, `rejected_in_review`.
            interval (str): `hour` or `day`: the width of a series bucket, aligned to UTC.
            networks (list[NetworkOut]): Shares, clicks and referred sign-ups in the window by the network
                they came through: `email`, `x`, `linkedin`, `facebook`, `link` (a
                share link that names no network), always in that order.
            offer_id (str):
            rewards (list[RewardReportOut]): Each reward of the offer (in its order, then any other the window
                counted): what happened to its occurrences in the window and per bucket.
            series (list[BucketOut]): Every bucket the window touches, empty ones included, oldest first.
            share_metrics (ShareMetricsOut): Ratios; `null` when the denominator is zero.
            to (str):
            top_referrers (list[TopReferrerOut]): Up to ten participants with the most credit (all time), most first.
     """

    attribution: AttributionOut
    audience: AudienceOut
    from_: str
    funnel: FunnelOut
    ineligible: ReportOutIneligible
    interval: str
    networks: list[NetworkOut]
    offer_id: str
    rewards: list[RewardReportOut]
    series: list[BucketOut]
    share_metrics: ShareMetricsOut
    to: str
    top_referrers: list[TopReferrerOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attribution_out import AttributionOut # noqa: PLC0415
        from ..models.audience_out import AudienceOut # noqa: PLC0415
        from ..models.bucket_out import BucketOut # noqa: PLC0415
        from ..models.funnel_out import FunnelOut # noqa: PLC0415
        from ..models.network_out import NetworkOut # noqa: PLC0415
        from ..models.report_out_ineligible import ReportOutIneligible # noqa: PLC0415
        from ..models.reward_report_out import RewardReportOut # noqa: PLC0415
        from ..models.share_metrics_out import ShareMetricsOut # noqa: PLC0415
        from ..models.top_referrer_out import TopReferrerOut # noqa: PLC0415
        attribution = self.attribution.to_dict()

        audience = self.audience.to_dict()

        from_ = self.from_

        funnel = self.funnel.to_dict()

        ineligible = self.ineligible.to_dict()

        interval = self.interval

        networks = []
        for networks_item_data in self.networks:
            networks_item = networks_item_data.to_dict()
            networks.append(networks_item)



        offer_id = self.offer_id

        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)



        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)



        share_metrics = self.share_metrics.to_dict()

        to = self.to

        top_referrers = []
        for top_referrers_item_data in self.top_referrers:
            top_referrers_item = top_referrers_item_data.to_dict()
            top_referrers.append(top_referrers_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attribution": attribution,
            "audience": audience,
            "from": from_,
            "funnel": funnel,
            "ineligible": ineligible,
            "interval": interval,
            "networks": networks,
            "offer_id": offer_id,
            "rewards": rewards,
            "series": series,
            "share_metrics": share_metrics,
            "to": to,
            "top_referrers": top_referrers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribution_out import AttributionOut # noqa: PLC0415
        from ..models.audience_out import AudienceOut # noqa: PLC0415
        from ..models.bucket_out import BucketOut # noqa: PLC0415
        from ..models.funnel_out import FunnelOut # noqa: PLC0415
        from ..models.network_out import NetworkOut # noqa: PLC0415
        from ..models.report_out_ineligible import ReportOutIneligible # noqa: PLC0415
        from ..models.reward_report_out import RewardReportOut # noqa: PLC0415
        from ..models.share_metrics_out import ShareMetricsOut # noqa: PLC0415
        from ..models.top_referrer_out import TopReferrerOut # noqa: PLC0415
        d = dict(src_dict)
        attribution = AttributionOut.from_dict(d.pop("attribution"))




        audience = AudienceOut.from_dict(d.pop("audience"))




        from_ = d.pop("from")

        funnel = FunnelOut.from_dict(d.pop("funnel"))




        ineligible = ReportOutIneligible.from_dict(d.pop("ineligible"))




        interval = d.pop("interval")

        networks = []
        _networks = d.pop("networks")
        for networks_item_data in (_networks):
            networks_item = NetworkOut.from_dict(networks_item_data)



            networks.append(networks_item)


        offer_id = d.pop("offer_id")

        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in (_rewards):
            rewards_item = RewardReportOut.from_dict(rewards_item_data)



            rewards.append(rewards_item)


        series = []
        _series = d.pop("series")
        for series_item_data in (_series):
            series_item = BucketOut.from_dict(series_item_data)



            series.append(series_item)


        share_metrics = ShareMetricsOut.from_dict(d.pop("share_metrics"))




        to = d.pop("to")

        top_referrers = []
        _top_referrers = d.pop("top_referrers")
        for top_referrers_item_data in (_top_referrers):
            top_referrers_item = TopReferrerOut.from_dict(top_referrers_item_data)



            top_referrers.append(top_referrers_item)


        report_out = cls(
            attribution=attribution,
            audience=audience,
            from_=from_,
            funnel=funnel,
            ineligible=ineligible,
            interval=interval,
            networks=networks,
            offer_id=offer_id,
            rewards=rewards,
            series=series,
            share_metrics=share_metrics,
            to=to,
            top_referrers=top_referrers,
        )


        report_out.additional_properties = d
        return report_out

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
