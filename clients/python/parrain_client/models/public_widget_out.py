from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.button_style import ButtonStyle
from ..models.language import Language
from ..models.share_count import ShareCount
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.colours import Colours
  from ..models.public_widget_out_button_images import PublicWidgetOutButtonImages
  from ..models.public_widget_out_strings import PublicWidgetOutStrings





T = TypeVar("T", bound="PublicWidgetOut")



@_attrs_define
class PublicWidgetOut:
    """ 
        Attributes:
            button_images (PublicWidgetOutButtonImages): Each network's button image (a `data:` URL), where one is set.
            button_style (ButtonStyle):
            colours (Colours):
            language (Language):
            share_count (ShareCount):
            strings (PublicWidgetOutStrings): Every string of the widget by key, in its language.
            font_family (None | str | Unset):
     """

    button_images: PublicWidgetOutButtonImages
    button_style: ButtonStyle
    colours: Colours
    language: Language
    share_count: ShareCount
    strings: PublicWidgetOutStrings
    font_family: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.colours import Colours # noqa: PLC0415
        from ..models.public_widget_out_button_images import PublicWidgetOutButtonImages # noqa: PLC0415
        from ..models.public_widget_out_strings import PublicWidgetOutStrings # noqa: PLC0415
        button_images = self.button_images.to_dict()

        button_style = self.button_style.value

        colours = self.colours.to_dict()

        language = self.language.value

        share_count = self.share_count.value

        strings = self.strings.to_dict()

        font_family: None | str | Unset
        if isinstance(self.font_family, Unset):
            font_family = UNSET
        else:
            font_family = self.font_family


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "button_images": button_images,
            "button_style": button_style,
            "colours": colours,
            "language": language,
            "share_count": share_count,
            "strings": strings,
        })
        if font_family is not UNSET:
            field_dict["font_family"] = font_family

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.colours import Colours # noqa: PLC0415
        from ..models.public_widget_out_button_images import PublicWidgetOutButtonImages # noqa: PLC0415
        from ..models.public_widget_out_strings import PublicWidgetOutStrings # noqa: PLC0415
        d = dict(src_dict)
        button_images = PublicWidgetOutButtonImages.from_dict(d.pop("button_images"))




        button_style = ButtonStyle(d.pop("button_style"))




        colours = Colours.from_dict(d.pop("colours"))




        language = Language(d.pop("language"))




        share_count = ShareCount(d.pop("share_count"))




        strings = PublicWidgetOutStrings.from_dict(d.pop("strings"))




        def _parse_font_family(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        font_family = _parse_font_family(d.pop("font_family", UNSET))


        public_widget_out = cls(
            button_images=button_images,
            button_style=button_style,
            colours=colours,
            language=language,
            share_count=share_count,
            strings=strings,
            font_family=font_family,
        )


        public_widget_out.additional_properties = d
        return public_widget_out

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
