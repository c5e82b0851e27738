#!/usr/bin/env python3
"""A stand-in for the WeCom (企业微信) server API, for the wecom plugin's tests.

The real API cannot be reached from the test machines, so this implements the
three endpoints the plugin uses with their documented JSON replies and error
codes (every reply is HTTP 200; success is errcode 0):

  GET  /cgi-bin/gettoken?corpid=…&corpsecret=…    -> access_token, expires_in
  POST /cgi-bin/message/send?access_token=…       -> msgid [, invaliduser]
  POST /cgi-bin/webhook/send?key=…                -> errcode 0 (20 a minute per robot)

Errors as documented: 40013 bad corpid, 40001 bad secret, 41001 no token,
40014 invalid token, 42001 expired token, 40056 bad agentid, 40008 bad
msgtype, 44004 empty content, 45002 content too long, 81013 no valid
recipient (with invaliduser), 93000 bad robot key, 45009 over a robot's 20
messages a minute. enable_duplicate_check: the same request JSON within
duplicate_check_interval is answered errcode 0 and not delivered again
("不会重复收到"; what WeCom answers then is not documented, errcode 0 is an
assumption).

Tests script it through POST /_control (a JSON object):
  {"expire_token": true}             the current tokens answer 42001 from now on
  {"revoke_token": true}             the current tokens answer 40014 from now on
  {"invalid_users": ["wx_…"]}        these userids are not in the app's visible range
  {"delay_ms": 150}                  every message/send answer waits this long
  {"script": [{"path": "/cgi-bin/message/send", "errcode": -1}, …]}
      the next calls of that path answer these, in order, instead of the real
      thing: {"errcode": N} (with the documented errmsg), {"http": 502},
      {"lose_reply": true} (deliver, then answer HTTP 504 as a gateway that
      timed out would), {"partial_invalid": true} (deliver nothing, errcode 0
      with the recipient in invaliduser, as a partial success reads)
and read what it received with GET /_log: a list of
  {"path", "query", "body" (the raw text), "reply", "delivered", "at"}.

Usage: wecom_standin.py --corpid ID --corpsecret S --agentid N --robot-key K
       [--robot-window-seconds 60] [--expires-in 7200]
Prints "PORT <n>" on stdout once it listens on 127.0.0.1 (an ephemeral port).
"""
import argparse
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ERRMSG = {
    -1: "system busy",
    40001: "invalid credential",
    40008: "invalid message type",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40056: "invalid agentid",
    41001: "access_token missing",
    42001: "access_token expired",
    44004: "empty content",
    45002: "content size out of limit",
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    81013: "user & party & tag all invalid",
    93000: "invalid webhook url",
}


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.tokens = {}  # token -> (expires_at, status) status: ok | expired | revoked
        self.invalid_users = set()
        self.delay = 0.0
        self.scripts = {}  # path -> [reply]
        self.log = []
        self.sent_bodies = {}  # request JSON text -> time, for the duplicate check
        self.robot_posts = {}  # key -> [times]


