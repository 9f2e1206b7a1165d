from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_format import ImportFormat
from ..models.import_status import ImportStatus

if TYPE_CHECKING:
    from ..models.import_options import ImportOptions


T = TypeVar("T", bound="Import")


@_attrs_define
class Import:
    """
    Attributes:
        created_at (datetime.datetime):
        error (None | str):
        eta_seconds (float | None):
        finished_at (datetime.datetime | None):
        format_ (ImportFormat):
        id (str):
        options (ImportOptions):
        rows_created (int):
        rows_estimated (int): Lines in the file less the header: what ETA counts down.
        rows_merged (int):
        rows_per_second (float | None):
        rows_read (int): Rows done (committed); a resumed run starts after them.
        rows_refused (int):
        rows_skipped (int):
        size_bytes (int):
        started_at (datetime.datetime | None):
        status (ImportStatus):
    """

    created_at: datetime.datetime
    error: None | str
    eta_seconds: float | None
    finished_at: datetime.datetime | None
    format_: ImportFormat
    id: str
    options: ImportOptions
    rows_created: int
    rows_estimated: int
    rows_merged: int
    rows_per_second: float | None
    rows_read: int
    rows_refused: int
    rows_skipped: int
    size_bytes: int
    started_at: datetime.datetime | None
    status: ImportStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        error: None | str
        error = self.error

        eta_seconds: float | None
        eta_seconds = self.eta_seconds

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        format_ = self.format_.value

        id = self.id

        options = self.options.to_dict()

        rows_created = self.rows_created

        rows_estimated = self.rows_estimated

        rows_merged = self.rows_merged

        rows_per_second: float | None
        rows_per_second = self.rows_per_second

        rows_read = self.rows_read

        rows_refused = self.rows_refused

        rows_skipped = self.rows_skipped

        size_bytes = self.size_bytes

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "error": error,
                "eta_seconds": eta_seconds,
                "finished_at": finished_at,
                "format": format_,
                "id": id,
                "options": options,
                "rows_created": rows_created,
                "rows_estimated": rows_estimated,
                "rows_merged": rows_merged,
                "rows_per_second": rows_per_second,
                "rows_read": rows_read,
                "rows_refused": rows_refused,
                "rows_skipped": rows_skipped,
                "size_bytes": size_bytes,
                "started_at": started_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_options import ImportOptions  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_eta_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        eta_seconds = _parse_eta_seconds(d.pop("eta_seconds"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        format_ = ImportFormat(d.pop("format"))

        id = d.pop("id")

        options = ImportOptions.from_dict(d.pop("options"))

        rows_created = d.pop("rows_created")

        rows_estimated = d.pop("rows_estimated")

        rows_merged = d.pop("rows_merged")

        def _parse_rows_per_second(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rows_per_second = _parse_rows_per_second(d.pop("rows_per_second"))

        rows_read = d.pop("rows_read")

        rows_refused = d.pop("rows_refused")

        rows_skipped = d.pop("rows_skipped")

        size_bytes = d.pop("size_bytes")

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        status = ImportStatus(d.pop("status"))

        import_ = cls(
            created_at=created_at,
            error=error,
            eta_seconds=eta_seconds,
            finished_at=finished_at,
            format_=format_,
            id=id,
            options=options,
            rows_created=rows_created,
            rows_estimated=rows_estimated,
            rows_merged=rows_merged,
            rows_per_second=rows_per_second,
            rows_read=rows_read,
            rows_refused=rows_refused,
            rows_skipped=rows_skipped,
            size_bytes=size_bytes,
            started_at=started_at,
            status=status,
        )

        import_.additional_properties = d
        return import_

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
