"""Runs one of the seeds' Python examples unchanged, then optional extra statements, and prints
every requests.Response left in its namespace as JSON: {name: {status, body, cookies}}."""
import json
import sys

import requests

namespace = {"__name__": "seed_example"}
with open(sys.argv[1]) as source:
    exec(compile(source.read(), sys.argv[1], "exec"), namespace)
if len(sys.argv) > 2 and sys.argv[2]:
    exec(sys.argv[2], namespace)


def describe(response):
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return {"status": response.status_code, "body": body}


report = {name: describe(value) for name, value in namespace.items() if isinstance(value, requests.Response)}
session = namespace.get("session")
if isinstance(session, requests.Session):
    report["cookies"] = sorted(cookie.name for cookie in session.cookies)
print(json.dumps(report))
