from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ImportedOut")



@_attrs_define
class ImportedOut:
    """ What an import did, or with `dry_run` would do.

        Attributes:
            created (int): Participants created.
            dry_run (bool): True when nothing was written.
            new_people (int): People new to parrain among those created.
            rows (int): Lines read, without the header.
            unchanged (int): Lines whose person already takes part in the offer, left as they were
                (importing the same file again gives only these).
     """

    created: int
    dry_run: bool
    new_people: int
    rows: int
    unchanged: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created = self.created

        dry_run = self.dry_run

        new_people = self.new_people

        rows = self.rows

        unchanged = self.unchanged


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created": created,
            "dry_run": dry_run,
            "new_people": new_people,
            "rows": rows,
            "unchanged": unchanged,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created = d.pop("created")

        dry_run = d.pop("dry_run")

        new_people = d.pop("new_people")

        rows = d.pop("rows")

        unchanged = d.pop("unchanged")

        imported_out = cls(
            created=created,
            dry_run=dry_run,
            new_people=new_people,
            rows=rows,
            unchanged=unchanged,
        )


        imported_out.additional_properties = d
        return imported_out

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
