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
  from ..models.widget_settings_button_images import WidgetSettingsButtonImages
  from ..models.widget_settings_strings import WidgetSettingsStrings





T = TypeVar("T", bound="WidgetSettings")



@_attrs_define
class WidgetSettings:
    """ The `widget` setting of an offer.

        Attributes:
            button_images (WidgetSettingsButtonImages | Unset): Images of the share buttons, for the `images` style: an
                https URL, or
                an image uploaded in the editor, kept as a `data:` URL (PNG, JPEG,
                GIF or WebP, at most [`MAX_BUTTON_IMAGE`] bytes).
            button_style (ButtonStyle | Unset):
            colours (Colours | Unset):
            font_family (None | str | Unset):
            language (Language | Unset):
            share_count (ShareCount | Unset):
            strings (WidgetSettingsStrings | Unset): Overrides of the language's strings, by key (see `STRINGS`).
     """

    button_images: WidgetSettingsButtonImages | Unset = UNSET
    button_style: ButtonStyle | Unset = UNSET
    colours: Colours | Unset = UNSET
    font_family: None | str | Unset = UNSET
    language: Language | Unset = UNSET
    share_count: ShareCount | Unset = UNSET
    strings: WidgetSettingsStrings | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.colours import Colours # noqa: PLC0415
        from ..models.widget_settings_button_images import WidgetSettingsButtonImages # noqa: PLC0415
        from ..models.widget_settings_strings import WidgetSettingsStrings # noqa: PLC0415
        button_images: dict[str, Any] | Unset = UNSET
        if not isinstance(self.button_images, Unset):
            button_images = self.button_images.to_dict()

        button_style: str | Unset = UNSET
        if not isinstance(self.button_style, Unset):
            button_style = self.button_style.value


        colours: dict[str, Any] | Unset = UNSET
        if not isinstance(self.colours, Unset):
            colours = self.colours.to_dict()

        font_family: None | str | Unset
        if isinstance(self.font_family, Unset):
            font_family = UNSET
        else:
            font_family = self.font_family

        language: str | Unset = UNSET
        if not isinstance(self.language, Unset):
            language = self.language.value


        share_count: str | Unset = UNSET
        if not isinstance(self.share_count, Unset):
            share_count = self.share_count.value


        strings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.strings, Unset):
            strings = self.strings.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if button_images is not UNSET:
            field_dict["button_images"] = button_images
        if button_style is not UNSET:
            field_dict["button_style"] = button_style
        if colours is not UNSET:
            field_dict["colours"] = colours
        if font_family is not UNSET:
            field_dict["font_family"] = font_family
        if language is not UNSET:
            field_dict["language"] = language
        if share_count is not UNSET:
            field_dict["share_count"] = share_count
        if strings is not UNSET:
            field_dict["strings"] = strings

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.colours import Colours # noqa: PLC0415
        from ..models.widget_settings_button_images import WidgetSettingsButtonImages # noqa: PLC0415
        from ..models.widget_settings_strings import WidgetSettingsStrings # noqa: PLC0415
        d = dict(src_dict)
        _button_images = d.pop("button_images", UNSET)
        button_images: WidgetSettingsButtonImages | Unset
        if isinstance(_button_images,  Unset):
            button_images = UNSET
        else:
            button_images = WidgetSettingsButtonImages.from_dict(_button_images)




        _button_style = d.pop("button_style", UNSET)
        button_style: ButtonStyle | Unset
        if isinstance(_button_style,  Unset):
            button_style = UNSET
        else:
            button_style = ButtonStyle(_button_style)




        _colours = d.pop("colours", UNSET)
        colours: Colours | Unset
        if isinstance(_colours,  Unset):
            colours = UNSET
        else:
            colours = Colours.from_dict(_colours)




        def _parse_font_family(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        font_family = _parse_font_family(d.pop("font_family", UNSET))


        _language = d.pop("language", UNSET)
        language: Language | Unset
        if isinstance(_language,  Unset):
            language = UNSET
        else:
            language = Language(_language)




        _share_count = d.pop("share_count", UNSET)
        share_count: ShareCount | Unset
        if isinstance(_share_count,  Unset):
            share_count = UNSET
        else:
            share_count = ShareCount(_share_count)




        _strings = d.pop("strings", UNSET)
        strings: WidgetSettingsStrings | Unset
        if isinstance(_strings,  Unset):
            strings = UNSET
        else:
            strings = WidgetSettingsStrings.from_dict(_strings)




        widget_settings = cls(
            button_images=button_images,
            button_style=button_style,
            colours=colours,
            font_family=font_family,
            language=language,
            share_count=share_count,
            strings=strings,
        )

        return widget_settings

