from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Eligibility")



@_attrs_define
class Eligibility:
    """ `eligibility`: who may be counted as a referred friend.

        Attributes:
            customer_event (None | str | Unset): A server event of this name adds its person to the list
                (`customer.created`).
            exclude_existing_customers (bool | Unset): A friend on the offer's existing-customer list earns nothing.
     """

    customer_event: None | str | Unset = UNSET
    exclude_existing_customers: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        customer_event: None | str | Unset
        if isinstance(self.customer_event, Unset):
            customer_event = UNSET
        else:
            customer_event = self.customer_event

        exclude_existing_customers = self.exclude_existing_customers


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if customer_event is not UNSET:
            field_dict["customer_event"] = customer_event
        if exclude_existing_customers is not UNSET:
            field_dict["exclude_existing_customers"] = exclude_existing_customers

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_customer_event(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_event = _parse_customer_event(d.pop("customer_event", UNSET))


        exclude_existing_customers = d.pop("exclude_existing_customers", UNSET)

        eligibility = cls(
            customer_event=customer_event,
            exclude_existing_customers=exclude_existing_customers,
        )

        return eligibility

