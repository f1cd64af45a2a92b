#!/usr/bin/python3
"""A real SMTP server for the notification tests, built on Debian's python3-aiosmtpd.

Modes:
  starttls     plain connection that offers STARTTLS and requires it before MAIL/AUTH
  implicit     TLS from the first byte (port 465 style)
  plain        no TLS at all
  no-starttls  plain, STARTTLS not offered (a client that requires it must give up)

Every message accepted is saved as MAILDIR/<n>.json (n = 1, 2, ...), written to a temporary
name and renamed, so a reader never sees half a file:
  mail_from, rcpt_tos, data (the raw message as received, after SMTP dot-unstuffing),
  tls (was the session encrypted), authenticated_as (the AUTH user or null),
and, decoded with Python's email package as an independent reference decoder:
  subject (RFC 2047 decoded), body (the text/plain part, transfer-decoded), attachments
  ([{filename, content_type, content}]), defects (what the parser complained about).

Prints "READY <port>" on stdout once it accepts connections; with --port 0 it picks a free one.
"""

import argparse
import email
import email.policy
import json
import logging
import os
import signal
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def decode_message(raw):
    """The parts of the message a test asserts on, decoded by the stdlib, not by our code."""
    out = {"subject": None, "body": None, "attachments": [], "defects": []}
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        out["subject"] = str(msg["subject"]) if msg["subject"] is not None else None
        out["defects"] = [repr(d) for d in msg.defects]
        for part in msg.walk():
            out["defects"] += [repr(d) for d in part.defects]
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            text = payload.decode("utf-8", "replace")
            if part.get_content_disposition() == "attachment":
                out["attachments"].append({
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "content": text,
                })
            elif out["body"] is None and part.get_content_type() == "text/plain":
                out["body"] = text
    except Exception as error:  # a test should see the parser's complaint, not a dead server
        out["defects"].append("parse error: %r" % (error,))
    return out


class SaveHandler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        transport = server.transport
        tls = bool(transport is not None and transport.get_extra_info("ssl_object") is not None)
        tls = tls or session.ssl is not None
        user = None
        if session.authenticated:
            data = session.auth_data
            user = data.login.decode() if isinstance(data, LoginPassword) else str(data)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": raw.decode("utf-8", "replace"),
            "tls": tls,
            "authenticated_as": user,
        }
        record.update(decode_message(raw))
        with self.lock:
            self.count += 1
            name = os.path.join(self.maildir, "%d.json" % self.count)
        with open(name + ".tmp", "w", encoding="ascii") as f:
            json.dump(record, f, indent=1)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 Message accepted for delivery"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=["starttls", "implicit", "plain", "no-starttls"],
                        default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password")
    parser.add_argument("--maildir", required=True)
    args = parser.parse_args()

    tls_context = None
    if args.mode in ("starttls", "implicit"):
        if not args.cert or not args.key:
            parser.error("--mode %s needs --cert and --key" % args.mode)
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)

    kwargs = {"hostname": "127.0.0.1", "port": args.port or free_port(),
              "server_hostname": "smtp.test", "ident": "mysql-backup test SMTP"}
    if args.mode == "starttls":
        kwargs.update(tls_context=tls_context, require_starttls=True)
    elif args.mode == "implicit":
        kwargs["ssl_context"] = tls_context
    if args.auth_user is not None:
        kwargs["authenticator"] = Authenticator(args.auth_user, args.auth_password or "")
        kwargs["auth_required"] = True
        # aiosmtpd only counts STARTTLS as TLS for AUTH; implicit TLS is encrypted from the
        # start, and plain/no-starttls are meant to accept AUTH in clear (what we warn about).
        kwargs["auth_require_tls"] = args.mode == "starttls"

    # aiosmtpd warns about its own deprecations and our auth settings; the test log needs neither.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    os.makedirs(args.maildir, exist_ok=True)
    controller = Controller(SaveHandler(args.maildir), **kwargs)
    controller.start()
    print("READY %d" % controller.port, flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(3600):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
