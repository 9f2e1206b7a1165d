from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.consent_proof_type_0 import ConsentProofType0


T = TypeVar("T", bound="Consent")


@_attrs_define
class Consent:
    """
    Attributes:
        actor (None | str): The key that recorded it.
        at (datetime.datetime):
        channel (str):
        created_at (datetime.datetime):
        id (str):
        lead_id (str):
        proof (ConsentProofType0 | None):
        source (None | str):
        status (str):
    """

    actor: None | str
    at: datetime.datetime
    channel: str
    created_at: datetime.datetime
    id: str
    lead_id: str
    proof: ConsentProofType0 | None
    source: None | str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.consent_proof_type_0 import ConsentProofType0  # noqa: PLC0415

        actor: None | str
        actor = self.actor

        at = self.at.isoformat()

        channel = self.channel

        created_at = self.created_at.isoformat()

        id = self.id

        lead_id = self.lead_id

        proof: dict[str, Any] | None
        if isinstance(self.proof, ConsentProofType0):
            proof = self.proof.to_dict()
        else:
            proof = self.proof

        source: None | str
        source = self.source

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "at": at,
                "channel": channel,
                "created_at": created_at,
                "id": id,
                "lead_id": lead_id,
                "proof": proof,
                "source": source,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_proof_type_0 import ConsentProofType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        channel = d.pop("channel")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        def _parse_proof(data: object) -> ConsentProofType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                proof_type_0 = ConsentProofType0.from_dict(data)

                return proof_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConsentProofType0 | None, data)

        proof = _parse_proof(d.pop("proof"))

        def _parse_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source = _parse_source(d.pop("source"))

        status = d.pop("status")

        consent = cls(
            actor=actor,
            at=at,
            channel=channel,
            created_at=created_at,
            id=id,
            lead_id=lead_id,
            proof=proof,
            source=source,
            status=status,
        )

        consent.additional_properties = d
        return consent

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
