"""A Lambda function: a least-privilege role, its environment encrypted with the data key, a
retained and encrypted log group, X-Ray tracing, a dead-letter queue, reserved concurrency,
optional VPC placement, and alarms on errors, throttles and duration (CC6.1, CC6.3, CC7.2, A1.2).

A function URL exists only when asked for, with AWS_IAM auth unless NONE is asked for explicitly
(which the policy pack reports). Secrets never go in the environment: pass their Secrets Manager
ARNs in `secret_arns`; the role may read those, and the function reads them at run time.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .alarms import Alarm, watch_resource
from .iam_documents import arn_from_name, assume_role_policy, policy_document
from .queue import dead_letter_queue, queue_arn

FUNCTION = "aws:lambda/function:Function"
VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
TRACING = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"  # X-Ray writes support no resource-level scoping


class FunctionVpc(TypedDict):
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets the function runs in."""
    security_group_ids: list[pulumi.Input[str]]
    """Groups of the function's network interfaces."""


class FunctionArgs(TypedDict):
    account_id: pulumi.Input[str]
    """Account of the function, for the role's trust condition and the log group's ARN."""
    region: str
    """Region of the function, for the log group's ARN."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key for the environment and the dead-letter queue."""
    log_kms_key_arn: pulumi.Input[str]
    """Customer-managed key for the log group (its policy must admit CloudWatch Logs)."""
    alert_topic_arn: pulumi.Input[str]
    """Topic the alarms notify."""
    code: NotRequired[pulumi.Archive]
    """Deployment package (with handler and runtime); or image_uri."""
    handler: NotRequired[str]
    """Entry point in the package, e.g. app.handler (default)."""
    runtime: NotRequired[str]
    """Runtime for a package (default python3.12)."""
    image_uri: NotRequired[pulumi.Input[str]]
    """Container image instead of a package."""
    function_name: NotRequired[str]
    """Function name (default: the component name); also names its log group."""
    environment: NotRequired[dict[str, pulumi.Input[str]]]
    """Plain settings; never secrets (the policy pack reports secret-looking values)."""
    secret_arns: NotRequired[list[pulumi.Input[str]]]
    """Secrets Manager secrets the function may read at run time."""
    policy_statements: NotRequired[list[dict[str, Any]]]
    """What else the function may do, each statement scoped to named resources."""
    memory_mb: NotRequired[int]
    """Memory (default 512)."""
    timeout_seconds: NotRequired[int]
    """Timeout (default 30); the duration alarm fires at 80% of it."""
    reserved_concurrency: NotRequired[int]
    """Concurrent executions reserved and capped (default 10)."""
    vpc: NotRequired[FunctionVpc]
    """Run in private subnets instead of Lambda's own network."""
    log_retention_days: NotRequired[int]
    """Days logs are kept (default 365)."""
    url_auth_type: NotRequired[Literal["AWS_IAM", "NONE"]]
    """Give the function a URL with this auth; NONE lets anyone invoke it and is reported."""
    load_balancer_target_group_arn: NotRequired[pulumi.Input[str]]
    """A `lambda` target group that forwards to the function (the load balancer may invoke it)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class Function(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    dead_letter_arn: pulumi.Output[str]
    url: pulumi.Output[str] | None

    def __init__(self, name: str, args: FunctionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:compute:Function", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        function_name = args.get("function_name", name)
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/aws/lambda/{function_name}", tags=tags,
                                       retention_in_days=args.get("log_retention_days", 365),
                                       kms_key_id=args["log_kms_key_arn"], opts=child)
        dead = dead_letter_queue(f"{name}-dead-letter", args, args["kms_key_arn"], args["alert_topic_arn"], tags, self)
        role = self._role(name, args, logs, dead, tags)
        function = aws.lambda_.Function(
            f"{name}-function", name=function_name, role=role.arn, **_package(args),
            memory_size=args.get("memory_mb", 512), timeout=args.get("timeout_seconds", 30),
            reserved_concurrent_executions=args.get("reserved_concurrency", 10), kms_key_arn=args["kms_key_arn"],
            environment={"variables": args["environment"]} if args.get("environment") else None,
            tracing_config={"mode": "Active"}, dead_letter_config={"target_arn": dead.arn},
            logging_config={"log_format": "JSON", "log_group": logs.name},
            vpc_config=args.get("vpc"), tags=tags, opts=child)
        timeout_ms = 1000 * args.get("timeout_seconds", 30)
        watch_resource(name, FUNCTION, function.name, [
            Alarm("errors", "invocations fail", "AWS/Lambda", "Errors", "Sum", "GreaterThanOrEqualToThreshold", 1),
            Alarm("throttles", "invocations are throttled", "AWS/Lambda", "Throttles", "Sum",
                  "GreaterThanOrEqualToThreshold", 1),
            Alarm("duration", "invocations near the timeout", "AWS/Lambda", "Duration", "Maximum",
                  "GreaterThanThreshold", 0.8 * timeout_ms)], args["alert_topic_arn"], tags, child)
        self.url = self._url(name, function, args.get("url_auth_type"))
        if args.get("load_balancer_target_group_arn"):
            self._behind_load_balancer(name, function, args["load_balancer_target_group_arn"])
        self.arn, self.name, self.role_arn, self.dead_letter_arn = function.arn, function.name, role.arn, dead.arn
        self.register_outputs({"arn": self.arn, "name": self.name, "role_arn": self.role_arn})

    def _role(self, name: str, args: FunctionArgs, logs: aws.cloudwatch.LogGroup, dead: aws.sqs.Queue,
              tags: dict[str, str]) -> aws.iam.Role:
        """May write its own logs, traces and dead letters, decrypt its environment, read its secrets; no more."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=assume_role_policy(
            "lambda.amazonaws.com", {"StringEquals": {"aws:SourceAccount": args["account_id"]}}), tags=tags, opts=child)
        statements: list[dict[str, Any]] = [
            {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": arn_from_name(logs.name, "arn:aws:logs:{region}:{account}:log-group:{name}:*",
                                       region=args["region"], account=args["account_id"])},
            {"Sid": "DeadLetters", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn(dead, args)},
            {"Sid": "Environment", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": args["kms_key_arn"]},
            *args.get("policy_statements", [])]
        if args.get("secret_arns"):
            statements.append({"Sid": "OwnSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                               "Resource": args["secret_arns"]})
        aws.iam.RolePolicy(f"{name}-permissions", role=role.id, policy=policy_document(statements), opts=child)
        for index, managed in enumerate([TRACING, *([VPC_ACCESS] if args.get("vpc") else [])]):
            aws.iam.RolePolicyAttachment(f"{name}-managed-{index}", role=role.name, policy_arn=managed, opts=child)
        return role

    def _url(self, name: str, function: aws.lambda_.Function, auth: str | None) -> pulumi.Output[str] | None:
        if auth is None:
            return None
        url = aws.lambda_.FunctionUrl(f"{name}-url", function_name=function.name, authorization_type=auth,
                                      opts=pulumi.ResourceOptions(parent=self))
        return url.function_url

    def _behind_load_balancer(self, name: str, function: aws.lambda_.Function, target_group_arn: pulumi.Input[str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        permission = aws.lambda_.Permission(f"{name}-from-load-balancer", action="lambda:InvokeFunction",
                                            function=function.name, principal="elasticloadbalancing.amazonaws.com",
                                            source_arn=target_group_arn, opts=child)
        aws.lb.TargetGroupAttachment(f"{name}-target", target_group_arn=target_group_arn, target_id=function.arn,
                                     opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]))


def _package(args: FunctionArgs) -> dict[str, Any]:
    if args.get("image_uri"):
        return {"package_type": "Image", "image_uri": args["image_uri"]}
    if "code" not in args:
        raise ValueError("Function needs code (with handler and runtime) or image_uri")
    return {"package_type": "Zip", "code": args["code"], "handler": args.get("handler", "app.handler"),
            "runtime": args.get("runtime", "python3.12")}
