from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.share_url_kind import ShareUrlKind
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ShareUrl")



@_attrs_define
class ShareUrl:
    """ 
        Attributes:
            kind (ShareUrlKind | Unset):
            url (None | str | Unset):
     """

    kind: ShareUrlKind | Unset = UNSET
    url: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value


        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _kind = d.pop("kind", UNSET)
        kind: ShareUrlKind | Unset
        if isinstance(_kind,  Unset):
            kind = UNSET
        else:
            kind = ShareUrlKind(_kind)




        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        share_url = cls(
            kind=kind,
            url=url,
        )

        return share_url

