#!/usr/bin/python
# Copyright portshift developers
# Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
"""Ansible module: apply port offsets to the WSO2 product homes of a host with portshift."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: portshift
short_description: Apply port offsets to the WSO2 Carbon products of a host
description:
  - Runs C(portshift diff) on the given homes to see what would change, then
    C(portshift apply) to write it, unless in check mode.
  - The homes of one task are one host for portshift, so references between
    them (an API Manager's key manager URL at an Identity Server of the same
    host) follow the offsets; name every product of the host in one task.
  - Reports C(changed) only when portshift had something to change; running
    the same task again reports ok.
  - Supports check mode and diff mode; C(--check --diff) shows the unified
    diff and writes nothing.
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
      - The target offset of every home named without C(=N). A home with
        neither keeps its current offset.
    type: int
  binary:
    description: The portshift program, a path or a name on the PATH.
    type: path
    default: portshift
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
notes:
  - Exit status 2 of portshift (a bad home, a file it refuses, a running
    server) fails the task with portshift's message; nothing was written.
  - Diff paths are relative to C(/), so C(patch -p1 -d /) takes them.
requirements:
  - portshift on the managed host
"""

EXAMPLES = r"""
- name: API Manager at 0, its key manager at 1, the integrator at 2
  portshift:
    homes:
      - /opt/wso2/wso2am-4.2.0=0
      - /opt/wso2/wso2is-5.10.0=1
      - /opt/wso2/wso2ei-6.6.0=2
    backup: true
"""

RETURN = r"""
diff_text:
  description: The unified diff of the change (empty when nothing changes).
  returned: always
  type: str
messages:
  description: What portshift said on its standard error (warnings, backups kept).
  returned: always
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

# portshift's exit statuses (doc/portshift.1, EXIT STATUS); any other is a failure.
EXIT_OK = 0
EXIT_PENDING = 1


def home_path(word):
    """The path part of HOME or HOME=N."""
    path, sep, offset = word.rpartition("=")
    return path if sep and offset.isdigit() else word


def run_portshift(module, binary, command, args):
    """Runs `portshift COMMAND ARGS...` from / and returns (rc, stdout, stderr lines)."""
    rc, out, err = module.run_command([binary, command] + args, cwd="/")
    return rc, out, [line for line in err.splitlines() if line.strip()]


def fail(module, command, rc, err_lines, **result):
    msg = "\n".join(err_lines) or "portshift %s exited %d" % (command, rc)
    module.fail_json(msg=msg, rc=rc, **result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            homes=dict(type="list", elements="str", required=True),
            offset=dict(type="int"),
            binary=dict(type="path", default="portshift"),
            backup=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not p["homes"]:
        module.fail_json(msg="homes is empty: name at least one product home")
    relative = [h for h in p["homes"] if not os.path.isabs(home_path(h))]
    if relative:
        module.fail_json(msg="homes must be absolute paths: %s" % ", ".join(relative))
    binary = p["binary"]
    if os.sep not in binary:
        binary = module.get_bin_path(binary, required=True)

    offset = ["--offset", str(p["offset"])] if p["offset"] is not None else []
    homes = p["homes"]

    rc, diff_text, messages = run_portshift(module, binary, "diff", offset + homes)
    if rc not in (EXIT_OK, EXIT_PENDING):
        fail(module, "diff", rc, messages, changed=False)
    changed = rc == EXIT_PENDING
    result = dict(changed=changed, diff_text=diff_text, messages=messages)
    if module._diff and changed:
        result["diff"] = dict(prepared=diff_text)

    if changed and not module.check_mode:
        flags = (["--backup"] if p["backup"] else []) + (["--force"] if p["force"] else [])
        rc, out, messages = run_portshift(module, binary, "apply", offset + flags + homes)
        if rc != EXIT_OK:
            fail(module, "apply", rc, messages, changed=False, diff_text=diff_text)
        # apply reads the homes again: its messages replace those of diff.
        result["messages"] = [line for line in out.splitlines() if line.strip()] + messages

    for line in result["messages"]:
        if ": warning: " in line:
            module.warn(line)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
