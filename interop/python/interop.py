"""Interop suite: the official Python SDK (azure-communication-phonenumbers, as Debian's
python3-azure ships it) against `phonenumbers serve --access-key --tls-self-signed DIR`.

Run by interop/run.sh (make interop); by hand, with Debian's interpreter:

    PN_ENDPOINT=https://127.0.0.1:PORT/ PN_ACCESS_KEY=<base64> \\
    REQUESTS_CA_BUNDLE=DIR/cert.pem /usr/bin/python3 interop.py

The client is built as users build it: PhoneNumbersClient.from_connection_string with
default options (its default api-version, the SDK's own HMAC policy and retries). The SDK
signs only over HTTPS (its HMAC policy cuts "https://" + host off the URL), so the server
runs with a self-signed certificate that requests is told to trust (REQUESTS_CA_BUNDLE).
The public client has no get_operation/cancel_operation, so the suite calls them on the
generated client it wraps (_phone_number_client.phone_numbers), through the same pipeline.
"""

import base64
import datetime
import os
import sys
import time

from azure.core import __version__ as AZURE_CORE_VERSION
from azure.core.exceptions import HttpResponseError
from azure.communication.phonenumbers import PhoneNumbersClient
from azure.communication.phonenumbers._version import VERSION

ENDPOINT = os.environ.get("PN_ENDPOINT") or sys.exit("PN_ENDPOINT is not set")
ACCESS_KEY = os.environ.get("PN_ACCESS_KEY") or sys.exit("PN_ACCESS_KEY is not set")
LABEL = os.environ.get("PN_LABEL", "python")


class Fail(Exception):
    def __init__(self, message, exchange=None):
        super().__init__(message)
        self.exchange = exchange


def check(cond, what):
    if not cond:
        raise Fail(what)


def eq(got, want, what):
    check(got == want, "%s: got %r, want %r" % (what, got, want))


def new_client(key):
    client = PhoneNumbersClient.from_connection_string("endpoint=%s;accesskey=%s" % (ENDPOINT, key))
    generated = getattr(client, "_phone_number_client", None)
    ops = getattr(generated, "phone_numbers", None)
    if not hasattr(ops, "get_operation") or not hasattr(ops, "cancel_operation"):
        raise RuntimeError("this SDK build has no generated client with get_operation/cancel_operation")
    return client, ops


public, api = new_client(ACCESS_KEY)
# Another valid base64 key of the same length: the server must refuse its signatures.
_, wrong_api = new_client(base64.b64encode(bytes(b ^ 0xFF for b in base64.b64decode(ACCESS_KEY))).decode())


def describe_exchange(err):
    """What the SDK sent and got back, for a failure report: never the key or a signature."""
    response = getattr(err, "response", None)
    if response is None:
        return ""
    lines = []
    request = response.request
    lines.append("    sent: %s %s" % (request.method, request.url))
    for name, value in request.headers.items():
        if name.lower() == "authorization" and "Signature=" in value:
            value = value.split("Signature=")[0] + "Signature=<redacted>"
        lines.append("      %s: %s" % (name, value))
    lines.append("    got: %s" % response.status_code)
    for name, value in response.headers.items():
        lines.append("      %s: %s" % (name, value))
    try:
        lines.append("      body: %s" % response.text()[:500])
    except Exception:  # pylint: disable=broad-except
        pass
    return "\n".join(lines)


def expect_http_error(call, status, code, what):
    try:
        op = call()
    except HttpResponseError as err:
        try:
            eq(err.status_code, status, what + ": status_code")
            eq(getattr(err.error, "code", None), code, what + ": error.code")
        except Fail as fail:
            fail.exchange = describe_exchange(err)
            raise
        return err
    raise Fail("%s: succeeded with %r, want HTTP %d %s" % (what, op, status, code))


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


