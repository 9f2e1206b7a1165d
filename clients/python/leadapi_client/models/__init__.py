"""Contains all the data models used in inputs/outputs"""

from .accept_in import AcceptIn
from .action_result import ActionResult
from .action_result_changes_type_0 import ActionResultChangesType0
from .action_result_status import ActionResultStatus
from .activation_figures import ActivationFigures
from .activation_group import ActivationGroup
from .activation_report import ActivationReport
from .activation_report_filters import ActivationReportFilters
from .add_tags import AddTags
from .adjust_score import AdjustScore
from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_create_scopes_item import ApiKeyCreateScopesItem
from .api_key_created import ApiKeyCreated
from .api_key_created_scopes_item import ApiKeyCreatedScopesItem
from .api_key_list import ApiKeyList
from .api_key_scopes_item import ApiKeyScopesItem
from .api_key_update import ApiKeyUpdate
from .assign import Assign
from .assignment import Assignment
from .assignment_by import AssignmentBy
from .assignment_explanation import AssignmentExplanation
from .assignment_list import AssignmentList
from .assignment_sla_state_type_0 import AssignmentSlaStateType0
from .assignment_speed import AssignmentSpeed
from .audit_entry import AuditEntry
from .audit_entry_action import AuditEntryAction
from .audit_entry_after_type_0 import AuditEntryAfterType0
from .audit_entry_before_type_0 import AuditEntryBeforeType0
from .audit_entry_list import AuditEntryList
from .audit_entry_resource import AuditEntryResource
from .automation import Automation
from .automation_actions_item import AutomationActionsItem
from .automation_create import AutomationCreate
from .automation_create_when_type_0 import AutomationCreateWhenType0
from .automation_limits import AutomationLimits
from .automation_list import AutomationList
from .automation_preview import AutomationPreview
from .automation_preview_event import AutomationPreviewEvent
from .automation_preview_event_data import AutomationPreviewEventData
from .automation_preview_in import AutomationPreviewIn
from .automation_run import AutomationRun
from .automation_run_list import AutomationRunList
from .automation_run_status import AutomationRunStatus
from .automation_trigger import AutomationTrigger
from .automation_update import AutomationUpdate
from .automation_update_when_type_0 import AutomationUpdateWhenType0
from .automation_when_type_0 import AutomationWhenType0
from .backtest_in import BacktestIn
from .backtest_in_as_of import BacktestInAsOf
from .backtest_in_compare_with_type_1 import BacktestInCompareWithType1
from .backtest_in_model_type_1 import BacktestInModelType1
from .backtest_out import BacktestOut
from .backtest_result import BacktestResult
from .band_figures import BandFigures
from .band_out import BandOut
from .band_row import BandRow
from .breach import Breach
from .breach_action import BreachAction
from .breach_list import BreachList
from .business_hours import BusinessHours
from .business_hours_days_item import BusinessHoursDaysItem
from .calibration_row import CalibrationRow
from .candidate_lead import CandidateLead
from .candidate_lead_reasons_item import CandidateLeadReasonsItem
from .changed_by import ChangedBy
from .changed_by_kind import ChangedByKind
from .coefficient import Coefficient
from .company_size import CompanySize
from .consent import Consent
from .consent_confirm import ConsentConfirm
from .consent_create import ConsentCreate
from .consent_create_status import ConsentCreateStatus
from .consent_list import ConsentList
from .consent_proof import ConsentProof
from .consent_proof_type_0 import ConsentProofType0
from .consent_settings_in import ConsentSettingsIn
from .consent_settings_in_suppressed_capture import ConsentSettingsInSuppressedCapture
from .consent_settings_out import ConsentSettingsOut
from .create_import_dedupe import CreateImportDedupe
from .create_import_format_type_0 import CreateImportFormatType0
from .create_scoring_model_document import CreateScoringModelDocument
from .create_task import CreateTask
from .create_task_task_type import CreateTaskTaskType
from .data_quality_report import DataQualityReport
from .decision import Decision
from .decision_reason_type_0 import DecisionReasonType0
from .decision_weights_type_0 import DecisionWeightsType0
from .dedupe_policy import DedupePolicy
from .dedupe_policy_in import DedupePolicyIn
from .dedupe_policy_in_keys_item import DedupePolicyInKeysItem
from .dedupe_policy_in_mode import DedupePolicyInMode
from .dedupe_policy_in_sources import DedupePolicyInSources
from .dedupe_policy_keys_item import DedupePolicyKeysItem
from .dedupe_policy_mode import DedupePolicyMode
from .dedupe_policy_sources import DedupePolicySources
from .dedupe_rule import DedupeRule
from .dedupe_rule_keys_item import DedupeRuleKeysItem
from .dedupe_rule_mode import DedupeRuleMode
from .defaults import Defaults
from .defaults_attributes import DefaultsAttributes
from .delivery import Delivery
from .delivery_list import DeliveryList
from .delivery_payload import DeliveryPayload
from .delivery_status import DeliveryStatus
from .duplicate_pair import DuplicatePair
from .duplicate_pair_flagged_on_type_0 import DuplicatePairFlaggedOnType0
from .duplicate_pair_list import DuplicatePairList
from .duplicate_pair_reasons_item import DuplicatePairReasonsItem
from .duplicate_pair_status import DuplicatePairStatus
from .enrich_result import EnrichResult
from .enroll import Enroll
from .enrollment import Enrollment
from .enrollment_action import EnrollmentAction
from .enrollment_create import EnrollmentCreate
from .enrollment_list import EnrollmentList
from .enrollment_status import EnrollmentStatus
from .event import Event
from .event_batch_in import EventBatchIn
from .event_batch_item import EventBatchItem
from .event_batch_item_errors_type_0_item import EventBatchItemErrorsType0Item
from .event_batch_item_status import EventBatchItemStatus
from .event_batch_out import EventBatchOut
from .event_in import EventIn
from .event_in_properties import EventInProperties
from .event_properties import EventProperties
from .event_trigger import EventTrigger
from .fairness_total import FairnessTotal
from .feed_event import FeedEvent
from .feed_event_data import FeedEventData
from .feed_page import FeedPage
from .field_message import FieldMessage
from .field_source import FieldSource
from .funnel_figures import FunnelFigures
from .funnel_group import FunnelGroup
from .funnel_rates import FunnelRates
from .funnel_report import FunnelReport
from .funnel_report_filters import FunnelReportFilters
from .funnel_stage import FunnelStage
from .group_by import GroupBy
from .healthz_response_healthz import HealthzResponseHealthz
from .hook_reply import HookReply
from .hygiene_settings import HygieneSettings
from .hygiene_settings_in import HygieneSettingsIn
from .import_ import Import
from .import_format import ImportFormat
from .import_list import ImportList
from .import_options import ImportOptions
from .import_options_dedupe import ImportOptionsDedupe
from .import_options_mapping_type_0 import ImportOptionsMappingType0
from .import_status import ImportStatus
from .inactive_trigger import InactiveTrigger
from .installed_default import InstalledDefault
from .installed_default_kind import InstalledDefaultKind
from .installed_defaults import InstalledDefaults
from .intent_figures import IntentFigures
from .intent_spike_spec import IntentSpikeSpec
from .intent_spike_trigger import IntentSpikeTrigger
from .job import Job
from .job_params import JobParams
from .job_progress import JobProgress
from .job_result_type_0 import JobResultType0
from .job_status import JobStatus
from .lead import Lead
from .lead_attributes import LeadAttributes
from .lead_batch_in import LeadBatchIn
from .lead_batch_item import LeadBatchItem
from .lead_batch_item_status import LeadBatchItemStatus
from .lead_batch_out import LeadBatchOut
from .lead_captured import LeadCaptured
from .lead_captured_attributes import LeadCapturedAttributes
from .lead_captured_external_ids import LeadCapturedExternalIds
from .lead_captured_seniority import LeadCapturedSeniority
from .lead_create import LeadCreate
from .lead_create_attributes_type_0 import LeadCreateAttributesType0
from .lead_create_external_ids_type_0 import LeadCreateExternalIdsType0
from .lead_detail import LeadDetail
from .lead_detail_attributes import LeadDetailAttributes
from .lead_detail_external_ids import LeadDetailExternalIds
from .lead_detail_provenance_type_0 import LeadDetailProvenanceType0
from .lead_detail_seniority import LeadDetailSeniority
from .lead_export import LeadExport
from .lead_export_assignments_item import LeadExportAssignmentsItem
from .lead_export_consents_item import LeadExportConsentsItem
from .lead_export_enrollments_item import LeadExportEnrollmentsItem
from .lead_export_events_item import LeadExportEventsItem
from .lead_export_external_ids import LeadExportExternalIds
from .lead_export_lead import LeadExportLead
from .lead_export_provenance import LeadExportProvenance
from .lead_export_score_adjustments_item import LeadExportScoreAdjustmentsItem
from .lead_export_stage_changes_item import LeadExportStageChangesItem
from .lead_export_tasks_item import LeadExportTasksItem
from .lead_external_ids import LeadExternalIds
from .lead_external_ref import LeadExternalRef
from .lead_fields import LeadFields
from .lead_fields_attributes_type_0 import LeadFieldsAttributesType0
from .lead_fields_external_ids_type_0 import LeadFieldsExternalIdsType0
from .lead_list import LeadList
from .lead_score import LeadScore
from .lead_seniority import LeadSeniority
from .lead_speed import LeadSpeed
from .lead_update import LeadUpdate
from .lead_update_attributes_type_0 import LeadUpdateAttributesType0
from .lead_update_external_ids_type_0 import LeadUpdateExternalIdsType0
from .limits import Limits
from .list_audit_log_resource_type_0 import ListAuditLogResourceType0
from .list_duplicates_status import ListDuplicatesStatus
from .list_lead_tasks_status_type_0 import ListLeadTasksStatusType0
from .list_leads_count_type_0 import ListLeadsCountType0
from .list_leads_include_archived_type_0 import ListLeadsIncludeArchivedType0
from .list_sla_breaches_status_type_0 import ListSlaBreachesStatusType0
from .list_source_submissions_status_type_0 import ListSourceSubmissionsStatusType0
from .list_tasks_sort import ListTasksSort
from .list_tasks_status_type_0 import ListTasksStatusType0
from .list_track_enrollments_status_type_0 import ListTrackEnrollmentsStatusType0
from .list_webhook_deliveries_status_type_0 import ListWebhookDeliveriesStatusType0
from .match_in import MatchIn
from .match_item import MatchItem
from .match_item_status import MatchItemStatus
from .match_out import MatchOut
from .matched_lead import MatchedLead
from .matched_lead_matched_on import MatchedLeadMatchedOn
from .merge_in import MergeIn
from .merged_pair import MergedPair
from .model_ref import ModelRef
from .move_stage import MoveStage
from .notify import Notify
from .notify_data import NotifyData
from .nurture_settings import NurtureSettings
from .nurture_settings_update import NurtureSettingsUpdate
from .out_of_office import OutOfOffice
from .outcome_in import OutcomeIn
from .owner import Owner
from .owner_create import OwnerCreate
from .owner_fairness import OwnerFairness
from .owner_figures import OwnerFigures
from .owner_list import OwnerList
from .owner_out_of_office_type_0 import OwnerOutOfOfficeType0
from .owner_speed import OwnerSpeed
from .owner_territories_item import OwnerTerritoriesItem
from .owner_update import OwnerUpdate
from .owners_report import OwnersReport
from .owners_report_filters import OwnersReportFilters
from .pipeline_in import PipelineIn
from .pipeline_out import PipelineOut
from .policy import Policy
from .policy_business_hours_type_0 import PolicyBusinessHoursType0
from .policy_create import PolicyCreate
from .policy_create_on_breach import PolicyCreateOnBreach
from .policy_create_when_type_0 import PolicyCreateWhenType0
from .policy_list import PolicyList
from .policy_on_breach import PolicyOnBreach
from .policy_update import PolicyUpdate
from .policy_update_on_breach import PolicyUpdateOnBreach
from .policy_update_when_type_0 import PolicyUpdateWhenType0
from .policy_when_type_0 import PolicyWhenType0
from .pool import Pool
from .population import Population
from .population_as_of import PopulationAsOf
from .preview_event import PreviewEvent
from .preview_event_properties import PreviewEventProperties
from .preview_in import PreviewIn
from .preview_in_model_type_0 import PreviewInModelType0
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .provider import Provider
from .provider_create import ProviderCreate
from .provider_create_headers import ProviderCreateHeaders
from .provider_create_kind import ProviderCreateKind
from .provider_create_mapping import ProviderCreateMapping
from .provider_create_when_type_0 import ProviderCreateWhenType0
from .provider_headers import ProviderHeaders
from .provider_kind import ProviderKind
from .provider_list import ProviderList
from .provider_mapping import ProviderMapping
from .provider_result import ProviderResult
from .provider_result_changes import ProviderResultChanges
from .provider_result_outcome import ProviderResultOutcome
from .provider_update import ProviderUpdate
from .provider_update_headers import ProviderUpdateHeaders
from .provider_update_mapping import ProviderUpdateMapping
from .provider_update_when_type_0 import ProviderUpdateWhenType0
from .provider_when_type_0 import ProviderWhenType0
from .quality_figures import QualityFigures
from .quality_figures_completeness import QualityFiguresCompleteness
from .rate_out import RateOut
from .reenroll_after import ReenrollAfter
from .reject_in import RejectIn
from .remove_tags import RemoveTags
from .report_settings_in import ReportSettingsIn
from .report_settings_out import ReportSettingsOut
from .route import Route
from .route_in import RouteIn
from .route_out import RouteOut
from .routing_preview_in import RoutingPreviewIn
from .routing_report import RoutingReport
from .routing_rule import RoutingRule
from .routing_rule_list import RoutingRuleList
from .routing_rule_pool import RoutingRulePool
from .routing_rule_strategy import RoutingRuleStrategy
from .routing_rule_tie_breaker import RoutingRuleTieBreaker
from .routing_rule_when_type_0 import RoutingRuleWhenType0
from .routing_settings import RoutingSettings
from .routing_settings_route_on import RoutingSettingsRouteOn
from .rule_create import RuleCreate
from .rule_create_strategy import RuleCreateStrategy
from .rule_create_tie_breaker_type_0 import RuleCreateTieBreakerType0
from .rule_create_when_type_0 import RuleCreateWhenType0
from .rule_evidence import RuleEvidence
from .rule_fairness import RuleFairness
from .rule_hit import RuleHit
from .rule_hit_evidence import RuleHitEvidence
from .rule_owner_figures import RuleOwnerFigures
from .rule_tried import RuleTried
from .rule_tried_outcome import RuleTriedOutcome
from .rule_update import RuleUpdate
from .rule_update_strategy import RuleUpdateStrategy
from .rule_update_tie_breaker import RuleUpdateTieBreaker
from .rule_update_when_type_0 import RuleUpdateWhenType0
from .score_adjustment import ScoreAdjustment
from .score_adjustment_in import ScoreAdjustmentIn
from .score_adjustment_list import ScoreAdjustmentList
from .score_adjustment_made import ScoreAdjustmentMade
from .score_bucket import ScoreBucket
from .score_change import ScoreChange
from .score_crossed_spec import ScoreCrossedSpec
from .score_crossed_spec_direction import ScoreCrossedSpecDirection
from .score_crossed_spec_field import ScoreCrossedSpecField
from .score_crossed_trigger import ScoreCrossedTrigger
from .score_figures import ScoreFigures
from .score_group import ScoreGroup
from .score_history import ScoreHistory
from .score_out import ScoreOut
from .scores_report import ScoresReport
from .scores_report_filters import ScoresReportFilters
from .scoring_model import ScoringModel
from .scoring_model_document import ScoringModelDocument
from .scoring_model_list import ScoringModelList
from .segment import Segment
from .segment_create import SegmentCreate
from .segment_create_when import SegmentCreateWhen
from .segment_entered_trigger import SegmentEnteredTrigger
from .segment_list import SegmentList
from .segment_member import SegmentMember
from .segment_member_list import SegmentMemberList
from .segment_update import SegmentUpdate
from .segment_update_when import SegmentUpdateWhen
from .segment_when import SegmentWhen
from .set_fields import SetFields
from .set_fields_fields import SetFieldsFields
from .skipped_owner import SkippedOwner
from .sla_figures import SlaFigures
from .sla_group import SlaGroup
from .sla_owner_figures import SlaOwnerFigures
from .sla_policy_figures import SlaPolicyFigures
from .sla_report import SlaReport
from .sla_report_filters import SlaReportFilters
from .source import Source
from .source_create import SourceCreate
from .source_create_kind import SourceCreateKind
from .source_create_mapping import SourceCreateMapping
from .source_defaults import SourceDefaults
from .source_figures import SourceFigures
from .source_group import SourceGroup
from .source_kind import SourceKind
from .source_list import SourceList
from .source_mapping import SourceMapping
from .source_quality import SourceQuality
from .source_quality_completeness import SourceQualityCompleteness
from .source_update import SourceUpdate
from .source_update_mapping import SourceUpdateMapping
from .source_with_secret import SourceWithSecret
from .source_with_secret_defaults import SourceWithSecretDefaults
from .source_with_secret_kind import SourceWithSecretKind
from .source_with_secret_mapping import SourceWithSecretMapping
from .sources_report import SourcesReport
from .sources_report_filters import SourcesReportFilters
from .speed_figures import SpeedFigures
from .speed_group import SpeedGroup
from .speed_report import SpeedReport
from .speed_report_filters import SpeedReportFilters
from .stage_change import StageChange
from .stage_change_list import StageChangeList
from .stage_in import StageIn
from .stage_in_category import StageInCategory
from .stage_move_in import StageMoveIn
from .stage_move_out import StageMoveOut
from .stage_out import StageOut
from .stage_out_category import StageOutCategory
from .stage_time import StageTime
from .step import Step
from .step_channel import StepChannel
from .step_skip_when_type_0 import StepSkipWhenType0
from .submission import Submission
from .submission_list import SubmissionList
from .submission_status import SubmissionStatus
from .subscription import Subscription
from .subscription_create import SubscriptionCreate
from .subscription_list import SubscriptionList
from .subscription_update import SubscriptionUpdate
from .subscription_with_secret import SubscriptionWithSecret
from .suggest_in import SuggestIn
from .suggest_in_as_of import SuggestInAsOf
from .suggest_in_compare_with_type_1 import SuggestInCompareWithType1
from .suggest_in_model_type_1 import SuggestInModelType1
from .suggest_out import SuggestOut
from .suggest_out_draft import SuggestOutDraft
from .task import Task
from .task_create import TaskCreate
from .task_create_type import TaskCreateType
from .task_list import TaskList
from .task_update import TaskUpdate
from .task_update_status import TaskUpdateStatus
from .task_update_type import TaskUpdateType
from .territory_in import TerritoryIn
from .time_to_customer import TimeToCustomer
from .timeline import Timeline
from .timeline_event import TimelineEvent
from .timeline_event_data import TimelineEventData
from .track import Track
from .track_create import TrackCreate
from .track_create_exit_when_type_0 import TrackCreateExitWhenType0
from .track_exit_when_type_0 import TrackExitWhenType0
from .track_figures import TrackFigures
from .track_figures_exit_reasons import TrackFiguresExitReasons
from .track_list import TrackList
from .track_reenroll_type_1 import TrackReenrollType1
from .track_steps_item import TrackStepsItem
from .track_update import TrackUpdate
from .track_update_exit_when_type_0 import TrackUpdateExitWhenType0
from .tracked_event_in import TrackedEventIn
from .tracked_event_in_properties import TrackedEventInProperties
from .unenroll import Unenroll
from .velocity_figures import VelocityFigures
from .velocity_group import VelocityGroup
from .velocity_report import VelocityReport
from .velocity_report_filters import VelocityReportFilters

