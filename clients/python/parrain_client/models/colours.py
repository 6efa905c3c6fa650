from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Colours")



@_attrs_define
class Colours:
    """ 
        Attributes:
            background (None | str | Unset):
            border (None | str | Unset):
            button_text (None | str | Unset):
            primary (None | str | Unset):
            text (None | str | Unset):
     """

    background: None | str | Unset = UNSET
    border: None | str | Unset = UNSET
    button_text: None | str | Unset = UNSET
    primary: None | str | Unset = UNSET
    text: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        background: None | str | Unset
        if isinstance(self.background, Unset):
            background = UNSET
        else:
            background = self.background

        border: None | str | Unset
        if isinstance(self.border, Unset):
            border = UNSET
        else:
            border = self.border

        button_text: None | str | Unset
        if isinstance(self.button_text, Unset):
            button_text = UNSET
        else:
            button_text = self.button_text

        primary: None | str | Unset
        if isinstance(self.primary, Unset):
            primary = UNSET
        else:
            primary = self.primary

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if background is not UNSET:
            field_dict["background"] = background
        if border is not UNSET:
            field_dict["border"] = border
        if button_text is not UNSET:
            field_dict["button_text"] = button_text
        if primary is not UNSET:
            field_dict["primary"] = primary
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_background(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        background = _parse_background(d.pop("background", UNSET))


        def _parse_border(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        border = _parse_border(d.pop("border", UNSET))


        def _parse_button_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        button_text = _parse_button_text(d.pop("button_text", UNSET))


        def _parse_primary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        primary = _parse_primary(d.pop("primary", UNSET))


        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        colours = cls(
            background=background,
            border=border,
            button_text=button_text,
            primary=primary,
            text=text,
        )

        return colours

