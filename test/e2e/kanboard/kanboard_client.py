#!/usr/bin/env python3
"""A Kanboard API client and a scenario run against dirgate's Kanboard dialect.

The client does what Kanboard's official Python client (kanboard/python-api-client)
does on the wire, with the standard library only: every call POSTs
{"id": 1, "jsonrpc": "2.0", "method": <camelCase of the Python name>,
"params": {<keyword arguments>}} with HTTP Basic auth and
Content-Type: application/json, and raises on any non-2xx status and on an
"error" member. Stricter than the official client, it also raises when a call
that carries an id gets an empty body, because a JSON-RPC server must answer
every call that has an id.

Usage: kanboard_client.py URL TOKEN UNIQUE
  URL     the endpoint, e.g. http://127.0.0.1:8080/jsonrpc.php
  TOKEN   the API token (application mode, user "jsonrpc")
  UNIQUE  a suffix that makes the scenario's usernames unique

Prints "ok" and exits 0 when every check holds; otherwise prints what failed
and exits 1.
"""

import base64
import json
import sys
import urllib.error
import urllib.request


class KanboardClientError(Exception):
    """A failed call: an HTTP error, an empty answer or a JSON-RPC error."""

    def __init__(self, message, status=None, body=b""):
        super().__init__(message)
        self.status = status
        self.body = body


class Client:
    """Kanboard(url, username, password, auth_header="Authorization")."""

    def __init__(self, url, username, password, auth_header="Authorization"):
        self._url = url
        self._username = username
        self._password = password
        self._auth_header = auth_header

    def __getattr__(self, name):
        def function(*args, **kwargs):
            return self.execute(self._to_camel_case(name), **kwargs)

        return function

    @staticmethod
    def _to_camel_case(snake_str):
        components = snake_str.split("_")
        return components[0] + "".join(x.title() for x in components[1:])

    def execute(self, method, **kwargs):
        payload = {"id": 1, "jsonrpc": "2.0", "method": method, "params": kwargs}
        credentials = base64.b64encode(
            "{}:{}".format(self._username, self._password).encode()
        ).decode()
        prefix = "Basic " if self._auth_header == "Authorization" else ""
        headers = {
            self._auth_header: prefix + credentials,
            "Content-Type": "application/json",
        }
        request = urllib.request.Request(
            self._url, data=json.dumps(payload).encode(), headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            raise KanboardClientError(
                "HTTP {} from {}".format(e.code, method), status=e.code, body=e.read()
            ) from None
        except OSError as e:
            raise KanboardClientError(str(e)) from None
        if not raw:
            raise KanboardClientError("empty answer to {} (id 1)".format(method))
        body = json.loads(raw.decode())
        if body.get("id") != 1 or body.get("jsonrpc") != "2.0":
            raise KanboardClientError("answer does not echo the request: {!r}".format(body))
        if "error" in body:
            raise KanboardClientError(body["error"].get("message"))
        return body.get("result")


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def scenario(url, token, unique):
    kb = Client(url, "jsonrpc", token)
    admin, manager, user = "py-admin-" + unique, "py-manager-" + unique, "py-user-" + unique

    check(kb.get_user_by_name(username=user) is None, "absent user is not None")

    ids = {}
    for name, role in ((admin, "app-admin"), (manager, "app-manager"), (user, "app-user")):
        uid = kb.create_user(username=name, password="s3cret-" + unique, name=name.title(),
                             email=name + "@example.org", role=role)
        check(isinstance(uid, int) and not isinstance(uid, bool) and uid > 0,
              "create_user({}) returned {!r}".format(name, uid))
        ids[name] = uid
    check(kb.create_user(username=user, password="s3cret-" + unique) is False,
          "duplicate username was not refused")
    check(kb.create_user(username="py-short-" + unique, password="12345") is False,
          "5-character password was not refused")

    got = kb.get_user(user_id=ids[manager])
    check(got["id"] == str(ids[manager]), "get_user id {!r}".format(got["id"]))
    check(got["username"] == manager and got["role"] == "app-manager", "get_user {!r}".format(got))
    check(got["email"] == manager + "@example.org" and got["is_active"] == "1", "get_user {!r}".format(got))
    check("password" not in got, "get_user returned a password field")
    check(kb.get_user_by_name(username=admin)["role"] == "app-admin", "admin role")

    listed = [u for u in kb.get_all_users() if u["username"].endswith(unique)]
    names = [u["username"] for u in listed]
    check(names == sorted([admin, manager, user]), "get_all_users order {!r}".format(names))

    check(kb.update_user(id=ids[user], name="Renamed " + unique) is True, "update_user")
    check(kb.get_user(user_id=ids[user])["name"] == "Renamed " + unique, "name after update_user")
    check(kb.update_user(id=ids[user], role="app-manager") is True, "update_user role")
    check(kb.get_user(user_id=ids[user])["role"] == "app-manager", "role after update_user")

    check(kb.disable_user(user_id=ids[user]) is True, "disable_user")
    check(kb.is_active_user(user_id=ids[user]) is False, "is_active_user after disable")
    check(kb.enable_user(user_id=ids[user]) is True, "enable_user")
    check(kb.is_active_user(user_id=ids[user]) is True, "is_active_user after enable")

    for name in (admin, manager, user):
        check(kb.remove_user(user_id=ids[name]) is True, "remove_user({})".format(name))
    check(kb.get_user(user_id=ids[user]) is None, "removed user still found")
    check(kb.remove_user(user_id=ids[user]) is False, "second remove_user")

    try:
        Client(url, "jsonrpc", token + "-wrong").get_all_users()
    except KanboardClientError as e:
        check(e.status == 401, "wrong token: HTTP {}".format(e.status))
        check(json.loads(e.body) == {"jsonrpc": "2.0", "error": {"code": 401, "message": "Unauthorized"}, "id": None},
              "wrong token body {!r}".format(e.body))
    else:
        raise AssertionError("wrong token was accepted")

    try:
        kb.get_project_by_id(project_id=1)
    except KanboardClientError as e:
        check(str(e) == "Method not found", "unknown method: {}".format(e))
    else:
        raise AssertionError("unknown method did not raise")


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        scenario(argv[1], argv[2], argv[3])
    except (AssertionError, KanboardClientError) as e:
        print("FAIL: {}".format(e))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
