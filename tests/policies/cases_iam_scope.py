"""IAM least-privilege cases by action, on every carrier of a permissions document: managed policies (JSON
strings and Output.json_dumps), role, group and user inline policies, and roles' inline_policies."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
BUCKET = "arn:aws:s3:::acme-uploads"
WRITE_ANY_OBJECT = {"Sid": "Uploads", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "*"}
WRITE_OWN_OBJECTS = {**WRITE_ANY_OBJECT, "Resource": f"{BUCKET}/*"}
TRACES = {"Sid": "Traces", "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords",
                                                         "ecr:GetAuthorizationToken"], "Resource": "*"}
DESCRIBE = {"Sid": "Describe", "Effect": "Allow", "Action": ["ec2:Describe*", "logs:Describe*"], "Resource": "*"}
TAGGED = {"Sid": "TaggedOnly", "Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*",
          "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}}
EC2_ALL = {"Sid": "Ec2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
EVERYTHING_BUT_IAM = {"Sid": "NotIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
READ_SECRETS = {"Sid": "Secrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameter*"],
                "Resource": "*"}
READ_OWN_SECRET = {**READ_SECRETS, "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/*"}
READ_ANY_OBJECT = {"Sid": "ReadAll", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}
PASS_ROLE = {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
ADMIN = {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def carrier(kind: str, *statements: dict[str, Any]) -> Build:
    def build() -> None:
        if kind == "policy":
            aws.iam.Policy("app", policy=document(*statements))
        elif kind == "output-policy":
            bucket = aws.s3.Bucket("uploads", bucket="acme-uploads")
            aws.iam.Policy("app", policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [
                {**s, "Resource": pulumi.Output.concat(bucket.arn, "/*")} if s.get("Resource") == f"{BUCKET}/*" else s
                for s in statements]}))
        elif kind == "role-policy":
            role = aws.iam.Role("app", assume_role_policy=TRUST)
            aws.iam.RolePolicy("app", role=role.id, policy=document(*statements))
        elif kind == "user-policy":
            user = aws.iam.User("ci", name="ci", force_destroy=True)
            aws.iam.UserPolicy("ci", user=user.name, policy=document(*statements))
        elif kind == "group-policy":
            group = aws.iam.Group("ops", name="ops")
            aws.iam.GroupPolicy("ops", group=group.name, policy=document(*statements))
        elif kind == "role-inline":
            aws.iam.Role("app", assume_role_policy=TRUST, inline_policies=[{"name": "app", "policy": document(*statements)}])
    return named(f"carrier({kind}, {[s.get('Sid') for s in statements]})", build)


CASES = [
    Case("iam-policy-no-unconstrained-write", carrier("policy", WRITE_OWN_OBJECTS, TRACES, DESCRIBE),
         carrier("policy", WRITE_ANY_OBJECT),
         "policy: statement 'Uploads' allows 2 write or permissions-management action(s) that can be scoped to ARNs "
         "on every resource ('*') with no condition: s3:DeleteObject, s3:PutObject"),
    Case("iam-policy-no-unconstrained-write", carrier("output-policy", WRITE_OWN_OBJECTS),
         carrier("output-policy", WRITE_ANY_OBJECT), "s3:DeleteObject, s3:PutObject", mode="resolved"),
    Case("iam-policy-no-unconstrained-write", carrier("role-policy", TAGGED), carrier("role-policy", EC2_ALL),
         "statement 'Ec2' allows "),
    Case("iam-policy-no-unconstrained-write", carrier("user-policy", DESCRIBE), carrier("user-policy", PASS_ROLE),
         "iam:PassRole"),
    Case("iam-policy-no-unconstrained-write", carrier("group-policy", TRACES),
         carrier("group-policy", EVERYTHING_BUT_IAM), "and "),
    Case("iam-policy-no-unconstrained-write", carrier("role-inline", WRITE_OWN_OBJECTS), carrier("role-inline", ADMIN),
         "inlinePolicies[0]: statement 'Admin' allows every action ('*'), writes included"),
    Case("iam-policy-no-unconstrained-data-read", carrier("policy", READ_OWN_SECRET, TRACES),
         carrier("policy", READ_SECRETS),
         "statement 'Secrets' allows secretsmanager:GetSecretValue, ssm:GetParameter, ssm:GetParameters, "
         "ssm:GetParametersByPath on every resource ('*') with no condition"),
    Case("iam-policy-no-unconstrained-data-read", carrier("role-inline", DESCRIBE), carrier("role-inline", READ_ANY_OBJECT),
         "inlinePolicies[0]: statement 'ReadAll' allows s3:GetObject, s3:GetObjectVersion"),
    Case("iam-policy-no-unconstrained-data-read", carrier("user-policy", READ_OWN_SECRET),
         carrier("user-policy", EVERYTHING_BUT_IAM), "statement 'NotIam' allows"),
    Case("iam-policy-no-unconstrained-data-read", carrier("group-policy", READ_SECRETS),
         carrier("group-policy", READ_ANY_OBJECT), "allows s3:GetObject on every resource",
         config={"iam-policy-no-unconstrained-data-read": {"actions": ["s3:GetObject"]}}),
    # The carrier the wildcard and escalation checks used to miss.
    Case("iam-policy-no-wildcard-admin", carrier("user-policy", DESCRIBE), carrier("user-policy", ADMIN),
         "policy: statement 'Admin' allows every action ('*') on every resource ('*')"),
    Case("iam-policy-no-privilege-escalation", carrier("user-policy", WRITE_OWN_OBJECTS), carrier("user-policy", PASS_ROLE),
         "statement 'Pass' allows iam:PassRole on every resource ('*')"),
]
