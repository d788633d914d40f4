"""Stack settings: typed, frozen, with environment defaults; bad input stops before any resource."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from components.baseline_settings import BaselineSettings
from components.settings import SettingsError, read_settings
from preflight.capture import ProgramError, run_program
from preflight.project import load_project, load_stack_config

NS = "soc2-baseline"
FILE = "stacks/Pulumi.prod.yaml"
MINIMAL = {
    f"{NS}:environment": "prod",
    f"{NS}:owner": "platform",
    f"{NS}:loadBalancer": json.dumps({"domainName": "app.example.com"}),
    f"{NS}:alerts": json.dumps({"emails": ["oncall@example.com"]}),
    f"{NS}:github": json.dumps({"organization": "acme", "billingEmail": "billing@example.com",
                                "securityContact": "security@example.com", "codeOwners": ["@acme/platform"],
                                "repositories": [{"name": "app"}]}),
}


def read(changes: dict | None = None, secret: set[str] | None = None, drop: str | None = None) -> BaselineSettings:
    config = {**MINIMAL, **{f"{NS}:{k}": (v if isinstance(v, str) else json.dumps(v))
                            for k, v in (changes or {}).items()}}
    if drop:
        config.pop(f"{NS}:{drop}")
    return read_settings(BaselineSettings, NS, config, secret or set(), FILE)


def test_prod_defaults_are_strict_and_dev_defaults_are_smaller():
    prod = read()
    assert (prod.access.identity, prod.datadog.manage_users, prod.pagerduty.enabled) == ("identity-center", True, True)
    assert (read({"environment": "dev"}).datadog.manage_users, read({"environment": "dev"}).pagerduty.enabled) == \
        (False, False)
    assert (prod.database.multi_az, prod.database.backup_retention_days, prod.github.required_reviews,
            prod.backup.retention_days, prod.network.az_count) == (True, 14, 2, 35, 3)
    dev = read({"environment": "dev"})
    assert (dev.database.multi_az, dev.database.backup_retention_days, dev.github.required_reviews,
            dev.backup.retention_days) == (False, 7, 1, 14)


def test_settings_are_frozen():
    settings = read()
    with pytest.raises(ValidationError):
        settings.database.multi_az = False  # type: ignore[misc]


@pytest.mark.parametrize("changes, drop, expected", [
    (None, "environment", f"{FILE}: {NS}:environment = (not set): required but not set; allowed: dev, staging or prod"),
    ({"environment": "qa"}, None, f'{NS}:environment = "qa": input should be \'dev\', \'staging\' or \'prod\''),
    ({"database": {"multiAz": "maybe"}}, None,
     f'{NS}:database.multiAz = "maybe": input should be a valid boolean; allowed: true or false'),
    ({"database": {"backupRetentionDays": "seven"}}, None,
     f'{NS}:database.backupRetentionDays = "seven": input should be a valid integer'),
    ({"database": {"backupRetentionDays": 3}}, None,
     f"{NS}:database.backupRetentionDays = 3: input should be greater than or equal to 7; "
     "allowed: an integer from 7 to 35 (days)"),
    ({"backup": {"retentionDays": 20}}, None,
     f"{NS}:backup.retentionDays = 20: below the prod minimum of 35"),
    ({"database": {"multiAz": False}}, None, f"{NS}:database.multiAz = false: must be true in prod; allowed: true or false"),
    ({"database": {"backupRetentionDays": 10}}, None,
     f"{NS}:database.backupRetentionDays = 10: below the prod minimum of 14; allowed: an integer from 7 to 35 (days)"),
    ({"access": {"identity": "sso"}}, None,
     f'{NS}:access.identity = "sso": input should be \'identity-center\' or \'iam-users\'; allowed: identity-center or '
     "iam-users"),
    ({"access": {"adminSessionHours": 24}}, None,
     f"{NS}:access.adminSessionHours = 24: input should be less than or equal to 12; allowed: an integer from 1 to 12"),
    ({"pagerduty": {"enabled": "yes please"}}, None,
     f'{NS}:pagerduty.enabled = "yes please": input should be a valid boolean'),
    ({"logging": {"auditLogRetentionDays": 90}}, None,
     f"{NS}:logging.auditLogRetentionDays = 90: input should be greater than or equal to 365"),
    ({"network": {"cidr": "10.0.0.0/33"}}, None,
     f'{NS}:network.cidr = "10.0.0.0/33": input is not a valid IPv4 network; allowed: an IPv4 CIDR block'),
    ({"network": {"cidr": "10.0.0.0/8"}}, None, f'{NS}:network.cidr = "10.0.0.0/8": prefix length /8 is outside'),
    ({"alerts": {"emails": ["oncall-at-example.com"]}}, None,
     f'{NS}:alerts.emails[0] = "oncall-at-example.com": value is not a valid email address'),
    ({"databse": {"engine": "postgres"}}, None, f'{NS}:databse = {{"engine": "postgres"}}: unknown key; allowed: the keys'),
    ({"database": {"engin": "mysql"}}, None, f'{NS}:database.engin = "mysql": unknown key; allowed: the keys'),
    ({"datadog": {"enabled": True}}, None, f"{NS}:datadog.notify = []: empty while datadog.enabled is true"),
    ({"tags": "cost-center"}, None, f'{NS}:tags = "cost-center": not a YAML object or list'),
    ({"alertHttpsEndpoint": "https://events.pagerduty.com/x"}, None,
     f"{NS}:alertHttpsEndpoint = \"https://events.pagerduty.com/x\": stored in plain text; "
     f"allowed: an encrypted value: pulumi config set --secret {NS}:alertHttpsEndpoint <value>"),
])
def test_each_kind_of_bad_value_gets_one_line_naming_file_key_value_and_allowed(changes, drop, expected):
    with pytest.raises(SettingsError) as caught:
        read(changes, drop=drop)
    message = str(caught.value)
    assert expected in message
    assert message.startswith(f"{FILE}: {NS}:") and "\n" not in message


def test_secure_values_are_accepted_without_decryption_and_kept_secret():
    settings = read({"alertHttpsEndpoint": "[secret: not decrypted offline]"}, secret={f"{NS}:alertHttpsEndpoint"})
    assert settings.alert_https_endpoint is not None
    assert "not decrypted" not in repr(settings) and "**********" in repr(settings.alert_https_endpoint)


def test_a_secret_key_that_is_bad_never_echoes_its_value():
    with pytest.raises(SettingsError) as caught:
        read({"owner": "Platform Team"}, secret={f"{NS}:owner"})
    assert "Platform Team" not in str(caught.value) and "= [secret]" in str(caught.value)


def test_bad_settings_stop_the_program_before_any_resource_is_registered(baseline_project):
    project_dir = baseline_project({"soc2-baseline:network": {"cidr": "10.10.0.0/12"}})
    project = load_project(project_dir)
    stack = load_stack_config(project, "dev")
    with pytest.raises(ProgramError) as caught:
        run_program(project.directory, project.main, project.name, "dev", stack.values, stack.secret_keys)
    assert caught.value.settings_error
    assert "soc2-baseline:network.cidr" in str(caught.value)
    assert caught.value.registered == ["urn:pulumi:dev::soc2-baseline::pulumi:pulumi:Stack::soc2-baseline-dev"]


def test_a_repository_may_only_grant_teams_from_the_roster(baseline_project):
    github = {"organization": "acme-corp-sandbox", "billingEmail": "b@example.com", "securityContact": "s@example.com",
              "codeOwners": ["@acme-corp-sandbox/platform"],
              "repositories": [{"name": "infrastructure", "teamPermissions": {"platfrom": "push"}}]}
    project = load_project(baseline_project({"soc2-baseline:github": github}))
    stack = load_stack_config(project, "dev")
    with pytest.raises(ProgramError) as caught:
        run_program(project.directory, project.main, project.name, "dev", stack.values, stack.secret_keys)
    assert ('soc2-baseline:github.repositories[0].teamPermissions = "platfrom": team not in the roster; '
            "allowed: one of auditors, backend, platform") in str(caught.value)
    assert len(caught.value.registered) == 1


def test_a_rule_across_keys_from_a_model_validator_is_one_line_naming_the_namespace():
    from pydantic import model_validator

    from components.settings import Settings

    class Window(Settings):
        start: int = 0
        end: int = 0

        @model_validator(mode="after")
        def _ordered(self) -> "Window":
            if self.end < self.start:
                raise ValueError("end must not come before start")
            return self

    with pytest.raises(SettingsError) as failure:
        read_settings(Window, "svc", {"svc:start": "5", "svc:end": "1"}, set(), "stacks/Pulumi.dev.yaml")
    assert str(failure.value) == ("stacks/Pulumi.dev.yaml: svc = (several keys): end must not come before start; "
                                  "allowed: keys that meet this rule together")


POLICY_CONFIG_FLOORS = {  # what each prod policy config asks of the pack, and the environment rule asking the same
    ("rds-instance-backup-retention", "minDays"): "databaseBackupRetentionDays",
    ("backup-plan-retention", "minDays"): "backupRetentionDays",
    ("github-branchprotection-required-reviews", "minReviews"): "requiredReviews",
}


@pytest.mark.parametrize("config", ["stacks/policy-config.prod.json", "templates/service/stacks/policy-config.prod.json"])
def test_the_prod_policy_configs_ask_of_the_pack_exactly_the_prod_floors_of_the_settings(config):
    from components.environments import RULES
    from tests.conftest import REPO

    asked = json.loads((REPO / config).read_text())
    compared = [(policy, key, rule) for (policy, key), rule in POLICY_CONFIG_FLOORS.items() if policy in asked]
    assert len(compared) >= 2
    for policy, key, rule in compared:
        assert asked[policy][key] == RULES[rule].floors["prod"], (policy, key)
    assert asked["rds-instance-multi-az"] == "mandatory" and RULES["databaseMultiAz"].floors["prod"] is True
