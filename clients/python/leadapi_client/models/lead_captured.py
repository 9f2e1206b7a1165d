from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lead_captured_seniority import LeadCapturedSeniority
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead_captured_attributes import LeadCapturedAttributes
    from ..models.lead_captured_external_ids import LeadCapturedExternalIds


T = TypeVar("T", bound="LeadCaptured")


@_attrs_define
class LeadCaptured:
    """
    Attributes:
        attributes (LeadCapturedAttributes):
        band (None | str): The score's band in the active model, e.g. sql, mql, not_ready.
        behavior_score (float | None): Points from what the lead did (negative included).
        city (None | str):
        company (None | str):
        company_size (int | None):
        consent (bool | None):
        country (None | str):
        created_at (datetime.datetime):
        domain (None | str): Company domain: the website's, else a work email's.
        email (None | str):
        external_ids (LeadCapturedExternalIds):
        first_activity_at (datetime.datetime | None): When the lead's first behaviour event after its capture happened.
        first_name (None | str):
        first_touch_at (datetime.datetime | None): When sales first touched the lead (a touch-type event, or
            acceptance).
        fit_score (float | None): Points from who the lead is.
        id (str):
        industry (None | str):
        is_disposable_email (bool): The email's domain hands out throwaway inboxes (a maintained list); set at capture.
        is_free_email (bool):
        is_role_email (bool): The email is a shared mailbox (`info@`, `sales@`), not a person's; set at capture.
        last_activity_at (datetime.datetime | None): When the lead's latest behaviour event happened.
        last_name (None | str):
        merged (bool): True when the lead matched an existing one and was merged into it.
        owner_id (None | str):
        phone (None | str):
        postal_code (None | str):
        region (None | str):
        score (int | None): Fit + behaviour points, clamped to the model's range.
        score_model_id (None | str): The scoring model version that computed the score.
        scored_at (datetime.datetime | None):
        seniority (LeadCapturedSeniority):
        source (None | str):
        stage (str):
        stage_entered_at (datetime.datetime | None): When the lead entered its current stage: with `stage`, how long it
            has been there.
        tags (list[str]):
        title (None | str):
        unsubscribed (bool):
        updated_at (datetime.datetime):
        utm_campaign (None | str):
        utm_content (None | str):
        utm_medium (None | str):
        utm_source (None | str):
        utm_term (None | str):
        version (int): Increases on every change; the ETag is derived from it.
        website (None | str):
        archived_at (datetime.datetime | None | Unset): When hygiene archived the lead for inactivity (null: not
            archived); its next activity brings it back.
    """

    attributes: LeadCapturedAttributes
    band: None | str
    behavior_score: float | None
    city: None | str
    company: None | str
    company_size: int | None
    consent: bool | None
    country: None | str
    created_at: datetime.datetime
    domain: None | str
    email: None | str
    external_ids: LeadCapturedExternalIds
    first_activity_at: datetime.datetime | None
    first_name: None | str
    first_touch_at: datetime.datetime | None
    fit_score: float | None
    id: str
    industry: None | str
    is_disposable_email: bool
    is_free_email: bool
    is_role_email: bool
    last_activity_at: datetime.datetime | None
    last_name: None | str
    merged: bool
    owner_id: None | str
    phone: None | str
    postal_code: None | str
    region: None | str
    score: int | None
    score_model_id: None | str
    scored_at: datetime.datetime | None
    seniority: LeadCapturedSeniority
    source: None | str
    stage: str
    stage_entered_at: datetime.datetime | None
    tags: list[str]
    title: None | str
    unsubscribed: bool
    updated_at: datetime.datetime
    utm_campaign: None | str
    utm_content: None | str
    utm_medium: None | str
    utm_source: None | str
    utm_term: None | str
    version: int
    website: None | str
    archived_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attributes = self.attributes.to_dict()

        band: None | str
        band = self.band

        behavior_score: float | None
        behavior_score = self.behavior_score

        city: None | str
        city = self.city

        company: None | str
        company = self.company

        company_size: int | None
        company_size = self.company_size

        consent: bool | None
        consent = self.consent

        country: None | str
        country = self.country

        created_at = self.created_at.isoformat()

        domain: None | str
        domain = self.domain

        email: None | str
        email = self.email

        external_ids = self.external_ids.to_dict()

        first_activity_at: None | str
        if isinstance(self.first_activity_at, datetime.datetime):
            first_activity_at = self.first_activity_at.isoformat()
        else:
            first_activity_at = self.first_activity_at

        first_name: None | str
        first_name = self.first_name

        first_touch_at: None | str
        if isinstance(self.first_touch_at, datetime.datetime):
            first_touch_at = self.first_touch_at.isoformat()
        else:
            first_touch_at = self.first_touch_at

        fit_score: float | None
        fit_score = self.fit_score

        id = self.id

        industry: None | str
        industry = self.industry

        is_disposable_email = self.is_disposable_email

        is_free_email = self.is_free_email

        is_role_email = self.is_role_email

        last_activity_at: None | str
        if isinstance(self.last_activity_at, datetime.datetime):
            last_activity_at = self.last_activity_at.isoformat()
        else:
            last_activity_at = self.last_activity_at

        last_name: None | str
        last_name = self.last_name

        merged = self.merged

        owner_id: None | str
        owner_id = self.owner_id

        phone: None | str
        phone = self.phone

        postal_code: None | str
        postal_code = self.postal_code

        region: None | str
        region = self.region

        score: int | None
        score = self.score

        score_model_id: None | str
        score_model_id = self.score_model_id

        scored_at: None | str
        if isinstance(self.scored_at, datetime.datetime):
            scored_at = self.scored_at.isoformat()
        else:
            scored_at = self.scored_at

        seniority = self.seniority.value

        source: None | str
        source = self.source

        stage = self.stage

        stage_entered_at: None | str
        if isinstance(self.stage_entered_at, datetime.datetime):
            stage_entered_at = self.stage_entered_at.isoformat()
        else:
            stage_entered_at = self.stage_entered_at

        tags = self.tags

        title: None | str
        title = self.title

        unsubscribed = self.unsubscribed

        updated_at = self.updated_at.isoformat()

        utm_campaign: None | str
        utm_campaign = self.utm_campaign

        utm_content: None | str
        utm_content = self.utm_content

        utm_medium: None | str
        utm_medium = self.utm_medium

        utm_source: None | str
        utm_source = self.utm_source

        utm_term: None | str
        utm_term = self.utm_term

        version = self.version

        website: None | str
        website = self.website

        archived_at: None | str | Unset
        if isinstance(self.archived_at, Unset):
            archived_at = UNSET
        elif isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attributes": attributes,
                "band": band,
                "behavior_score": behavior_score,
                "city": city,
                "company": company,
                "company_size": company_size,
                "consent": consent,
                "country": country,
                "created_at": created_at,
                "domain": domain,
                "email": email,
                "external_ids": external_ids,
                "first_activity_at": first_activity_at,
                "first_name": first_name,
                "first_touch_at": first_touch_at,
                "fit_score": fit_score,
                "id": id,
                "industry": industry,
                "is_disposable_email": is_disposable_email,
                "is_free_email": is_free_email,
                "is_role_email": is_role_email,
                "last_activity_at": last_activity_at,
                "last_name": last_name,
                "merged": merged,
                "owner_id": owner_id,
                "phone": phone,
                "postal_code": postal_code,
                "region": region,
                "score": score,
                "score_model_id": score_model_id,
                "scored_at": scored_at,
                "seniority": seniority,
                "source": source,
                "stage": stage,
                "stage_entered_at": stage_entered_at,
                "tags": tags,
                "title": title,
                "unsubscribed": unsubscribed,
                "updated_at": updated_at,
                "utm_campaign": utm_campaign,
                "utm_content": utm_content,
                "utm_medium": utm_medium,
                "utm_source": utm_source,
                "utm_term": utm_term,
                "version": version,
                "website": website,
            }
        )
        if archived_at is not UNSET:
            field_dict["archived_at"] = archived_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_captured_attributes import LeadCapturedAttributes  # noqa: PLC0415
        from ..models.lead_captured_external_ids import LeadCapturedExternalIds  # noqa: PLC0415

        d = dict(src_dict)
        attributes = LeadCapturedAttributes.from_dict(d.pop("attributes"))

        def _parse_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        band = _parse_band(d.pop("band"))

        def _parse_behavior_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        behavior_score = _parse_behavior_score(d.pop("behavior_score"))

        def _parse_city(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        city = _parse_city(d.pop("city"))

        def _parse_company(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        company = _parse_company(d.pop("company"))

        def _parse_company_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        company_size = _parse_company_size(d.pop("company_size"))

        def _parse_consent(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        consent = _parse_consent(d.pop("consent"))

        def _parse_country(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        country = _parse_country(d.pop("country"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_domain(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        domain = _parse_domain(d.pop("domain"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        external_ids = LeadCapturedExternalIds.from_dict(d.pop("external_ids"))

        def _parse_first_activity_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_activity_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_activity_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_activity_at = _parse_first_activity_at(d.pop("first_activity_at"))

        def _parse_first_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        first_name = _parse_first_name(d.pop("first_name"))

        def _parse_first_touch_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_touch_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_touch_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_touch_at = _parse_first_touch_at(d.pop("first_touch_at"))

        def _parse_fit_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        fit_score = _parse_fit_score(d.pop("fit_score"))

        id = d.pop("id")

        def _parse_industry(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        industry = _parse_industry(d.pop("industry"))

        is_disposable_email = d.pop("is_disposable_email")

        is_free_email = d.pop("is_free_email")

        is_role_email = d.pop("is_role_email")

        def _parse_last_activity_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_activity_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_activity_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_activity_at = _parse_last_activity_at(d.pop("last_activity_at"))

        def _parse_last_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_name = _parse_last_name(d.pop("last_name"))

        merged = d.pop("merged")

        def _parse_owner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        def _parse_postal_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        postal_code = _parse_postal_code(d.pop("postal_code"))

        def _parse_region(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        region = _parse_region(d.pop("region"))

        def _parse_score(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        score = _parse_score(d.pop("score"))

        def _parse_score_model_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        score_model_id = _parse_score_model_id(d.pop("score_model_id"))

        def _parse_scored_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scored_at_type_0 = datetime.datetime.fromisoformat(data)

                return scored_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        scored_at = _parse_scored_at(d.pop("scored_at"))

        seniority = LeadCapturedSeniority(d.pop("seniority"))

        def _parse_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source = _parse_source(d.pop("source"))

        stage = d.pop("stage")

        def _parse_stage_entered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stage_entered_at_type_0 = datetime.datetime.fromisoformat(data)

                return stage_entered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        stage_entered_at = _parse_stage_entered_at(d.pop("stage_entered_at"))

        tags = cast(list[str], d.pop("tags"))

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        unsubscribed = d.pop("unsubscribed")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_utm_campaign(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utm_campaign = _parse_utm_campaign(d.pop("utm_campaign"))

        def _parse_utm_content(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utm_content = _parse_utm_content(d.pop("utm_content"))

        def _parse_utm_medium(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utm_medium = _parse_utm_medium(d.pop("utm_medium"))

        def _parse_utm_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utm_source = _parse_utm_source(d.pop("utm_source"))

        def _parse_utm_term(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utm_term = _parse_utm_term(d.pop("utm_term"))

        version = d.pop("version")

        def _parse_website(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        website = _parse_website(d.pop("website"))

        def _parse_archived_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        archived_at = _parse_archived_at(d.pop("archived_at", UNSET))

        lead_captured = cls(
            attributes=attributes,
            band=band,
            behavior_score=behavior_score,
            city=city,
            company=company,
            company_size=company_size,
            consent=consent,
            country=country,
            created_at=created_at,
            domain=domain,
            email=email,
            external_ids=external_ids,
            first_activity_at=first_activity_at,
            first_name=first_name,
            first_touch_at=first_touch_at,
            fit_score=fit_score,
            id=id,
            industry=industry,
            is_disposable_email=is_disposable_email,
            is_free_email=is_free_email,
            is_role_email=is_role_email,
            last_activity_at=last_activity_at,
            last_name=last_name,
            merged=merged,
            owner_id=owner_id,
            phone=phone,
            postal_code=postal_code,
            region=region,
            score=score,
            score_model_id=score_model_id,
            scored_at=scored_at,
            seniority=seniority,
            source=source,
            stage=stage,
            stage_entered_at=stage_entered_at,
            tags=tags,
            title=title,
            unsubscribed=unsubscribed,
            updated_at=updated_at,
            utm_campaign=utm_campaign,
            utm_content=utm_content,
            utm_medium=utm_medium,
            utm_source=utm_source,
            utm_term=utm_term,
            version=version,
            website=website,
            archived_at=archived_at,
        )

        lead_captured.additional_properties = d
        return lead_captured

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
