"""${PROJECT}: the service's code. A placeholder that answers the load balancer's health checks.

It runs both ways the template deploys it: as a Lambda function behind the load balancer
(`handler`), or as a container on ECS Fargate (`python app.py`, listening on port 8080). Read
settings from the environment (DATABASE_HOST, QUEUE_<NAME>_URL, TABLE_<NAME>, CACHE_HOST) and
secrets from Secrets Manager at start (their ARNs, or in containers their values injected as
DATABASE_SECRET and CACHE_AUTH_TOKEN), never from code.
"""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = 8080


def respond(path: str) -> tuple[int, dict]:
    return 200, {"service": "${PROJECT}", "path": path, "status": "ok"}


def handler(event: dict, _context: object) -> dict:
    """Lambda entry point for requests the load balancer forwards."""
    status, body = respond(event.get("path", "/"))
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body),
            "isBase64Encoded": False}


class Requests(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        status, body = respond(self.path)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", PORT), Requests).serve_forever()
