from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.add_tags import AddTags
    from ..models.adjust_score import AdjustScore
    from ..models.assign import Assign
    from ..models.automation_create_when_type_0 import AutomationCreateWhenType0
    from ..models.create_task import CreateTask
    from ..models.enroll import Enroll
    from ..models.event_trigger import EventTrigger
    from ..models.inactive_trigger import InactiveTrigger
    from ..models.intent_spike_trigger import IntentSpikeTrigger
    from ..models.limits import Limits
    from ..models.move_stage import MoveStage
    from ..models.notify import Notify
    from ..models.remove_tags import RemoveTags
    from ..models.route import Route
    from ..models.score_crossed_trigger import ScoreCrossedTrigger
    from ..models.segment_entered_trigger import SegmentEnteredTrigger
    from ..models.set_fields import SetFields
    from ..models.unenroll import Unenroll


T = TypeVar("T", bound="AutomationCreate")


@_attrs_define
class AutomationCreate:
    """
    Attributes:
        actions (list[AddTags | AdjustScore | Assign | CreateTask | Enroll | MoveStage | Notify | RemoveTags | Route |
            SetFields | Unenroll]):
        name (str):
        trigger (EventTrigger | InactiveTrigger | IntentSpikeTrigger | ScoreCrossedTrigger | SegmentEnteredTrigger):
        active (bool | None | Unset): Only active automations run (default true).
        limits (Limits | None | Unset):
        when (AutomationCreateWhenType0 | None | Unset): A condition (as in scoring and routing) over the lead (`band`,
            `stage`, `tags`, `attributes.x`...) and the triggering event (`event.type`, `event.properties.x`,
            `event.data.x`); null: always.
    """

    actions: list[
        AddTags
        | AdjustScore
        | Assign
        | CreateTask
        | Enroll
        | MoveStage
        | Notify
        | RemoveTags
        | Route
        | SetFields
        | Unenroll
    ]
    name: str
    trigger: EventTrigger | InactiveTrigger | IntentSpikeTrigger | ScoreCrossedTrigger | SegmentEnteredTrigger
    active: bool | None | Unset = UNSET
    limits: Limits | None | Unset = UNSET
    when: AutomationCreateWhenType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.add_tags import AddTags  # noqa: PLC0415
        from ..models.adjust_score import AdjustScore  # noqa: PLC0415
        from ..models.assign import Assign  # noqa: PLC0415
        from ..models.automation_create_when_type_0 import AutomationCreateWhenType0  # noqa: PLC0415
        from ..models.create_task import CreateTask  # noqa: PLC0415
        from ..models.enroll import Enroll  # noqa: PLC0415
        from ..models.event_trigger import EventTrigger  # noqa: PLC0415
        from ..models.inactive_trigger import InactiveTrigger  # noqa: PLC0415
        from ..models.intent_spike_trigger import IntentSpikeTrigger  # noqa: PLC0415
        from ..models.limits import Limits  # noqa: PLC0415
        from ..models.move_stage import MoveStage  # noqa: PLC0415
        from ..models.notify import Notify  # noqa: PLC0415
        from ..models.remove_tags import RemoveTags  # noqa: PLC0415
        from ..models.route import Route  # noqa: PLC0415
        from ..models.score_crossed_trigger import ScoreCrossedTrigger  # noqa: PLC0415
        from ..models.set_fields import SetFields  # noqa: PLC0415

        actions = []
        for actions_item_data in self.actions:
            actions_item: dict[str, Any]
            if isinstance(actions_item_data, AddTags):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, RemoveTags):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, SetFields):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, MoveStage):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, Assign):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, Route):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, Notify):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, CreateTask):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, AdjustScore):
                actions_item = actions_item_data.to_dict()
            elif isinstance(actions_item_data, Enroll):
                actions_item = actions_item_data.to_dict()
            else:
                actions_item = actions_item_data.to_dict()

            actions.append(actions_item)

        name = self.name

        trigger: dict[str, Any]
        if isinstance(self.trigger, EventTrigger):
            trigger = self.trigger.to_dict()
        elif isinstance(self.trigger, ScoreCrossedTrigger):
            trigger = self.trigger.to_dict()
        elif isinstance(self.trigger, IntentSpikeTrigger):
            trigger = self.trigger.to_dict()
        elif isinstance(self.trigger, InactiveTrigger):
            trigger = self.trigger.to_dict()
        else:
            trigger = self.trigger.to_dict()

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        limits: dict[str, Any] | None | Unset
        if isinstance(self.limits, Unset):
            limits = UNSET
        elif isinstance(self.limits, Limits):
            limits = self.limits.to_dict()
        else:
            limits = self.limits

        when: dict[str, Any] | None | Unset
        if isinstance(self.when, Unset):
            when = UNSET
        elif isinstance(self.when, AutomationCreateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "actions": actions,
                "name": name,
                "trigger": trigger,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if limits is not UNSET:
            field_dict["limits"] = limits
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.add_tags import AddTags  # noqa: PLC0415
        from ..models.adjust_score import AdjustScore  # noqa: PLC0415
        from ..models.assign import Assign  # noqa: PLC0415
        from ..models.automation_create_when_type_0 import AutomationCreateWhenType0  # noqa: PLC0415
        from ..models.create_task import CreateTask  # noqa: PLC0415
        from ..models.enroll import Enroll  # noqa: PLC0415
        from ..models.event_trigger import EventTrigger  # noqa: PLC0415
        from ..models.inactive_trigger import InactiveTrigger  # noqa: PLC0415
        from ..models.intent_spike_trigger import IntentSpikeTrigger  # noqa: PLC0415
        from ..models.limits import Limits  # noqa: PLC0415
        from ..models.move_stage import MoveStage  # noqa: PLC0415
        from ..models.notify import Notify  # noqa: PLC0415
        from ..models.remove_tags import RemoveTags  # noqa: PLC0415
        from ..models.route import Route  # noqa: PLC0415
        from ..models.score_crossed_trigger import ScoreCrossedTrigger  # noqa: PLC0415
        from ..models.segment_entered_trigger import SegmentEnteredTrigger  # noqa: PLC0415
        from ..models.set_fields import SetFields  # noqa: PLC0415
        from ..models.unenroll import Unenroll  # noqa: PLC0415

        d = dict(src_dict)
        actions = []
        _actions = d.pop("actions")
        for actions_item_data in _actions:

            def _parse_actions_item(
                data: object,
            ) -> (
                AddTags
                | AdjustScore
                | Assign
                | CreateTask
                | Enroll
                | MoveStage
                | Notify
                | RemoveTags
                | Route
                | SetFields
                | Unenroll
            ):
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_0 = AddTags.from_dict(data)

                    return actions_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_1 = RemoveTags.from_dict(data)

                    return actions_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_2 = SetFields.from_dict(data)

                    return actions_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_3 = MoveStage.from_dict(data)

                    return actions_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_4 = Assign.from_dict(data)

                    return actions_item_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_5 = Route.from_dict(data)

                    return actions_item_type_5
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_6 = Notify.from_dict(data)

                    return actions_item_type_6
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_7 = CreateTask.from_dict(data)

                    return actions_item_type_7
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_8 = AdjustScore.from_dict(data)

                    return actions_item_type_8
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    actions_item_type_9 = Enroll.from_dict(data)

                    return actions_item_type_9
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                actions_item_type_10 = Unenroll.from_dict(data)

                return actions_item_type_10

            actions_item = _parse_actions_item(actions_item_data)

            actions.append(actions_item)

        name = d.pop("name")

        def _parse_trigger(
            data: object,
        ) -> EventTrigger | InactiveTrigger | IntentSpikeTrigger | ScoreCrossedTrigger | SegmentEnteredTrigger:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                trigger_type_0 = EventTrigger.from_dict(data)

                return trigger_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                trigger_type_1 = ScoreCrossedTrigger.from_dict(data)

                return trigger_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                trigger_type_2 = IntentSpikeTrigger.from_dict(data)

                return trigger_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                trigger_type_3 = InactiveTrigger.from_dict(data)

                return trigger_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            trigger_type_4 = SegmentEnteredTrigger.from_dict(data)

            return trigger_type_4

        trigger = _parse_trigger(d.pop("trigger"))

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_limits(data: object) -> Limits | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                limits_type_0 = Limits.from_dict(data)

                return limits_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Limits | None | Unset, data)

        limits = _parse_limits(d.pop("limits", UNSET))

        def _parse_when(data: object) -> AutomationCreateWhenType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = AutomationCreateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AutomationCreateWhenType0 | None | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        automation_create = cls(
            actions=actions,
            name=name,
            trigger=trigger,
            active=active,
            limits=limits,
            when=when,
        )

        return automation_create
