from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EmailHealth")



@_attrs_define
class EmailHealth:
    """ 
        Attributes:
            failed (int): Emails given up on (the server refused them for good).
            smtp_configured (bool): Whether an SMTP server is set (`--smtp-url`); without one, mail waits.
            waiting (int): Emails queued and not yet sent.
     """

    failed: int
    smtp_configured: bool
    waiting: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        failed = self.failed

        smtp_configured = self.smtp_configured

        waiting = self.waiting


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "failed": failed,
            "smtp_configured": smtp_configured,
            "waiting": waiting,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        failed = d.pop("failed")

        smtp_configured = d.pop("smtp_configured")

        waiting = d.pop("waiting")

        email_health = cls(
            failed=failed,
            smtp_configured=smtp_configured,
            waiting=waiting,
        )


        email_health.additional_properties = d
        return email_health

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
