from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.sign_up_in_fields import SignUpInFields





T = TypeVar("T", bound="SignUpIn")



@_attrs_define
class SignUpIn:
    """ 
        Attributes:
            email (str):
            fields (SignUpInFields | Unset): The offer's other person fields, by name.
            first_name (None | str | Unset):
            identity_token (None | str | Unset): With a publishable key, lets `visitor_id` be tied to an email that is
                already known: `hex(HMAC-SHA256(identity_secret, email))` from the
                site's server (docs/identity.md).
            ip (None | str | Unset): The person's client address, for the fraud rules, when your server
                signs them up with a secret key (a browser's is read from its request).
            last_name (None | str | Unset):
            marketing_consent (bool | None | Unset):
            referral_code (None | str | Unset): The share code the person arrived with, if any.
            social_ticket (None | str | Unset): The ticket a "Continue with …" sign-in gave the widget: the provider
                verified `email`, which must be the one it vouched for. The
                `signs_up` activity records the provider.
            visitor_id (None | str | Unset):
     """

    email: str
    fields: SignUpInFields | Unset = UNSET
    first_name: None | str | Unset = UNSET
    identity_token: None | str | Unset = UNSET
    ip: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    marketing_consent: bool | None | Unset = UNSET
    referral_code: None | str | Unset = UNSET
    social_ticket: None | str | Unset = UNSET
    visitor_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.sign_up_in_fields import SignUpInFields # noqa: PLC0415
        email = self.email

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        identity_token: None | str | Unset
        if isinstance(self.identity_token, Unset):
            identity_token = UNSET
        else:
            identity_token = self.identity_token

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        marketing_consent: bool | None | Unset
        if isinstance(self.marketing_consent, Unset):
            marketing_consent = UNSET
        else:
            marketing_consent = self.marketing_consent

        referral_code: None | str | Unset
        if isinstance(self.referral_code, Unset):
            referral_code = UNSET
        else:
            referral_code = self.referral_code

        social_ticket: None | str | Unset
        if isinstance(self.social_ticket, Unset):
            social_ticket = UNSET
        else:
            social_ticket = self.social_ticket

        visitor_id: None | str | Unset
        if isinstance(self.visitor_id, Unset):
            visitor_id = UNSET
        else:
            visitor_id = self.visitor_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
        })
        if fields is not UNSET:
            field_dict["fields"] = fields
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if identity_token is not UNSET:
            field_dict["identity_token"] = identity_token
        if ip is not UNSET:
            field_dict["ip"] = ip
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if marketing_consent is not UNSET:
            field_dict["marketing_consent"] = marketing_consent
        if referral_code is not UNSET:
            field_dict["referral_code"] = referral_code
        if social_ticket is not UNSET:
            field_dict["social_ticket"] = social_ticket
        if visitor_id is not UNSET:
            field_dict["visitor_id"] = visitor_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sign_up_in_fields import SignUpInFields # noqa: PLC0415
        d = dict(src_dict)
        email = d.pop("email")

        _fields = d.pop("fields", UNSET)
        fields: SignUpInFields | Unset
        if isinstance(_fields,  Unset):
            fields = UNSET
        else:
            fields = SignUpInFields.from_dict(_fields)




        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))


        def _parse_identity_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        identity_token = _parse_identity_token(d.pop("identity_token", UNSET))


        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))


        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))


        def _parse_marketing_consent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        marketing_consent = _parse_marketing_consent(d.pop("marketing_consent", UNSET))


        def _parse_referral_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referral_code = _parse_referral_code(d.pop("referral_code", UNSET))


        def _parse_social_ticket(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        social_ticket = _parse_social_ticket(d.pop("social_ticket", UNSET))


        def _parse_visitor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visitor_id = _parse_visitor_id(d.pop("visitor_id", UNSET))


        sign_up_in = cls(
            email=email,
            fields=fields,
            first_name=first_name,
            identity_token=identity_token,
            ip=ip,
            last_name=last_name,
            marketing_consent=marketing_consent,
            referral_code=referral_code,
            social_ticket=social_ticket,
            visitor_id=visitor_id,
        )

        return sign_up_in

