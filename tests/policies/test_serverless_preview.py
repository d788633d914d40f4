"""Serverless policies at preview: a verdict that hangs on a value computed at deploy is reported as not
evaluated (never as a pass), and messages about credentials name the key, never the value."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from tests.policies.cases_lambda import function
from tests.policies.harness import analyze

PASSWORD = "correct-horse-battery-staple"
TOKEN = "sk_live_abcdefghijklmnopqrstuvwx"


def computed_queue_policy() -> None:
    jobs = aws.sqs.Queue("jobs")
    aws.sqs.QueuePolicy("jobs-policy", queue_url=jobs.url, policy=pulumi.Output.json_dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                                                "Resource": jobs.arn}]}))


def computed_bus_policy() -> None:
    bus = aws.cloudwatch.EventBus("orders", name="orders")
    document = bus.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents", "Resource": arn}]}))
    aws.cloudwatch.EventBusPolicy("orders-policy", event_bus_name=bus.name, policy=document)


def computed_credential() -> None:
    key = aws.iam.AccessKey("ci", user="ci")
    function(environment={"variables": {"AWS_SECRET_ACCESS_KEY": key.secret}})


@pytest.mark.parametrize("build, policy", [
    (computed_queue_policy, "sqs-queuepolicy-no-public-access"),
    (computed_queue_policy, "sqs-queuepolicy-tls-only"),
    (computed_bus_policy, "eventbridge-eventbus-policy-not-public"),
    (computed_credential, "lambda-function-no-secrets-in-environment"),
])
def test_a_verdict_computed_at_deploy_is_not_evaluated_at_preview(soc2_pack, build, policy):
    findings = [f for f in analyze(soc2_pack, build) if f.policy == policy]
    assert [f.kind for f in findings] == ["not-evaluated"], [(f.kind, f.detail) for f in findings]


def plaintext_credentials() -> None:
    function(environment={"variables": {"DB_PASSWORD": PASSWORD, "STRIPE_API_KEY": pulumi.Output.secret(TOKEN)}})


def test_credential_findings_name_the_key_and_never_the_value(soc2_pack):
    findings = [f for f in analyze(soc2_pack, plaintext_credentials)
                if f.policy == "lambda-function-no-secrets-in-environment"]
    assert sorted(f.detail.split(" holds")[0] for f in findings) == [
        "environment.variables.DB_PASSWORD", "environment.variables.STRIPE_API_KEY"]
    assert not any(PASSWORD in f.detail or TOKEN in f.detail for f in analyze(soc2_pack, plaintext_credentials))
