"""Offline `pulumi preview --policy-pack`: run a Pulumi Python program under the SDK's mocks and
drive CrossGuard policy packs over their real Analyzer gRPC protocol, with no CLI, cloud or credentials."""
