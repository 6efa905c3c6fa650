from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.email_template import EmailTemplate





T = TypeVar("T", bound="Emails")



@_attrs_define
class Emails:
    """ 
        Attributes:
            fulfillment (EmailTemplate | None | Unset):
            invitation (EmailTemplate | None | Unset):
            sign_up (EmailTemplate | None | Unset):
     """

    fulfillment: EmailTemplate | None | Unset = UNSET
    invitation: EmailTemplate | None | Unset = UNSET
    sign_up: EmailTemplate | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.email_template import EmailTemplate # noqa: PLC0415
        fulfillment: dict[str, Any] | None | Unset
        if isinstance(self.fulfillment, Unset):
            fulfillment = UNSET
        elif isinstance(self.fulfillment, EmailTemplate):
            fulfillment = self.fulfillment.to_dict()
        else:
            fulfillment = self.fulfillment

        invitation: dict[str, Any] | None | Unset
        if isinstance(self.invitation, Unset):
            invitation = UNSET
        elif isinstance(self.invitation, EmailTemplate):
            invitation = self.invitation.to_dict()
        else:
            invitation = self.invitation

        sign_up: dict[str, Any] | None | Unset
        if isinstance(self.sign_up, Unset):
            sign_up = UNSET
        elif isinstance(self.sign_up, EmailTemplate):
            sign_up = self.sign_up.to_dict()
        else:
            sign_up = self.sign_up


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if fulfillment is not UNSET:
            field_dict["fulfillment"] = fulfillment
        if invitation is not UNSET:
            field_dict["invitation"] = invitation
        if sign_up is not UNSET:
            field_dict["sign_up"] = sign_up

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.email_template import EmailTemplate # noqa: PLC0415
        d = dict(src_dict)
        def _parse_fulfillment(data: object) -> EmailTemplate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fulfillment_type_1 = EmailTemplate.from_dict(data)



                return fulfillment_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailTemplate | None | Unset, data)

        fulfillment = _parse_fulfillment(d.pop("fulfillment", UNSET))


        def _parse_invitation(data: object) -> EmailTemplate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                invitation_type_1 = EmailTemplate.from_dict(data)



                return invitation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailTemplate | None | Unset, data)

        invitation = _parse_invitation(d.pop("invitation", UNSET))


        def _parse_sign_up(data: object) -> EmailTemplate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sign_up_type_1 = EmailTemplate.from_dict(data)



                return sign_up_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailTemplate | None | Unset, data)

        sign_up = _parse_sign_up(d.pop("sign_up", UNSET))


        emails = cls(
            fulfillment=fulfillment,
            invitation=invitation,
            sign_up=sign_up,
        )

        return emails

