"""AWS Config: a recorder of every resource type, delivering snapshots, and switched on."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import flag_on, list_schema, one_of
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("config", "AWS Config", "The configuration recorder, its status and delivery channel.")

RECORDER = SERVICE.resource_type("aws:cfg/recorder:Recorder", kind="configuration recorder")
RECORDER_STATUS = SERVICE.resource_type("aws:cfg/recorderStatus:RecorderStatus", kind="recorder status")
DELIVERY_CHANNEL = SERVICE.resource_type("aws:cfg/deliveryChannel:DeliveryChannel", kind="delivery channel")
FREQUENCIES = ["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]

_all_supported = flag_on("recordingGroup.allSupported", "only the listed resource types are recorded", default=True)
_global_types = flag_on("recordingGroup.includeGlobalResourceTypes", "IAM and other global resources are not recorded")


@SERVICE.resource_policy(
    name="config-recorder-all-resources", types=[RECORDER], severity="high", criteria=["CC7.1", "CC3.4"],
    description="AWS Config records every supported resource type, global ones included.",
    remediation="Set recording_group={'all_supported': True, 'include_global_resource_types': True} on the "
                "aws.cfg.Recorder (in one region per account for global types).")
def _all_resources(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    yield from _all_supported(r, config)
    yield from _global_types(r, config)


@SERVICE.stack_policy(
    name="config-recorder-active", severity="high", criteria=["CC7.1", "CC4.1"],
    description="The stack has an AWS Config recorder with a delivery channel, switched on.",
    remediation="Add an aws.cfg.Recorder, an aws.cfg.DeliveryChannel and an aws.cfg.RecorderStatus with "
                "is_enabled=True (AuditLogging does). Disable this policy in stacks whose account is recorded by a "
                "recorder managed elsewhere.",
    examines=[RECORDER, RECORDER_STATUS, DELIVERY_CHANNEL])
def _recording(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    recorders = stack.of_type(RECORDER)
    missing = [what for what, present in [
        ("configuration recorder (aws.cfg.Recorder)", recorders),
        ("delivery channel (aws.cfg.DeliveryChannel)", stack.of_type(DELIVERY_CHANNEL)),
        ("RecorderStatus with is_enabled=True",
         [s for s in stack.of_type(RECORDER_STATUS) if s.peek("isEnabled") is True]),
    ] if not present]
    if missing:
        yield (f"AWS Config is not recording configuration changes: the stack has no {', no '.join(missing)}",
               recorders[0].urn if recorders else "")


SERVICE.resource_policy(
    name="config-recorderstatus-enabled", types=[RECORDER_STATUS], severity="high", criteria=["CC7.1"],
    description="The AWS Config recorder is running.",
    remediation="Set is_enabled=True on the aws.cfg.RecorderStatus (after the delivery channel exists).",
)(flag_on("isEnabled", "the recorder is stopped"))

SERVICE.resource_policy(
    name="config-deliverychannel-snapshot-frequency", types=[DELIVERY_CHANNEL], severity="low", criteria=["CC7.1"],
    description="AWS Config delivers configuration snapshots on a schedule.",
    remediation="Set snapshot_delivery_properties={'delivery_frequency': 'TwentyFour_Hours'} (or more often).",
    config={"allowed": list_schema(FREQUENCIES, "Accepted snapshot delivery frequencies.")},
)(one_of("snapshotDeliveryProperties.deliveryFrequency", "allowed",
  "configuration snapshots are not delivered on an accepted schedule"))
