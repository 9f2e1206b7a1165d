"""The contract of installing the activation defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class InstalledDefault(BaseModel):
    template: str = Field(description="Which default: its key.", examples=["intent_spike_call_task"])
    kind: Literal["automation", "track"]
    id: str = Field(description="The automation or track it made.")
    name: str
    installed: bool = Field(
        description="True: this call installed it; false: the workspace had it already (since its "
        "creation or an earlier call), as it is now or deleted since."
    )


class InstalledDefaults(BaseModel):
    data: list[InstalledDefault]
