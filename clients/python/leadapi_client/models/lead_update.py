from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead_update_attributes_type_0 import LeadUpdateAttributesType0
    from ..models.lead_update_external_ids_type_0 import LeadUpdateExternalIdsType0


T = TypeVar("T", bound="LeadUpdate")


@_attrs_define
class LeadUpdate:
    """Partial update. Absent fields stay; `null` clears a field. `attributes` and `external_ids` are
    merged key by key (a `null` value removes the key); `tags` replaces the list.

        Attributes:
            attributes (LeadUpdateAttributesType0 | None | Unset): Custom values: string, number, bool or list of strings.
                At most 50 keys, names `[A-Za-z][A-Za-z0-9_]*`.
            city (None | str | Unset):
            company (None | str | Unset):
            company_size (int | None | Unset): Number of employees.
            consent (bool | None | Unset): Marketing consent given (true), refused (false), unknown (null).
            country (None | str | Unset): ISO 3166-1 alpha-2, alpha-3 or an English name; stored as alpha-2.
            email (None | str | Unset): Lower-cased and validated; the first dedupe key.
            external_ids (LeadUpdateExternalIdsType0 | None | Unset): Ids of this lead in other systems, e.g. `{"hubspot":
                "123"}`; a dedupe key.
            first_name (None | str | Unset):
            industry (None | str | Unset):
            last_name (None | str | Unset):
            owner_id (None | str | Unset): Assign the lead by hand to this owner (rules and capacity do not apply); null
                unassigns.
            phone (None | str | Unset): Stored as E.164, with an extension as `;ext=` (`+1 415 555 2671 ext. 89` ->
                `+14155552671;ext=89`); numbers without +country use the default region setting.
            postal_code (None | str | Unset):
            region (None | str | Unset):
            source (None | str | Unset): Where the lead came from (web, event, import...).
            tags (list[str] | None | Unset):
            title (None | str | Unset): Job title; `seniority` is derived from it.
            unsubscribed (bool | Unset):
            utm_campaign (None | str | Unset):
            utm_content (None | str | Unset):
            utm_medium (None | str | Unset):
            utm_source (None | str | Unset):
            utm_term (None | str | Unset):
            website (None | str | Unset): A URL or host; stored as its domain (`https://www.acme.com/x` -> `acme.com`).
    """

    attributes: LeadUpdateAttributesType0 | None | Unset = UNSET
    city: None | str | Unset = UNSET
    company: None | str | Unset = UNSET
    company_size: int | None | Unset = UNSET
    consent: bool | None | Unset = UNSET
    country: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    external_ids: LeadUpdateExternalIdsType0 | None | Unset = UNSET
    first_name: None | str | Unset = UNSET
    industry: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    owner_id: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    postal_code: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    source: None | str | Unset = UNSET
    tags: list[str] | None | Unset = UNSET
    title: None | str | Unset = UNSET
    unsubscribed: bool | Unset = UNSET
    utm_campaign: None | str | Unset = UNSET
    utm_content: None | str | Unset = UNSET
    utm_medium: None | str | Unset = UNSET
    utm_source: None | str | Unset = UNSET
    utm_term: None | str | Unset = UNSET
    website: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.lead_update_attributes_type_0 import LeadUpdateAttributesType0  # noqa: PLC0415
        from ..models.lead_update_external_ids_type_0 import LeadUpdateExternalIdsType0  # noqa: PLC0415

        attributes: dict[str, Any] | None | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, LeadUpdateAttributesType0):
            attributes = self.attributes.to_dict()
        else:
            attributes = self.attributes

        city: None | str | Unset
        if isinstance(self.city, Unset):
            city = UNSET
        else:
            city = self.city

        company: None | str | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        else:
            company = self.company

        company_size: int | None | Unset
        if isinstance(self.company_size, Unset):
            company_size = UNSET
        else:
            company_size = self.company_size

        consent: bool | None | Unset
        if isinstance(self.consent, Unset):
            consent = UNSET
        else:
            consent = self.consent

        country: None | str | Unset
        if isinstance(self.country, Unset):
            country = UNSET
        else:
            country = self.country

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        external_ids: dict[str, Any] | None | Unset
        if isinstance(self.external_ids, Unset):
            external_ids = UNSET
        elif isinstance(self.external_ids, LeadUpdateExternalIdsType0):
            external_ids = self.external_ids.to_dict()
        else:
            external_ids = self.external_ids

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        industry: None | str | Unset
        if isinstance(self.industry, Unset):
            industry = UNSET
        else:
            industry = self.industry

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        owner_id: None | str | Unset
        if isinstance(self.owner_id, Unset):
            owner_id = UNSET
        else:
            owner_id = self.owner_id

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        postal_code: None | str | Unset
        if isinstance(self.postal_code, Unset):
            postal_code = UNSET
        else:
            postal_code = self.postal_code

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags

        else:
            tags = self.tags

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        unsubscribed = self.unsubscribed

        utm_campaign: None | str | Unset
        if isinstance(self.utm_campaign, Unset):
            utm_campaign = UNSET
        else:
            utm_campaign = self.utm_campaign

        utm_content: None | str | Unset
        if isinstance(self.utm_content, Unset):
            utm_content = UNSET
        else:
            utm_content = self.utm_content

        utm_medium: None | str | Unset
        if isinstance(self.utm_medium, Unset):
            utm_medium = UNSET
        else:
            utm_medium = self.utm_medium

        utm_source: None | str | Unset
        if isinstance(self.utm_source, Unset):
            utm_source = UNSET
        else:
            utm_source = self.utm_source

        utm_term: None | str | Unset
        if isinstance(self.utm_term, Unset):
            utm_term = UNSET
        else:
            utm_term = self.utm_term

        website: None | str | Unset
        if isinstance(self.website, Unset):
            website = UNSET
        else:
            website = self.website

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if city is not UNSET:
            field_dict["city"] = city
        if company is not UNSET:
            field_dict["company"] = company
        if company_size is not UNSET:
            field_dict["company_size"] = company_size
        if consent is not UNSET:
            field_dict["consent"] = consent
        if country is not UNSET:
            field_dict["country"] = country
        if email is not UNSET:
            field_dict["email"] = email
        if external_ids is not UNSET:
            field_dict["external_ids"] = external_ids
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if industry is not UNSET:
            field_dict["industry"] = industry
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id
        if phone is not UNSET:
            field_dict["phone"] = phone
        if postal_code is not UNSET:
            field_dict["postal_code"] = postal_code
        if region is not UNSET:
            field_dict["region"] = region
        if source is not UNSET:
            field_dict["source"] = source
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title
        if unsubscribed is not UNSET:
            field_dict["unsubscribed"] = unsubscribed
        if utm_campaign is not UNSET:
            field_dict["utm_campaign"] = utm_campaign
        if utm_content is not UNSET:
            field_dict["utm_content"] = utm_content
        if utm_medium is not UNSET:
            field_dict["utm_medium"] = utm_medium
        if utm_source is not UNSET:
            field_dict["utm_source"] = utm_source
        if utm_term is not UNSET:
            field_dict["utm_term"] = utm_term
        if website is not UNSET:
            field_dict["website"] = website

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_update_attributes_type_0 import LeadUpdateAttributesType0  # noqa: PLC0415
        from ..models.lead_update_external_ids_type_0 import LeadUpdateExternalIdsType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_attributes(data: object) -> LeadUpdateAttributesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attributes_type_0 = LeadUpdateAttributesType0.from_dict(data)

                return attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LeadUpdateAttributesType0 | None | Unset, data)

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        def _parse_city(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        city = _parse_city(d.pop("city", UNSET))

        def _parse_company(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        company = _parse_company(d.pop("company", UNSET))

        def _parse_company_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        company_size = _parse_company_size(d.pop("company_size", UNSET))

        def _parse_consent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        consent = _parse_consent(d.pop("consent", UNSET))

        def _parse_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        country = _parse_country(d.pop("country", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_external_ids(data: object) -> LeadUpdateExternalIdsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                external_ids_type_0 = LeadUpdateExternalIdsType0.from_dict(data)

                return external_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LeadUpdateExternalIdsType0 | None | Unset, data)

        external_ids = _parse_external_ids(d.pop("external_ids", UNSET))

        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))

        def _parse_industry(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        industry = _parse_industry(d.pop("industry", UNSET))

        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))

        def _parse_owner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner_id = _parse_owner_id(d.pop("owner_id", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_postal_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        postal_code = _parse_postal_code(d.pop("postal_code", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        unsubscribed = d.pop("unsubscribed", UNSET)

        def _parse_utm_campaign(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        utm_campaign = _parse_utm_campaign(d.pop("utm_campaign", UNSET))

        def _parse_utm_content(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        utm_content = _parse_utm_content(d.pop("utm_content", UNSET))

        def _parse_utm_medium(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        utm_medium = _parse_utm_medium(d.pop("utm_medium", UNSET))

        def _parse_utm_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        utm_source = _parse_utm_source(d.pop("utm_source", UNSET))

        def _parse_utm_term(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        utm_term = _parse_utm_term(d.pop("utm_term", UNSET))

        def _parse_website(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        website = _parse_website(d.pop("website", UNSET))

        lead_update = cls(
            attributes=attributes,
            city=city,
            company=company,
            company_size=company_size,
            consent=consent,
            country=country,
            email=email,
            external_ids=external_ids,
            first_name=first_name,
            industry=industry,
            last_name=last_name,
            owner_id=owner_id,
            phone=phone,
            postal_code=postal_code,
            region=region,
            source=source,
            tags=tags,
            title=title,
            unsubscribed=unsubscribed,
            utm_campaign=utm_campaign,
            utm_content=utm_content,
            utm_medium=utm_medium,
            utm_source=utm_source,
            utm_term=utm_term,
            website=website,
        )

        return lead_update
