#!/usr/bin/python
# Copyright portshift developers
# Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
"""Ansible module portshift.wso2.portshift_batch: choose (and apply) offsets
for the WSO2 product homes of a host with `portshift batch`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: portshift_batch
short_description: Choose port offsets for the WSO2 Carbon products of a host so that none clash
version_added: "0.2.0"
author:
  - portshift developers
description:
  - Runs C(portshift batch --json) on the homes of a host and returns the
    assignments. In the order named, a home keeps its offset when its
    listeners fit among those before it; the others get the smallest offset
    that fits from I(first).
  - With I(apply=true), writes them (C(portshift batch --apply), which also
    repairs stale self references) unless in check mode; reports C(changed)
    only when a file changes. Without it, the task only reads.
options:
  homes:
    description: Absolute paths of the product homes, without C(=N) (the module chooses the offsets).
    type: list
    elements: str
    required: true
  first:
    description: The smallest offset to give a home that must move, 0 to 65535.
    type: int
    default: 0
  avoid:
    description: Ports or ranges no listener may open (C(8080), C(9000-9100)).
    type: list
    elements: str
    default: []
  listening:
    description: Also avoid the ports bound on the managed host now.
    type: bool
    default: false
  apply:
    description: Write the assignment (in check mode, only report what would change).
    type: bool
    default: false
  force:
    description: With I(apply), patch a home whose server seems to be running.
    type: bool
    default: false
extends_documentation_fragment:
  - portshift.wso2.portshift
notes:
  - A home that fits nowhere, a bad home or a running server fails the task
    with portshift's one-line message; nothing was written.
seealso:
  - module: portshift.wso2.portshift
"""

EXAMPLES = r"""
- name: Offsets for every product of the host, away from the node exporter's port
  portshift.wso2.portshift_batch:
    homes: "{{ wso2_homes }}"
    avoid: ["9100"]
    apply: true
  register: batch

- name: Say what each home got
  ansible.builtin.debug:
    msg: "{{ batch.assignments | items2dict(key_name='home', value_name='offset') }}"
"""

RETURN = r"""
assignments:
  description: Every home, in the order named, as C(portshift batch --json) gives it.
  returned: always
  type: list
  elements: dict
  contains:
    home: {description: the home as named, type: str}
    current_offset: {description: its main runtime's offset before the task, type: int}
    offset: {description: the offset it gets, type: int}
    kept: {description: true when it keeps its offset, type: bool}
    reason: {description: why it moves (null when kept), type: str}
    runtimes: {description: its runtimes, each with current_offset and offset, type: list}
rewrites:
  description: Fixed listeners that get another port (C(portshift batch --json)'s rewrites).
  returned: always
  type: list
  elements: dict
edits:
  description: The edits that give the homes these offsets.
  returned: always
  type: list
  elements: dict
changed_files:
  description: The files changed (with I(apply); in check mode, that would change).
  returned: always
  type: list
  elements: str
applied:
  description: True when the edits were written.
  returned: always
  type: bool
diff_text:
  description: The unified diff of the assignment (empty when nothing changes).
  returned: always
  type: str
"""

from ansible_collections.portshift.wso2.plugins.module_utils import portshift as ps


def main():
    module = ps.new_module(
        first=dict(type="int", default=0),
        avoid=dict(type="list", elements="str", default=[]),
        listening=dict(type="bool", default=False),
        apply=dict(type="bool", default=False),
    )
    p = module.params
    ps.check_homes(module, offsets_refused="this module chooses the offsets")
    ps.check_offset(module, "first", p["first"])

    args = ["--first", str(p["first"])] + (["--avoid", ",".join(p["avoid"])] if p["avoid"] else [])
    args += ["--listening"] if p["listening"] else []
    _, doc, messages = ps.run_json(module, ["batch"] + args + p["homes"])
    edits = doc["edits"]
    result = dict(
        changed=False,
        assignments=doc["assignments"],
        rewrites=doc["rewrites"],
        edits=edits,
        changed_files=[],
        applied=False,
        diff_text="",
        messages=messages,
    )
    if p["apply"] and edits:
        result["changed"] = True
        result["changed_files"] = ps.changed_files(edits)
        diff = ["batch", "--diff"] + args + p["homes"]
        _, result["diff_text"], _ = ps.run(module, diff, ok=(ps.EXIT_PENDING,))
        if module._diff:
            result["diff"] = dict(prepared=result["diff_text"])
        if not module.check_mode:
            force = ["--force"] if p["force"] else []
            apply = ["batch", "--apply"] + force + args + p["homes"]
            _, applied, result["messages"] = ps.run_json(module, apply)
            result["applied"] = applied["applied"]
            ps.warn_changes(module, result["messages"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
