#!/usr/bin/python
# Copyright portshift developers
# Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
"""Ansible module portshift.wso2.portshift: apply port offsets to the WSO2
product homes of a host with portshift."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: portshift
short_description: Apply port offsets to the WSO2 Carbon products of a host
version_added: "0.2.0"
author:
  - portshift developers
description:
  - Runs C(portshift plan --json) on the given homes to learn what would
    change, C(portshift diff) for the diff, then C(portshift apply) to write
    it, unless in check mode.
  - The homes of one task are one host for portshift, so references between
    them (an API Manager's key manager URL at an Identity Server of the same
    host) follow the offsets; name every product of the host in one task.
  - Reports C(changed) only when portshift had something to change; running
    the same task again reports ok, without warnings.
options:
  homes:
    description:
      - Absolute paths of the product homes, each optionally followed by
        C(=N), the target offset of that home (C(/opt/wso2am-4.2.0=1)).
      - An Enterprise Integrator profile can be named by its path
        (C(/opt/wso2ei-6.6.0/wso2/broker=5)).
    type: list
    elements: str
    required: true
  offset:
    description:
      - The target offset of every home named without C(=N), 0 to 65535. A
        home with neither keeps its current offset.
    type: int
  repair:
    description:
      - Also set each stale self reference (one C(portshift check) reports) to
        the value it should have, as C(portshift apply --repair).
    type: bool
    default: false
  with_facts:
    description:
      - The facts of other hosts (C(portshift --with)), each either a facts
        document as M(portshift.wso2.portshift_facts) returns it in C(facts)
        (written to a temporary file for the call) or the absolute path of a
        C(portshift facts) document on the managed host.
      - A reference of the homes to a name one of those hosts claims follows
        that host's listeners, and with I(repair=true) a stale one (a port
        nobody there listens on since an offset changed) is set to the port
        its owner listens on now. A name this host has too is ambiguous and
        left alone.
    type: list
    elements: raw
    default: []
    version_added: "0.3.0"
  backup:
    description:
      - Keep each original as C(FILE.bak) (an existing C(.bak) is never
        replaced).
    type: bool
    default: false
  force:
    description: Patch a home whose server seems to be running.
    type: bool
    default: false
extends_documentation_fragment:
  - portshift.wso2.portshift
notes:
  - Exit status 2 of portshift (a bad home, a file it refuses, a running
    server) fails the task with portshift's one-line message; nothing was
    written.
  - Diff paths are relative to C(/), so C(patch -p1 -d /) takes them.
  - Warnings are raised only on a run that changes something; an unchanged
    home's notices are in C(messages).
seealso:
  - module: portshift.wso2.portshift_batch
  - module: portshift.wso2.portshift_facts
"""

EXAMPLES = r"""
- name: API Manager at 0, its key manager at 1, the integrator at 2
  portshift.wso2.portshift:
    homes:
      - /opt/wso2/wso2am-4.2.0=0
      - /opt/wso2/wso2is-5.10.0=1
      - /opt/wso2/wso2ei-6.6.0=2
    backup: true
  register: offsets

- name: Set the stale references of an EI's profiles right, offsets as they are
  portshift.wso2.portshift:
    homes: [/opt/wso2/wso2ei-6.6.0]
    repair: true

- name: Point a gateway at the port its key manager host listens on now
  portshift.wso2.portshift:
    homes: [/opt/wso2/wso2am-4.2.0]
    repair: true
    with_facts: ["{{ hostvars['km1.example'].portshift.facts }}"]
"""

RETURN = r"""
changed_files:
  description: The files changed (in check mode, that would change), absolute.
  returned: always
  type: list
  elements: str
  sample: [/opt/wso2/wso2is-5.10.0/repository/conf/deployment.toml]
backups:
  description: The C(.bak) copy of each changed file, with I(backup=true) (empty otherwise).
  returned: always
  type: list
  elements: str
offsets:
  description: Every runtime of the homes (EI profiles too), with its offset before and after.
  returned: always
  type: list
  elements: dict
  contains:
    home: {description: the home as named, type: str}
    runtime: {description: '"" for the main runtime, else its folder', type: str}
    product: {description: the catalog's product id, type: str}
    version: {description: the product version, null when unknown, type: str}
    before: {description: the offset it runs at before the task, type: int}
    after: {description: the offset it runs at after the task, type: int}
edits:
  description: Every edit, as in C(portshift plan --json) (file, line, col, old, new, why).
  returned: always
  type: list
  elements: dict
diff_text:
  description: The unified diff of the change (empty when nothing changes).
  returned: always
  type: str
messages:
  description: What portshift said on its standard error (warnings, notices).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.portshift.wso2.plugins.module_utils import portshift as ps


def main():
    module = ps.new_module(
        offset=dict(type="int"),
        repair=dict(type="bool", default=False),
        backup=dict(type="bool", default=False),
        with_facts=dict(type="list", elements="raw", default=[]),
    )
    p = module.params
    ps.check_homes(module)
    ps.check_offset(module, "offset", p["offset"])

    target = (["--offset", str(p["offset"])] if p["offset"] is not None else []) + (
        ["--repair"] if p["repair"] else []
    )
    target += ps.with_facts_args(module, p["with_facts"])
    _, plan, _ = ps.run_json(module, ["plan"] + target + p["homes"])
    edits = plan.get("edits", [])
    files = ps.changed_files(edits)
    changed = bool(edits)
    result = dict(
        changed=changed,
        changed_files=files,
        backups=[f + ".bak" for f in files] if p["backup"] else [],
        offsets=[
            dict(
                home=i["home"],
                runtime=i["runtime"],
                product=i["product"],
                version=i["version"],
                before=i["current_offset"],
                after=i["offset"],
            )
            for i in plan["installs"]
        ],
        edits=edits,
        diff_text="",
        messages=[],
    )
    if not changed:
        # Nothing to do: portshift's notices are kept, nobody is warned.
        result["messages"] = plan.get("warnings", [])
        module.exit_json(**result)

    diff = ["diff"] + target + p["homes"]
    _, result["diff_text"], result["messages"] = ps.run(module, diff, ok=(ps.EXIT_PENDING,))
    if module._diff:
        result["diff"] = dict(prepared=result["diff_text"])
    if not module.check_mode:
        flags = (["--backup"] if p["backup"] else []) + (["--force"] if p["force"] else [])
        _, out, result["messages"] = ps.run(module, ["apply", "-q"] + target + flags + p["homes"])
    ps.warn_changes(module, result["messages"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
