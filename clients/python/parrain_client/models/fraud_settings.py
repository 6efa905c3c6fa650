from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outcome import Outcome
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.same_ip import SameIp
  from ..models.velocity import Velocity





T = TypeVar("T", bound="FraudSettings")



@_attrs_define
class FraudSettings:
    """ An offer's fraud rules. The defaults refuse the obvious (an email variant
    of the referrer's), and hold the doubtful (a disposable address; more than
    100 credits an hour, far above a real person's friends; a friend at the
    referrer's own address; more than 20 sign-ups an hour from the friend's
    address) for review.

        Attributes:
            credit_velocity (Velocity | Unset): A rule on a count per hour.
            disposable_email (Outcome | Unset): What a rule does when it fires. Ordered by severity. Default:
                Outcome.REVIEW.
            email_variant (Outcome | Unset): What a rule does when it fires. Ordered by severity. Default: Outcome.BLOCK.
            ip_sign_up_velocity (Velocity | Unset): A rule on a count per hour.
            same_ip (SameIp | Unset): A rule on the client address a friend and its referrer were seen at.
            verify_friend_email (bool | Unset): A referred sign-up earns its referrer credit only once the friend
                follows the confirmation link emailed to them: the strongest defence
                against sign-ups with made-up or borrowed addresses. Off by default. Default: False.
     """

    credit_velocity: Velocity | Unset = UNSET
    disposable_email: Outcome | Unset = Outcome.REVIEW
    email_variant: Outcome | Unset = Outcome.BLOCK
    ip_sign_up_velocity: Velocity | Unset = UNSET
    same_ip: SameIp | Unset = UNSET
    verify_friend_email: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        from ..models.same_ip import SameIp # noqa: PLC0415
        from ..models.velocity import Velocity # noqa: PLC0415
        credit_velocity: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credit_velocity, Unset):
            credit_velocity = self.credit_velocity.to_dict()

        disposable_email: str | Unset = UNSET
        if not isinstance(self.disposable_email, Unset):
            disposable_email = self.disposable_email.value


        email_variant: str | Unset = UNSET
        if not isinstance(self.email_variant, Unset):
            email_variant = self.email_variant.value


        ip_sign_up_velocity: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ip_sign_up_velocity, Unset):
            ip_sign_up_velocity = self.ip_sign_up_velocity.to_dict()

        same_ip: dict[str, Any] | Unset = UNSET
        if not isinstance(self.same_ip, Unset):
            same_ip = self.same_ip.to_dict()

        verify_friend_email = self.verify_friend_email


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if credit_velocity is not UNSET:
            field_dict["credit_velocity"] = credit_velocity
        if disposable_email is not UNSET:
            field_dict["disposable_email"] = disposable_email
        if email_variant is not UNSET:
            field_dict["email_variant"] = email_variant
        if ip_sign_up_velocity is not UNSET:
            field_dict["ip_sign_up_velocity"] = ip_sign_up_velocity
        if same_ip is not UNSET:
            field_dict["same_ip"] = same_ip
        if verify_friend_email is not UNSET:
            field_dict["verify_friend_email"] = verify_friend_email

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.same_ip import SameIp # noqa: PLC0415
        from ..models.velocity import Velocity # noqa: PLC0415
        d = dict(src_dict)
        _credit_velocity = d.pop("credit_velocity", UNSET)
        credit_velocity: Velocity | Unset
        if isinstance(_credit_velocity,  Unset):
            credit_velocity = UNSET
        else:
            credit_velocity = Velocity.from_dict(_credit_velocity)




        _disposable_email = d.pop("disposable_email", UNSET)
        disposable_email: Outcome | Unset
        if isinstance(_disposable_email,  Unset):
            disposable_email = UNSET
        else:
            disposable_email = Outcome(_disposable_email)




        _email_variant = d.pop("email_variant", UNSET)
        email_variant: Outcome | Unset
        if isinstance(_email_variant,  Unset):
            email_variant = UNSET
        else:
            email_variant = Outcome(_email_variant)




        _ip_sign_up_velocity = d.pop("ip_sign_up_velocity", UNSET)
        ip_sign_up_velocity: Velocity | Unset
        if isinstance(_ip_sign_up_velocity,  Unset):
            ip_sign_up_velocity = UNSET
        else:
            ip_sign_up_velocity = Velocity.from_dict(_ip_sign_up_velocity)




        _same_ip = d.pop("same_ip", UNSET)
        same_ip: SameIp | Unset
        if isinstance(_same_ip,  Unset):
            same_ip = UNSET
        else:
            same_ip = SameIp.from_dict(_same_ip)




        verify_friend_email = d.pop("verify_friend_email", UNSET)

        fraud_settings = cls(
            credit_velocity=credit_velocity,
            disposable_email=disposable_email,
            email_variant=email_variant,
            ip_sign_up_velocity=ip_sign_up_velocity,
            same_ip=same_ip,
            verify_friend_email=verify_friend_email,
        )

        return fraud_settings

