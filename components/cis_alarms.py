"""The CIS AWS Foundations metric filters: CloudTrail events that must raise an alarm (CC7.2).

Patterns follow the CIS benchmark's monitoring section, one per line of the SOC 2 brief.
"""

from __future__ import annotations


def _any_event(*names: str, source: str | None = None) -> str:
    events = " || ".join(f"($.eventName = {n})" for n in names)
    return f"{{($.eventSource = {source}) && ({events})}}" if source else f"{{{events}}}"


CIS_FILTERS: dict[str, str] = {
    "unauthorized-api-calls": '{($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")}',
    "console-signin-without-mfa": '{($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
                                  '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success")}',
    "root-account-usage": '{$.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                          '$.eventType != "AwsServiceEvent"}',
    "iam-policy-changes": _any_event(
        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
        "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
        "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
        "DetachGroupPolicy"),
    "cloudtrail-changes": _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    "console-signin-failures": '{($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication")}',
    "kms-key-disable-or-delete": _any_event("DisableKey", "ScheduleKeyDeletion", source="kms.amazonaws.com"),
    "s3-bucket-policy-changes": _any_event(
        "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
        "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
        source="s3.amazonaws.com"),
    "config-changes": _any_event("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                                 "PutConfigurationRecorder", source="config.amazonaws.com"),
    "security-group-changes": _any_event(
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
    "nacl-changes": _any_event("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                               "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
    "network-gateway-changes": _any_event("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                                          "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"),
    "route-table-changes": _any_event("CreateRoute", "CreateRouteTable", "ReplaceRoute",
                                      "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute",
                                      "DisassociateRouteTable", source="ec2.amazonaws.com"),
    "vpc-changes": _any_event("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                              "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
                              "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                              "DisableVpcClassicLink", "EnableVpcClassicLink"),
    "organizations-changes": _any_event(
        "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
        "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
        "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
        "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit",
        source="organizations.amazonaws.com"),
}
