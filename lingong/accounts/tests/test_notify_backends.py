"""SMS and WeChat copies through an HTTP gateway: a real server on 127.0.0.1, not a mock. A gateway
that fails or is not configured is recorded as failed; the inbox and the other channels are not."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import Notification, User
from lingong.accounts.notify import deliver, notify

pytestmark = pytest.mark.django_db

CONSOLE = "lingong.accounts.notify.ConsoleBackend"
SMS = "lingong.accounts.notify.SmsBackend"
WECHAT = "lingong.accounts.notify.WeChatBackend"


class Gateway:
    """A tiny SMS/WeChat gateway: records what it receives, answers with ``status``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append(
                    {"path": self.path, "auth": self.headers["Authorization"], "json": json.loads(body)}
                )
                answer = json.dumps({"id": f"msg-{len(gateway.received)}"}).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    g = Gateway()
    yield g
    g.close()


@pytest.fixture
def channels(settings: SettingsWrapper, gateway: Gateway) -> SettingsWrapper:
    settings.LINGONG_NOTIFY_BACKENDS = [CONSOLE, SMS, WECHAT]
    settings.LINGONG_SMS_URL = f"{gateway.url}/sms"
    settings.LINGONG_SMS_TOKEN = "sms-secret"
    settings.LINGONG_WECHAT_URL = f"{gateway.url}/wechat"
    settings.LINGONG_WECHAT_TOKEN = "wx-secret"
    settings.LINGONG_WECHAT_TEMPLATE_ID = "TPL-1"
    settings.LINGONG_SITE_URL = "https://lingong.example.gov.cn"
    settings.LINGONG_NOTIFY_TIMEOUT = 2
    return settings


def send(worker: User, capture: Any, **fields: Any) -> Notification:
    with capture(execute=True):
        notify(recipient_id=worker.pk, kind="fair_cancelled", title="招聘会取消：和平区零工专场", **fields)
    return Notification.objects.get(recipient=worker)


def test_sms_and_wechat_reach_the_gateway(
    channels: SettingsWrapper, gateway: Gateway, heping_worker: User, django_capture_on_commit_callbacks: Any
) -> None:
    note = send(heping_worker, django_capture_on_commit_callbacks, body="原因：场地维修", key="k1")
    assert note.channels == {"console": "logged", "sms": "sent:msg-1", "wechat": "sent:msg-2"}
    sms, wechat = gateway.received
    assert sms["path"] == "/sms" and sms["auth"] == "Bearer sms-secret"
    assert sms["json"]["phone"] == "13812345678"  # decrypted from the user's encrypted phone
    link = f"https://lingong.example.gov.cn/inbox/{note.pk}/"
    assert sms["json"]["content"] == f"招聘会取消：和平区零工专场 {link}"
    assert wechat["path"] == "/wechat" and wechat["auth"] == "Bearer wx-secret"
    assert wechat["json"]["template_id"] == "TPL-1" and wechat["json"]["url"] == link
    assert wechat["json"]["user_id"] == str(heping_worker.pk)
    assert wechat["json"]["data"]["remark"]["value"] == "原因：场地维修"


def test_a_failing_gateway_is_recorded_and_the_rest_goes_out(
    channels: SettingsWrapper, gateway: Gateway, heping_worker: User, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.status = 500
    note = send(heping_worker, django_capture_on_commit_callbacks)
    assert note.channels["console"] == "logged"
    assert note.channels["sms"].startswith("failed:") and "500" in note.channels["sms"]
    assert note.channels["wechat"].startswith("failed:")
    # Delivering again (a retry) does not resend channels already recorded.
    assert deliver(note.pk) == note.channels
    assert len(gateway.received) == 2


def test_an_unreachable_gateway_times_out_into_failed(
    channels: SettingsWrapper, heping_worker: User, django_capture_on_commit_callbacks: Any
) -> None:
    channels.LINGONG_NOTIFY_BACKENDS = [SMS, CONSOLE]
    channels.LINGONG_SMS_URL = "http://127.0.0.1:9/sms"  # the discard port: nobody listens
    note = send(heping_worker, django_capture_on_commit_callbacks)
    assert note.channels["sms"].startswith("failed:")
    assert note.channels["console"] == "logged"


def test_an_unconfigured_channel_fails_clearly_at_send_time(
    settings: SettingsWrapper, heping_worker: User, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LINGONG_NOTIFY_BACKENDS = [SMS, CONSOLE]
    settings.LINGONG_SMS_URL = ""
    note = send(heping_worker, django_capture_on_commit_callbacks)
    assert note.channels == {"sms": "failed: LINGONG_SMS_URL is not set", "console": "logged"}
    assert note.read_at is None and note.title  # the inbox copy is there all the same
