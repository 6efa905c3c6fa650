from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.attribution_model import AttributionModel
from ..models.method import Method
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Attribution")



@_attrs_define
class Attribution:
    """ 
        Attributes:
            methods (list[Method] | Unset): How a friend's referrer is found, first to last (SPEC §15).
            model (AttributionModel | Unset):
            window_days (int | Unset):
     """

    methods: list[Method] | Unset = UNSET
    model: AttributionModel | Unset = UNSET
    window_days: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        methods: list[str] | Unset = UNSET
        if not isinstance(self.methods, Unset):
            methods = []
            for methods_item_data in self.methods:
                methods_item = methods_item_data.value
                methods.append(methods_item)



        model: str | Unset = UNSET
        if not isinstance(self.model, Unset):
            model = self.model.value


        window_days = self.window_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if methods is not UNSET:
            field_dict["methods"] = methods
        if model is not UNSET:
            field_dict["model"] = model
        if window_days is not UNSET:
            field_dict["window_days"] = window_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _methods = d.pop("methods", UNSET)
        methods: list[Method] | Unset = UNSET
        if _methods is not UNSET:
            methods = []
            for methods_item_data in _methods:
                methods_item = Method(methods_item_data)



                methods.append(methods_item)


        _model = d.pop("model", UNSET)
        model: AttributionModel | Unset
        if isinstance(_model,  Unset):
            model = UNSET
        else:
            model = AttributionModel(_model)




        window_days = d.pop("window_days", UNSET)

        attribution = cls(
            methods=methods,
            model=model,
            window_days=window_days,
        )

        return attribution

