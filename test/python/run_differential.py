"""Runs differential cases through the generated tenant_auth.py under whichever PyJWT is first on sys.path.

usage: run_differential.py <module dir> <cases.json>
cases.json: [{"settingsFile": ..., "now": seconds, "tokens": [...]}]; prints
{"pyjwt": version, "codes": [[code|null, ...] per scenario]} where a code is TokenRejected.code,
"key_set_unavailable", or "EXCEPTION <type>: <message>" for anything else that escaped (a bug).
"""
import importlib
import json
import os
import sys

sys.path.insert(0, sys.argv[1])
import jwt  # noqa: E402
import tenant_auth  # noqa: E402

with open(sys.argv[2], encoding="utf-8") as handle:
    scenarios = json.load(handle)

codes = []
for scenario in scenarios:
    os.environ["TENANT_AUTH_CONFIG"] = scenario["settingsFile"]
    importlib.reload(tenant_auth)
    out = []
    for token in scenario["tokens"]:
        try:
            tenant_auth.verify_token(token, now=scenario["now"])
            out.append(None)
        except tenant_auth.TokenRejected as rejected:
            out.append(rejected.code)
        except tenant_auth.KeySetUnavailable:
            out.append("key_set_unavailable")
        except BaseException as error:  # noqa: BLE001 - the test asserts there are none
            out.append(f"EXCEPTION {type(error).__name__}: {str(error)[:200]}")
    codes.append(out)
print(json.dumps({"pyjwt": jwt.__version__, "path": jwt.__file__, "codes": codes}))
