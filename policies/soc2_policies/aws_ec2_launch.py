"""EC2 launch settings shared by instances, launch templates and launch configurations: the
metadata service's reach and what user data carries (a second module of the EC2 service)."""

from __future__ import annotations

import base64
import binascii
import gzip
import re
from typing import Any, Iterable, Mapping

from .aws_ec2 import LAUNCHED, SERVICE
from .checks import minimum_schema, shown
from .conventions import is_credential_key
from .framework import Resource

USER_DATA = ("userData", "userDataBase64")
# Shapes that are credentials whatever surrounds them; the assignment pattern catches the rest by key name.
CREDENTIAL_SHAPES = {
    "an AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "a private key": re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    "a GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})\b"),
}
# NAME=value, export NAME="value", NAME: value (cloud-config); a value starting with $ is read at boot, not written.
ASSIGNMENT = re.compile(r"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*["']?([^\s"'$`][^\s"']*)""",
                        re.MULTILINE)


def _text(value: str) -> str:
    """User data as the instance reads it: base64 and gzip undone where they were applied."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return value
    return raw.decode("utf-8", errors="replace")


def _credentials(text: str) -> list[str]:
    """What in the text looks like a credential, by kind or by the name it is assigned to; never the value."""
    found = [kind for kind, pattern in CREDENTIAL_SHAPES.items() if pattern.search(text)]
    found += [f"a value assigned to {name}" for name, value in ASSIGNMENT.findall(text)
              if is_credential_key(name) and not value.startswith("arn:")]
    return list(dict.fromkeys(found))


@SERVICE.resource_policy(
    name="ec2-instance-user-data-no-secrets", types=LAUNCHED, severity="high", criteria=["CC6.1", "C1.1"],
    description="EC2 user data (of instances, launch templates and launch configurations) carries no credentials.",
    remediation="Remove the credential from user_data / user_data_base64: give the instance an IAM role "
                "(iam_instance_profile) and have the boot script read the secret at start-up (aws secretsmanager "
                "get-secret-value, aws ssm get-parameter --with-decryption); rotate the exposed credential. User data "
                "is readable by anyone with ec2:DescribeInstanceAttribute and by every process on the instance.",
    checkov=["CKV_AWS_46"])
def _user_data_secrets(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for path in USER_DATA:
        value = r.get(path)
        # Plain text that happens to be valid base64 is read both ways.
        if isinstance(value, str) and (found := _credentials(value + "\n" + _text(value))):
            yield f"{path} holds {', '.join(found)} in clear text"


@SERVICE.resource_policy(
    name="ec2-instance-metadata-hop-limit", types=LAUNCHED, severity="medium", criteria=["CC6.1"],
    description="The instance metadata service answers only the instance itself, not containers behind another "
                "network hop.",
    remediation="Set metadata_options={'http_tokens': 'required', 'http_put_response_hop_limit': 1} on "
                "aws.ec2.Instance, LaunchTemplate or LaunchConfiguration; containers get credentials from their task "
                "or pod role instead of the node's. Raise maxHopLimit to 2 only for hosts whose containers must reach "
                "the node's metadata.",
    config={"maxHopLimit": {**minimum_schema(1, "Most network hops an IMDS response may travel.", 1), "maximum": 64}},
    checkov=["CKV_AWS_341"])
def _hop_limit(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.get("metadataOptions.httpEndpoint") == "disabled":
        return
    limit = r.number("metadataOptions.httpPutResponseHopLimit")  # unset: the AMI's default, 1 for most
    if limit is not None and limit > config["maxHopLimit"]:
        yield (f"metadataOptions.httpPutResponseHopLimit is {shown(limit)}, above {shown(config['maxHopLimit'])}: "
               f"containers on the host can reach its credentials")