__all__ = (
    "AcceptIn",
    "ActionResult",
    "ActionResultChangesType0",
    "ActionResultStatus",
    "ActivationFigures",
    "ActivationGroup",
    "ActivationReport",
    "ActivationReportFilters",
    "AddTags",
    "AdjustScore",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyCreatedScopesItem",
    "ApiKeyCreateScopesItem",
    "ApiKeyList",
    "ApiKeyScopesItem",
    "ApiKeyUpdate",
    "Assign",
    "Assignment",
    "AssignmentBy",
    "AssignmentExplanation",
    "AssignmentList",
    "AssignmentSlaStateType0",
    "AssignmentSpeed",
    "AuditEntry",
    "AuditEntryAction",
    "AuditEntryAfterType0",
    "AuditEntryBeforeType0",
    "AuditEntryList",
    "AuditEntryResource",
    "Automation",
    "AutomationActionsItem",
    "AutomationCreate",
    "AutomationCreateWhenType0",
    "AutomationLimits",
    "AutomationList",
    "AutomationPreview",
    "AutomationPreviewEvent",
    "AutomationPreviewEventData",
    "AutomationPreviewIn",
    "AutomationRun",
    "AutomationRunList",
    "AutomationRunStatus",
    "AutomationTrigger",
    "AutomationUpdate",
    "AutomationUpdateWhenType0",
    "AutomationWhenType0",
    "BacktestIn",
    "BacktestInAsOf",
    "BacktestInCompareWithType1",
    "BacktestInModelType1",
    "BacktestOut",
    "BacktestResult",
    "BandFigures",
    "BandOut",
    "BandRow",
    "Breach",
    "BreachAction",
    "BreachList",
    "BusinessHours",
    "BusinessHoursDaysItem",
    "CalibrationRow",
    "CandidateLead",
    "CandidateLeadReasonsItem",
    "ChangedBy",
    "ChangedByKind",
    "Coefficient",
    "CompanySize",
    "Consent",
    "ConsentConfirm",
    "ConsentCreate",
    "ConsentCreateStatus",
    "ConsentList",
    "ConsentProof",
    "ConsentProofType0",
    "ConsentSettingsIn",
    "ConsentSettingsInSuppressedCapture",
    "ConsentSettingsOut",
    "CreateImportDedupe",
    "CreateImportFormatType0",
    "CreateScoringModelDocument",
    "CreateTask",
    "CreateTaskTaskType",
    "DataQualityReport",
    "Decision",
    "DecisionReasonType0",
    "DecisionWeightsType0",
    "DedupePolicy",
    "DedupePolicyIn",
    "DedupePolicyInKeysItem",
    "DedupePolicyInMode",
    "DedupePolicyInSources",
    "DedupePolicyKeysItem",
    "DedupePolicyMode",
    "DedupePolicySources",
    "DedupeRule",
    "DedupeRuleKeysItem",
    "DedupeRuleMode",
    "Defaults",
    "DefaultsAttributes",
    "Delivery",
    "DeliveryList",
    "DeliveryPayload",
    "DeliveryStatus",
    "DuplicatePair",
    "DuplicatePairFlaggedOnType0",
    "DuplicatePairList",
    "DuplicatePairReasonsItem",
    "DuplicatePairStatus",
    "EnrichResult",
    "Enroll",
    "Enrollment",
    "EnrollmentAction",
    "EnrollmentCreate",
    "EnrollmentList",
    "EnrollmentStatus",
    "Event",
    "EventBatchIn",
    "EventBatchItem",
    "EventBatchItemErrorsType0Item",
    "EventBatchItemStatus",
    "EventBatchOut",
    "EventIn",
    "EventInProperties",
    "EventProperties",
    "EventTrigger",
    "FairnessTotal",
    "FeedEvent",
    "FeedEventData",
    "FeedPage",
    "FieldMessage",
    "FieldSource",
    "FunnelFigures",
    "FunnelGroup",
    "FunnelRates",
    "FunnelReport",
    "FunnelReportFilters",
    "FunnelStage",
    "GroupBy",
    "HealthzResponseHealthz",
    "HookReply",
    "HygieneSettings",
    "HygieneSettingsIn",
    "Import",
    "ImportFormat",
    "ImportList",
    "ImportOptions",
    "ImportOptionsDedupe",
    "ImportOptionsMappingType0",
    "ImportStatus",
    "InactiveTrigger",
    "InstalledDefault",
    "InstalledDefaultKind",
    "InstalledDefaults",
    "IntentFigures",
    "IntentSpikeSpec",
    "IntentSpikeTrigger",
    "Job",
    "JobParams",
    "JobProgress",
    "JobResultType0",
    "JobStatus",
    "Lead",
    "LeadAttributes",
    "LeadBatchIn",
    "LeadBatchItem",
    "LeadBatchItemStatus",
    "LeadBatchOut",
    "LeadCaptured",
    "LeadCapturedAttributes",
    "LeadCapturedExternalIds",
    "LeadCapturedSeniority",
    "LeadCreate",
    "LeadCreateAttributesType0",
    "LeadCreateExternalIdsType0",
    "LeadDetail",
    "LeadDetailAttributes",
    "LeadDetailExternalIds",
    "LeadDetailProvenanceType0",
    "LeadDetailSeniority",
    "LeadExport",
    "LeadExportAssignmentsItem",
    "LeadExportConsentsItem",
    "LeadExportEnrollmentsItem",
    "LeadExportEventsItem",
    "LeadExportExternalIds",
    "LeadExportLead",
    "LeadExportProvenance",
    "LeadExportScoreAdjustmentsItem",
    "LeadExportStageChangesItem",
    "LeadExportTasksItem",
    "LeadExternalIds",
    "LeadExternalRef",
    "LeadFields",
    "LeadFieldsAttributesType0",
    "LeadFieldsExternalIdsType0",
    "LeadList",
    "LeadScore",
    "LeadSeniority",
    "LeadSpeed",
    "LeadUpdate",
    "LeadUpdateAttributesType0",
    "LeadUpdateExternalIdsType0",
    "Limits",
    "ListAuditLogResourceType0",
    "ListDuplicatesStatus",
    "ListLeadsCountType0",
    "ListLeadsIncludeArchivedType0",
    "ListLeadTasksStatusType0",
    "ListSlaBreachesStatusType0",
    "ListSourceSubmissionsStatusType0",
    "ListTasksSort",
    "ListTasksStatusType0",
    "ListTrackEnrollmentsStatusType0",
    "ListWebhookDeliveriesStatusType0",
    "MatchedLead",
    "MatchedLeadMatchedOn",
    "MatchIn",
    "MatchItem",
    "MatchItemStatus",
    "MatchOut",
    "MergedPair",
    "MergeIn",
    "ModelRef",
    "MoveStage",
    "Notify",
    "NotifyData",
    "NurtureSettings",
    "NurtureSettingsUpdate",
    "OutcomeIn",
    "OutOfOffice",
    "Owner",
    "OwnerCreate",
    "OwnerFairness",
    "OwnerFigures",
    "OwnerList",
    "OwnerOutOfOfficeType0",
    "OwnerSpeed",
    "OwnersReport",
    "OwnersReportFilters",
    "OwnerTerritoriesItem",
    "OwnerUpdate",
    "PipelineIn",
    "PipelineOut",
    "Policy",
    "PolicyBusinessHoursType0",
    "PolicyCreate",
    "PolicyCreateOnBreach",
    "PolicyCreateWhenType0",
    "PolicyList",
    "PolicyOnBreach",
    "PolicyUpdate",
    "PolicyUpdateOnBreach",
    "PolicyUpdateWhenType0",
    "PolicyWhenType0",
    "Pool",
    "Population",
    "PopulationAsOf",
    "PreviewEvent",
    "PreviewEventProperties",
    "PreviewIn",
    "PreviewInModelType0",
    "Problem",
    "ProblemErrorsItem",
    "Provider",
    "ProviderCreate",
    "ProviderCreateHeaders",
    "ProviderCreateKind",
    "ProviderCreateMapping",
    "ProviderCreateWhenType0",
    "ProviderHeaders",
    "ProviderKind",
    "ProviderList",
    "ProviderMapping",
    "ProviderResult",
    "ProviderResultChanges",
    "ProviderResultOutcome",
    "ProviderUpdate",
    "ProviderUpdateHeaders",
    "ProviderUpdateMapping",
    "ProviderUpdateWhenType0",
    "ProviderWhenType0",
    "QualityFigures",
    "QualityFiguresCompleteness",
    "RateOut",
    "ReenrollAfter",
    "RejectIn",
    "RemoveTags",
    "ReportSettingsIn",
    "ReportSettingsOut",
    "Route",
    "RouteIn",
    "RouteOut",
    "RoutingPreviewIn",
    "RoutingReport",
    "RoutingRule",
    "RoutingRuleList",
    "RoutingRulePool",
    "RoutingRuleStrategy",
    "RoutingRuleTieBreaker",
    "RoutingRuleWhenType0",
    "RoutingSettings",
    "RoutingSettingsRouteOn",
    "RuleCreate",
    "RuleCreateStrategy",
    "RuleCreateTieBreakerType0",
    "RuleCreateWhenType0",
    "RuleEvidence",
    "RuleFairness",
    "RuleHit",
    "RuleHitEvidence",
    "RuleOwnerFigures",
    "RuleTried",
    "RuleTriedOutcome",
    "RuleUpdate",
    "RuleUpdateStrategy",
    "RuleUpdateTieBreaker",
    "RuleUpdateWhenType0",
    "ScoreAdjustment",
    "ScoreAdjustmentIn",
    "ScoreAdjustmentList",
    "ScoreAdjustmentMade",
    "ScoreBucket",
    "ScoreChange",
    "ScoreCrossedSpec",
    "ScoreCrossedSpecDirection",
    "ScoreCrossedSpecField",
    "ScoreCrossedTrigger",
    "ScoreFigures",
    "ScoreGroup",
    "ScoreHistory",
    "ScoreOut",
    "ScoresReport",
    "ScoresReportFilters",
    "ScoringModel",
    "ScoringModelDocument",
    "ScoringModelList",
    "Segment",
    "SegmentCreate",
    "SegmentCreateWhen",
    "SegmentEnteredTrigger",
    "SegmentList",
    "SegmentMember",
    "SegmentMemberList",
    "SegmentUpdate",
    "SegmentUpdateWhen",
    "SegmentWhen",
    "SetFields",
    "SetFieldsFields",
    "SkippedOwner",
    "SlaFigures",
    "SlaGroup",
    "SlaOwnerFigures",
    "SlaPolicyFigures",
    "SlaReport",
    "SlaReportFilters",
    "Source",
    "SourceCreate",
    "SourceCreateKind",
    "SourceCreateMapping",
    "SourceDefaults",
    "SourceFigures",
    "SourceGroup",
    "SourceKind",
    "SourceList",
    "SourceMapping",
    "SourceQuality",
    "SourceQualityCompleteness",
    "SourcesReport",
    "SourcesReportFilters",
    "SourceUpdate",
    "SourceUpdateMapping",
    "SourceWithSecret",
    "SourceWithSecretDefaults",
    "SourceWithSecretKind",
    "SourceWithSecretMapping",
    "SpeedFigures",
    "SpeedGroup",
    "SpeedReport",
    "SpeedReportFilters",
    "StageChange",
    "StageChangeList",
    "StageIn",
    "StageInCategory",
    "StageMoveIn",
    "StageMoveOut",
    "StageOut",
    "StageOutCategory",
    "StageTime",
    "Step",
    "StepChannel",
    "StepSkipWhenType0",
    "Submission",
    "SubmissionList",
    "SubmissionStatus",
    "Subscription",
    "SubscriptionCreate",
    "SubscriptionList",
    "SubscriptionUpdate",
    "SubscriptionWithSecret",
    "SuggestIn",
    "SuggestInAsOf",
    "SuggestInCompareWithType1",
    "SuggestInModelType1",
    "SuggestOut",
    "SuggestOutDraft",
    "Task",
    "TaskCreate",
    "TaskCreateType",
    "TaskList",
    "TaskUpdate",
    "TaskUpdateStatus",
    "TaskUpdateType",
    "TerritoryIn",
    "Timeline",
    "TimelineEvent",
    "TimelineEventData",
    "TimeToCustomer",
    "Track",
    "TrackCreate",
    "TrackCreateExitWhenType0",
    "TrackedEventIn",
    "TrackedEventInProperties",
    "TrackExitWhenType0",
    "TrackFigures",
    "TrackFiguresExitReasons",
    "TrackList",
    "TrackReenrollType1",
    "TrackStepsItem",
    "TrackUpdate",
    "TrackUpdateExitWhenType0",
    "Unenroll",
    "VelocityFigures",
    "VelocityGroup",
    "VelocityReport",
    "VelocityReportFilters",
)
