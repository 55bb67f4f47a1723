#!/usr/bin/env python3
"""A mail relay on loopback for the notification tests (aiosmtpd, from PyPI).

usage: smtp-sink.py PORT OUTPUT.jsonl CERT.pem KEY.pem USER PASSWORD

STARTTLS with the given certificate, AUTH PLAIN/LOGIN required (over TLS only, aiosmtpd's default)
with USER and PASSWORD. Every message taken is appended to OUTPUT as one JSON line: sender,
recipients, the decoded subject and text, and the X-Rollout-Message-Id. A recipient whose local
part is "refuse" is refused with 550. Prints "ready" once listening.
"""
import asyncio, email, email.header, email.policy, json, ssl, sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, output, cert, key, user, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0] == "refuse":
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "id": message["X-Rollout-Message-Id"],
            "message_id": message["Message-ID"],
            "text": message.get_content(),
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        with open(output, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname="127.0.0.1", port=int(port), tls_context=context, require_starttls=True,
                        authenticator=authenticator, auth_required=True)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()  # until the test closes our input
finally:
    controller.stop()
