"""Ansible stdout callback: the fleet run as one JSON document.

    {"hosts": {HOST: {"ok": true, "written": "s3://…/HOST/v3"}
                     | {"ok": false, "kind": "failed"|"unreachable", "failed_task", "msg", "stderr", "rc"}},
     "stats": {HOST: {"ok", "changed", "failures", "unreachable", ...}}}

ansible-core ships no JSON callback (`ansible.posix.json` is in the full `ansible` package), so this
is the small equivalent; select it with ANSIBLE_STDOUT_CALLBACK=fleet_json.
"""

from __future__ import annotations

import json
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: fleet_json
    type: stdout
    short_description: a fleet run as one JSON document
    description: per host, the dataset version written, or the failing task with its message, stderr and rc
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "fleet_json"

    def __init__(self) -> None:
        super().__init__()
        self.hosts: dict[str, dict[str, Any]] = {}

    def _fail(self, result: Any, kind: str) -> None:
        r = result._result
        self.hosts[result._host.get_name()] = {
            "ok": False, "kind": kind, "failed_task": result._task.get_name(),
            "msg": str(r.get("msg", "")), "stderr": str(r.get("stderr", ""))[-2000:], "rc": r.get("rc"),
        }

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        if not ignore_errors:
            self._fail(result, "failed")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._fail(result, "unreachable")

    def v2_runner_on_ok(self, result: Any) -> None:
        host = result._host.get_name()
        self.hosts.setdefault(host, {"ok": True})
        facts = result._result.get("ansible_facts", {})
        if "written" in facts:
            self.hosts[host]["written"] = facts["written"]

    def v2_playbook_on_stats(self, stats: Any) -> None:
        summary = {h: stats.summarize(h) for h in sorted(stats.processed)}
        self._display.display(json.dumps({"hosts": self.hosts, "stats": summary}, sort_keys=True, indent=2))