def seed():
    headers = {}
    op = api.get_operation("search-my-operation-id", cls=lambda _resp, body, hdrs: (headers.update(hdrs), body)[1])
    eq(op.id, "search-my-operation-id", "id")
    eq(op.status, "succeeded", "status")
    eq(op.operation_type, "search", "operation_type")
    loc = "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"
    eq(op.resource_location, loc, "resource_location")
    eq(headers.get("Location"), loc, "Location header")
    eq(op.created_date_time, utc(2020, 11, 19, 16, 31, 49, 48000), "created_date_time")
    eq(op.last_action_date_time, utc(2020, 11, 19, 22, 31, 49, 48000), "last_action_date_time")
    eq(op.error, None, "error")


def unknown():
    err = expect_http_error(lambda: api.get_operation("interop-no-such-operation"), 404, "NotFound", "get unknown id")
    eq(type(err).__name__, "ResourceNotFoundError", "error type")


def wrong_key():
    err = expect_http_error(
        lambda: wrong_api.get_operation("search-my-operation-id"), 401, "Unauthorized", "get with a wrong key"
    )
    eq(type(err).__name__, "ClientAuthenticationError", "error type")


def lifecycle():
    seen = []
    for _ in range(20):
        op = api.get_operation("interop-lifecycle")
        eq(op.id, "interop-lifecycle", "id")
        eq(op.operation_type, "purchase", "operation_type")
        if not seen or seen[-1] != op.status:
            seen.append(op.status)
        if op.status == "succeeded":
            break
        time.sleep(0.05)
    eq(" -> ".join(seen), "running -> notStarted -> succeeded", "statuses seen")


def failed():
    op = None
    for _ in range(10):
        op = api.get_operation("interop-failed")
        if op.status != "running":
            break
        time.sleep(0.05)
    eq(op.status, "failed", "status")
    eq(getattr(op.error, "code", None), "InternalError", "error.code")
    eq(getattr(op.error, "message", None), "The server encountered an internal error.", "error.message")


def flaky():
    start = time.monotonic()
    op = api.get_operation("interop-flaky")
    waited = time.monotonic() - start
    eq(op.id, "interop-flaky", "id")
    eq(op.status, "running", "status (the faulted requests were not polls)")
    if waited < 1.9:
        raise Fail("answered after %.2f s; the two Retry-After: 1 ask for 2" % waited)


def cancel():
    op = api.get_operation("interop-cancel")
    eq(op.status, "running", "status before cancel")
    status = []
    api.cancel_operation("interop-cancel", cls=lambda resp, _body, _hdrs: status.append(resp.http_response.status_code))
    eq(status, [204], "cancel status")
    err = expect_http_error(lambda: api.get_operation("interop-cancel"), 404, "NotFound", "get after cancel")
    eq(type(err).__name__, "ResourceNotFoundError", "error type")


SCENARIOS = [
    ("get the seed operation search-my-operation-id", seed),
    ("unknown id: ResourceNotFoundError 404 NotFound", unknown),
    ("wrong access key: ClientAuthenticationError 401", wrong_key),
    ("lifecycle running -> notStarted -> succeeded, polled with get_operation", lifecycle),
    ("failed operation: status failed with its error", failed),
    ("get_operation through a 503 and a 429 with Retry-After: 1, waiting as asked", flaky),
    ("cancel: cancel_operation accepts 204, then get_operation is ResourceNotFoundError 404", cancel),
]


def main():
    print(
        "%s: azure-communication-phonenumbers %s (api-version %s), azure-core %s, python %s, endpoint %s"
        % (LABEL, VERSION, public._api_version, AZURE_CORE_VERSION, sys.version.split()[0], ENDPOINT),
        flush=True,
    )
    failures = 0
    for name, run in SCENARIOS:
        try:
            run()
            print("PASS %s: %s" % (LABEL, name), flush=True)
        except Fail as fail:
            failures += 1
            print("FAIL %s: %s: %s" % (LABEL, name, fail), flush=True)
            if fail.exchange:
                print(fail.exchange, flush=True)
        except Exception as err:  # pylint: disable=broad-except
            failures += 1
            print("FAIL %s: %s: %s: %s" % (LABEL, name, type(err).__name__, err), flush=True)
            exchange = describe_exchange(err)
            if exchange:
                print(exchange, flush=True)
    print("%s: %d passed, %d failed" % (LABEL, len(SCENARIOS) - failures, failures), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
