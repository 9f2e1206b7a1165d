from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.lead_export_assignments_item import LeadExportAssignmentsItem
    from ..models.lead_export_consents_item import LeadExportConsentsItem
    from ..models.lead_export_enrollments_item import LeadExportEnrollmentsItem
    from ..models.lead_export_events_item import LeadExportEventsItem
    from ..models.lead_export_external_ids import LeadExportExternalIds
    from ..models.lead_export_lead import LeadExportLead
    from ..models.lead_export_provenance import LeadExportProvenance
    from ..models.lead_export_score_adjustments_item import LeadExportScoreAdjustmentsItem
    from ..models.lead_export_stage_changes_item import LeadExportStageChangesItem
    from ..models.lead_export_tasks_item import LeadExportTasksItem


T = TypeVar("T", bound="LeadExport")


@_attrs_define
class LeadExport:
    """Everything held about a person, as one document (a data-subject access request).

    Attributes:
        assignments (list[LeadExportAssignmentsItem]):
        consents (list[LeadExportConsentsItem]): The consent history, oldest first.
        enrollments (list[LeadExportEnrollmentsItem]):
        events (list[LeadExportEventsItem]): The timeline, oldest first.
        exported_at (datetime.datetime):
        external_ids (LeadExportExternalIds):
        lead (LeadExportLead):
        provenance (LeadExportProvenance): Where each field's value came from, and when.
        score_adjustments (list[LeadExportScoreAdjustmentsItem]):
        stage_changes (list[LeadExportStageChangesItem]):
        tasks (list[LeadExportTasksItem]):
    """

    assignments: list[LeadExportAssignmentsItem]
    consents: list[LeadExportConsentsItem]
    enrollments: list[LeadExportEnrollmentsItem]
    events: list[LeadExportEventsItem]
    exported_at: datetime.datetime
    external_ids: LeadExportExternalIds
    lead: LeadExportLead
    provenance: LeadExportProvenance
    score_adjustments: list[LeadExportScoreAdjustmentsItem]
    stage_changes: list[LeadExportStageChangesItem]
    tasks: list[LeadExportTasksItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignments = []
        for assignments_item_data in self.assignments:
            assignments_item = assignments_item_data.to_dict()
            assignments.append(assignments_item)

        consents = []
        for consents_item_data in self.consents:
            consents_item = consents_item_data.to_dict()
            consents.append(consents_item)

        enrollments = []
        for enrollments_item_data in self.enrollments:
            enrollments_item = enrollments_item_data.to_dict()
            enrollments.append(enrollments_item)

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        exported_at = self.exported_at.isoformat()

        external_ids = self.external_ids.to_dict()

        lead = self.lead.to_dict()

        provenance = self.provenance.to_dict()

        score_adjustments = []
        for score_adjustments_item_data in self.score_adjustments:
            score_adjustments_item = score_adjustments_item_data.to_dict()
            score_adjustments.append(score_adjustments_item)

        stage_changes = []
        for stage_changes_item_data in self.stage_changes:
            stage_changes_item = stage_changes_item_data.to_dict()
            stage_changes.append(stage_changes_item)

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assignments": assignments,
                "consents": consents,
                "enrollments": enrollments,
                "events": events,
                "exported_at": exported_at,
                "external_ids": external_ids,
                "lead": lead,
                "provenance": provenance,
                "score_adjustments": score_adjustments,
                "stage_changes": stage_changes,
                "tasks": tasks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_export_assignments_item import LeadExportAssignmentsItem  # noqa: PLC0415
        from ..models.lead_export_consents_item import LeadExportConsentsItem  # noqa: PLC0415
        from ..models.lead_export_enrollments_item import LeadExportEnrollmentsItem  # noqa: PLC0415
        from ..models.lead_export_events_item import LeadExportEventsItem  # noqa: PLC0415
        from ..models.lead_export_external_ids import LeadExportExternalIds  # noqa: PLC0415
        from ..models.lead_export_lead import LeadExportLead  # noqa: PLC0415
        from ..models.lead_export_provenance import LeadExportProvenance  # noqa: PLC0415
        from ..models.lead_export_score_adjustments_item import LeadExportScoreAdjustmentsItem  # noqa: PLC0415
        from ..models.lead_export_stage_changes_item import LeadExportStageChangesItem  # noqa: PLC0415
        from ..models.lead_export_tasks_item import LeadExportTasksItem  # noqa: PLC0415

        d = dict(src_dict)
        assignments = []
        _assignments = d.pop("assignments")
        for assignments_item_data in _assignments:
            assignments_item = LeadExportAssignmentsItem.from_dict(assignments_item_data)

            assignments.append(assignments_item)

        consents = []
        _consents = d.pop("consents")
        for consents_item_data in _consents:
            consents_item = LeadExportConsentsItem.from_dict(consents_item_data)

            consents.append(consents_item)

        enrollments = []
        _enrollments = d.pop("enrollments")
        for enrollments_item_data in _enrollments:
            enrollments_item = LeadExportEnrollmentsItem.from_dict(enrollments_item_data)

            enrollments.append(enrollments_item)

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = LeadExportEventsItem.from_dict(events_item_data)

            events.append(events_item)

        exported_at = datetime.datetime.fromisoformat(d.pop("exported_at"))

        external_ids = LeadExportExternalIds.from_dict(d.pop("external_ids"))

        lead = LeadExportLead.from_dict(d.pop("lead"))

        provenance = LeadExportProvenance.from_dict(d.pop("provenance"))

        score_adjustments = []
        _score_adjustments = d.pop("score_adjustments")
        for score_adjustments_item_data in _score_adjustments:
            score_adjustments_item = LeadExportScoreAdjustmentsItem.from_dict(score_adjustments_item_data)

            score_adjustments.append(score_adjustments_item)

        stage_changes = []
        _stage_changes = d.pop("stage_changes")
        for stage_changes_item_data in _stage_changes:
            stage_changes_item = LeadExportStageChangesItem.from_dict(stage_changes_item_data)

            stage_changes.append(stage_changes_item)

        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in _tasks:
            tasks_item = LeadExportTasksItem.from_dict(tasks_item_data)

            tasks.append(tasks_item)

        lead_export = cls(
            assignments=assignments,
            consents=consents,
            enrollments=enrollments,
            events=events,
            exported_at=exported_at,
            external_ids=external_ids,
            lead=lead,
            provenance=provenance,
            score_adjustments=score_adjustments,
            stage_changes=stage_changes,
            tasks=tasks,
        )

        lead_export.additional_properties = d
        return lead_export

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
