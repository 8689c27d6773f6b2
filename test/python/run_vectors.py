"""Runs shared token vectors through the generated tenant_auth.py; prints {name: code|null} as JSON.

usage: run_vectors.py <module dir> <vectors.json>
"""
import importlib
import json
import sys

sys.path.insert(0, sys.argv[1])
import tenant_auth  # noqa: E402

with open(sys.argv[2], encoding="utf-8") as handle:
    groups = json.load(handle)

results = {}
for group in groups:
    import os
    os.environ["TENANT_AUTH_CONFIG"] = group["settingsFile"]
    importlib.reload(tenant_auth)  # fresh settings and a fresh PyJWKClient per group
    for vector in group["vectors"]:
        try:
            tenant_auth.verify_token(vector["token"])
            results[vector["name"]] = None
        except tenant_auth.TokenRejected as rejected:
            results[vector["name"]] = rejected.code
        except tenant_auth.KeySetUnavailable:
            results[vector["name"]] = "key_set_unavailable"
print(json.dumps(results))
