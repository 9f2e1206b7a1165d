from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.consent_create_status import ConsentCreateStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consent_proof import ConsentProof


T = TypeVar("T", bound="ConsentCreate")


@_attrs_define
class ConsentCreate:
    """
    Attributes:
        channel (str): email, sms, phone, linkedin, or a channel of your own (lowercase letters, digits, `_.:-`, up to
            40 characters, e.g. `whatsapp`).
        status (ConsentCreateStatus):
        at (datetime.datetime | None | Unset): When the person gave it (ISO 8601, not in the future); default: now.
        proof (ConsentProof | None | Unset):
        source (None | str | Unset): Where it was given: a form, an import, a call...
    """

    channel: str
    status: ConsentCreateStatus
    at: datetime.datetime | None | Unset = UNSET
    proof: ConsentProof | None | Unset = UNSET
    source: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.consent_proof import ConsentProof  # noqa: PLC0415

        channel = self.channel

        status = self.status.value

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        elif isinstance(self.at, datetime.datetime):
            at = self.at.isoformat()
        else:
            at = self.at

        proof: dict[str, Any] | None | Unset
        if isinstance(self.proof, Unset):
            proof = UNSET
        elif isinstance(self.proof, ConsentProof):
            proof = self.proof.to_dict()
        else:
            proof = self.proof

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "status": status,
            }
        )
        if at is not UNSET:
            field_dict["at"] = at
        if proof is not UNSET:
            field_dict["proof"] = proof
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_proof import ConsentProof  # noqa: PLC0415

        d = dict(src_dict)
        channel = d.pop("channel")

        status = ConsentCreateStatus(d.pop("status"))

        def _parse_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                at_type_0 = datetime.datetime.fromisoformat(data)

                return at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        def _parse_proof(data: object) -> ConsentProof | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                proof_type_0 = ConsentProof.from_dict(data)

                return proof_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConsentProof | None | Unset, data)

        proof = _parse_proof(d.pop("proof", UNSET))

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        consent_create = cls(
            channel=channel,
            status=status,
            at=at,
            proof=proof,
            source=source,
        )

        return consent_create
