"""TLS load balancer and monitoring: listeners, hardening, WAF, alarms with actions."""

from __future__ import annotations

import json

from components.load_balancer import TlsLoadBalancer
from components.monitoring import Monitoring
from preflight import properties as props
from tests.components.helpers import KEY_ARN, capture, named, of_type, one

LB_ARGS = {"vpc_id": "vpc-1", "vpc_cidr": "10.0.0.0/16", "public_subnet_ids": ["subnet-a", "subnet-b"],
           "domain_name": "app.example.com", "account_id": "123456789012", "region": "us-east-1",
           "log_bucket_name": "lb-logs", "server_access_log_bucket": "access-logs", "log_kms_key_arn": KEY_ARN,
           "log_retention_days": 365, "hosted_zone_id": "Z123"}


def build_lb(**extra) -> None:
    TlsLoadBalancer("web", {**LB_ARGS, **extra})


def test_https_listener_uses_tls13_by_default_and_http_only_redirects():
    listeners = {r.inputs["port"]: r.inputs for r in of_type(capture(build_lb), "aws:lb/listener:Listener")}
    assert listeners[443]["protocol"] == "HTTPS"
    assert listeners[443]["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listeners[443]["certificateArn"] == props.UNKNOWN  # from the DNS-validated certificate
    assert listeners[80]["defaultActions"] == [{"type": "redirect", "redirect": {
        "protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]


def test_load_balancer_hardening_and_access_logs_to_an_sse_s3_bucket():
    result = capture(build_lb)
    balancer = one(result, "aws:lb/loadBalancer:LoadBalancer").inputs
    assert balancer["dropInvalidHeaderFields"] is True and balancer["desyncMitigationMode"] == "strictest"
    assert balancer["enableDeletionProtection"] is True and balancer["accessLogs"]["enabled"] is True
    sse = named(result, "web-access-logs-encryption").inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert sse == {"sseAlgorithm": "AES256"}
    policy = json.loads(named(result, "web-access-logs-policy").inputs["policy"])
    assert {s["Sid"] for s in policy["Statement"]} == {"DenyInsecureTransport", "ElbLogDeliveryService",
                                                        "ElbLogDeliveryAccount"}


def test_the_security_group_admits_only_80_and_443():
    rules = of_type(capture(build_lb), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert sorted({r.inputs["fromPort"] for r in rules}) == [80, 443]
    assert all(r.inputs["fromPort"] == r.inputs["toPort"] for r in rules) and len(rules) == 4


def test_a_waf_with_aws_managed_rules_is_associated_and_logs():
    result = capture(build_lb)
    acl = one(result, "aws:wafv2/webAcl:WebAcl")
    groups = [r["statement"]["managedRuleGroupStatement"]["name"] for r in acl.inputs["rules"]]
    assert "AWSManagedRulesCommonRuleSet" in groups and "AWSManagedRulesKnownBadInputsRuleSet" in groups
    association = one(result, "aws:wafv2/webAclAssociation:WebAclAssociation")
    balancer = one(result, "aws:lb/loadBalancer:LoadBalancer")
    assert balancer.urn in association.property_dependencies["resourceArn"]
    assert one(result, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")


def test_certificate_is_requested_with_dns_validation_or_taken_from_settings():
    requested = capture(build_lb)
    assert one(requested, "aws:acm/certificate:Certificate").inputs["validationMethod"] == "DNS"
    assert one(requested, "aws:route53/record:Record").inputs["zoneId"] == "Z123"
    given = capture(lambda: build_lb(certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/abc"))
    assert of_type(given, "aws:acm/certificate:Certificate") == []
    https = [r for r in of_type(given, "aws:lb/listener:Listener") if r.inputs["port"] == 443][0]
    assert https.inputs["certificateArn"] == "arn:aws:acm:us-east-1:123456789012:certificate/abc"


def test_weakening_the_tls_policy_or_deletion_protection_is_visible():
    result = capture(lambda: build_lb(ssl_policy="ELBSecurityPolicy-2016-08", deletion_protection=False))
    https = [r for r in of_type(result, "aws:lb/listener:Listener") if r.inputs["port"] == 443][0]
    assert https.inputs["sslPolicy"] == "ELBSecurityPolicy-2016-08"
    assert one(result, "aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is False


def build_monitoring(**extra) -> None:
    Monitoring("mon", {"topic_kms_key_arn": KEY_ARN, "account_id": "123456789012", "region": "us-east-1",
                       "alert_emails": ["oncall@example.com", "leads@example.com"],
                       "load_balancer_arn_suffix": "app/web/1", "target_group_arn_suffix": "targetgroup/web/2",
                       "db_instance_identifier": "app-db", **extra})


def test_alerts_go_to_an_encrypted_topic_with_subscriptions():
    result = capture(lambda: build_monitoring(alert_https_endpoint="https://events.pagerduty.com/x"))
    assert one(result, "aws:sns/topic:Topic").inputs["kmsMasterKeyId"] == KEY_ARN
    subscriptions = of_type(result, "aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s.inputs["protocol"] for s in subscriptions) == ["email", "email", "https"]
    pager = [s for s in subscriptions if s.inputs["protocol"] == "https"][0]
    assert props.is_secret(pager.inputs["endpoint"])


def test_every_alarm_has_alarm_and_ok_actions_and_all_signals_are_covered():
    result = capture(build_monitoring)
    topic = one(result, "aws:sns/topic:Topic")
    alarms = {a.name: a for a in of_type(result, "aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert set(alarms) == {f"mon-{k}" for k in ("lb-5xx", "target-5xx", "unhealthy-hosts", "latency-p99", "db-cpu",
                                                 "db-free-storage", "db-free-memory", "db-connections")}
    for alarm in alarms.values():
        assert topic.urn in alarm.property_dependencies["alarmActions"]
        assert topic.urn in alarm.property_dependencies["okActions"]
    assert alarms["mon-latency-p99"].inputs["extendedStatistic"] == "p99"
    assert alarms["mon-db-cpu"].inputs["dimensions"] == {"DBInstanceIdentifier": "app-db"}
    assert one(result, "aws:cloudwatch/dashboard:Dashboard")
    assert of_type(result, "datadog:index/monitor:Monitor") == []


def test_datadog_monitors_for_the_same_signals_when_enabled():
    result = capture(lambda: build_monitoring(datadog_notify=["@pagerduty-platform"]))
    monitors = of_type(result, "datadog:index/monitor:Monitor")
    assert len(monitors) == 8
    assert all("@pagerduty-platform" in m.inputs["message"] for m in monitors)
    cpu = next(m for m in monitors if m.name == "mon-dd-db-cpu")
    assert cpu.inputs["query"] == "avg(last_5m):avg:aws.rds.cpuutilization{dbinstanceidentifier:app-db} > 80"