def reply_for(code, **extra):
    body = {"errcode": code, "errmsg": ERRMSG.get(code, "ok" if code == 0 else "error")}
    body.update(extra)
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def log_message(self, *args):
        pass

    def send_json(self, obj, status=200):
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, path, query, body, reply, delivered):
        with self.state.lock:
            self.state.log.append({"path": path, "query": query, "body": body, "reply": reply,
                                   "delivered": delivered, "at": time.time()})

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if u.path == "/_log":
            with self.state.lock:
                return self.send_json(self.state.log)
        if u.path == "/cgi-bin/gettoken":
            scripted = self.scripted(u.path)
            if scripted is not None:
                return self.answer_scripted(u.path, q, "", scripted)
            a = self.state.args
            if q.get("corpid") != a.corpid:
                reply = reply_for(40013)
            elif q.get("corpsecret") != a.corpsecret:
                reply = reply_for(40001)
            else:
                token = secrets.token_urlsafe(48)
                with self.state.lock:
                    self.state.tokens[token] = (time.time() + a.expires_in, "ok")
                reply = reply_for(0, access_token=token, expires_in=a.expires_in)
            self.record(u.path, {"corpid": q.get("corpid", "")}, "", reply, False)
            return self.send_json(reply)
        self.send_json({"errcode": 404, "errmsg": "not found"}, status=404)

    def scripted(self, path):
        with self.state.lock:
            queue = self.state.scripts.get(path) or []
            return queue.pop(0) if queue else None

    def answer_scripted(self, path, query, body, s):
        if "http" in s:
            self.record(path, query, body, {"http": s["http"]}, False)
            return self.send_json({"error": "bad gateway"}, status=s["http"])
        reply = reply_for(s["errcode"])
        self.record(path, query, body, reply, False)
        return self.send_json(reply)

    def do_POST(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", errors="replace")
        if u.path == "/_control":
            return self.control(json.loads(raw or "{}"))
        if u.path == "/cgi-bin/message/send":
            return self.message_send(u.path, q, raw)
        if u.path == "/cgi-bin/webhook/send":
            return self.webhook_send(u.path, q, raw)
        self.send_json({"errcode": 404, "errmsg": "not found"}, status=404)

    def control(self, c):
        s = self.state
        with s.lock:
            if c.get("expire_token"):
                s.tokens = {t: (e, "expired") for t, (e, _) in s.tokens.items()}
            if c.get("revoke_token"):
                s.tokens = {t: (e, "revoked") for t, (e, _) in s.tokens.items()}
            if "invalid_users" in c:
                s.invalid_users = {x.lower() for x in c["invalid_users"]}
            if "delay_ms" in c:
                s.delay = c["delay_ms"] / 1000.0
            for item in c.get("script", []):
                s.scripts.setdefault(item["path"], []).append(item)
        self.send_json({"ok": True})

    def token_error(self, q):
        token = q.get("access_token")
        if not token:
            return 41001
        with self.state.lock:
            entry = self.state.tokens.get(token)
        if entry is None or entry[1] == "revoked":
            return 40014
        if entry[1] == "expired" or entry[0] < time.time():
            return 42001
        return 0

    def message_send(self, path, q, raw):
        query = {"access_token": "…" if q.get("access_token") else ""}
        if self.state.delay:
            time.sleep(self.state.delay)
        code = self.token_error(q)
        if code:
            reply = reply_for(code)
            self.record(path, query, raw, reply, False)
            return self.send_json(reply)
        scripted = self.scripted(path)
        if scripted is not None and not scripted.get("lose_reply") and not scripted.get("partial_invalid"):
            return self.answer_scripted(path, query, raw, scripted)
        try:
            m = json.loads(raw)
        except ValueError:
            reply = reply_for(47001)
            reply["errmsg"] = "data format error"
            self.record(path, query, raw, reply, False)
            return self.send_json(reply)
        reply = self.check_message(m)
        delivered = reply["errcode"] == 0
        if delivered and scripted is not None and scripted.get("partial_invalid"):
            reply["invaliduser"] = m.get("touser", "").lower()
            delivered = False
        if delivered and m.get("enable_duplicate_check") == 1:
            interval = min(int(m.get("duplicate_check_interval", 1800)), 14400)
            now = time.time()
            with self.state.lock:
                first = self.state.sent_bodies.get(raw)
                if first is not None and now - first < interval:
                    delivered = False
                    reply["duplicate"] = True  # (the stand-in's note for the tests; not a WeCom field)
                else:
                    self.state.sent_bodies[raw] = now
        if reply["errcode"] == 0:
            reply["msgid"] = secrets.token_urlsafe(24)
        self.record(path, query, raw, reply, delivered)
        if scripted is not None and scripted.get("lose_reply"):
            return self.send_json({"error": "gateway timeout"}, status=504)
        return self.send_json(reply)

    def check_message(self, m):
        a = self.state.args
        if m.get("agentid") != a.agentid:
            return reply_for(40056)
        kind = m.get("msgtype")
        if kind not in ("text", "textcard", "markdown"):
            return reply_for(40008)
        part = m.get(kind) or {}
        if kind == "textcard":
            title, desc = part.get("title", ""), part.get("description", "")
            if not title or not desc or not part.get("url"):
                return reply_for(44004)
            if len(title.encode()) > 128 or len(desc.encode()) > 512:
                return reply_for(45002)
        else:
            content = part.get("content", "")
            if not content:
                return reply_for(44004)
            if len(content.encode()) > 2048:
                return reply_for(45002)
        users = [x for x in m.get("touser", "").split("|") if x]
        invalid = [x.lower() for x in users if x.lower() in self.state.invalid_users]
        if users and len(invalid) == len(users):
            return reply_for(81013, invaliduser="|".join(invalid))
        reply = reply_for(0)
        if invalid:
            reply["invaliduser"] = "|".join(invalid)
        return reply

    def webhook_send(self, path, q, raw):
        key = q.get("key", "")
        query = {"key": key}
        scripted = self.scripted(path)
        if scripted is not None:
            return self.answer_scripted(path, query, raw, scripted)
        if key != self.state.args.robot_key:
            reply = reply_for(93000)
            self.record(path, query, raw, reply, False)
            return self.send_json(reply)
        now = time.time()
        window = self.state.args.robot_window_seconds
        with self.state.lock:
            posts = [t for t in self.state.robot_posts.get(key, []) if now - t < window]
            over = len(posts) >= 20
            if not over:
                posts.append(now)
            self.state.robot_posts[key] = posts
        if over:
            reply = reply_for(45009)
        else:
            try:
                m = json.loads(raw)
            except ValueError:
                m = {}
            kind = m.get("msgtype")
            content = (m.get(kind) or {}).get("content", "") if kind in ("text", "markdown") else None
            limit = 2048 if kind == "text" else 4096
            if content is None:
                reply = reply_for(40008)
            elif not content:
                reply = reply_for(44004)
            elif len(content.encode()) > limit:
                reply = reply_for(45002)
            else:
                reply = reply_for(0)
        self.record(path, query, raw, reply, reply["errcode"] == 0)
        self.send_json(reply)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpid", required=True)
    p.add_argument("--corpsecret", required=True)
    p.add_argument("--agentid", type=int, required=True)
    p.add_argument("--robot-key", required=True)
    p.add_argument("--robot-window-seconds", type=float, default=60.0)
    p.add_argument("--expires-in", type=int, default=7200)
    args = p.parse_args()
    Handler.state = State(args)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 64
    print("PORT", server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
