#!/usr/bin/python
# Copyright portshift developers
# Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
"""Ansible module portshift.wso2.portshift_facts: what the other hosts of a
fleet need to know of this one, from `portshift facts`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: portshift_facts
short_description: The names, listeners and references of the WSO2 Carbon products of a host
version_added: "0.3.0"
author:
  - portshift developers
description:
  - Runs C(portshift facts) on the homes of a host and returns its document
    (C(schemas/facts.schema.json) in portshift's sources, format 1), which
    holds the host's names, every home and runtime with its product, version and
    effective offset, every active listener, and every reference in the
    homes' files to a server by host and port, local or remote, with its
    role and C(path:line:col).
  - Give the names the inventory knows the host by in I(host_names), so
    that a reference from another host to one of them resolves to this
    host's listeners. A name that reaches the host through DNS alone is not known.
  - Run C(portshift fleet check) on the documents of every host (on the
    controller) to find references to another host's port that nobody
    listens on after an offset change, or pass them to the module
    M(portshift.wso2.portshift) as I(with_facts) to repair them.
  - It only reads (shared locks, nothing written) and always reports ok.
options:
  homes:
    description: Absolute paths of the product homes, without C(=N).
    type: list
    elements: str
    required: true
  host_names:
    description:
      - Other names of the host (C(--host-name)), such as its
        C(inventory_hostname) and the aliases other hosts' configs use for
        it. The first one names the host in C(fleet check)'s findings.
    type: list
    elements: str
    default: []
  start_files:
    description:
      - Absolute paths of files outside the homes that start one of them
        (a systemd unit, a wrapper script), read for the offset it starts at
        (C(--start-file)).
    type: list
    elements: path
    default: []
extends_documentation_fragment:
  - portshift.wso2.portshift
attributes:
  check_mode:
    description: It only reads, so check mode returns the same document.
    support: full
  diff_mode:
    description: It changes nothing, so it has no diff.
    support: none
notes:
  - Exit status 2 of portshift (a bad home, a file it refuses) fails the
    task with portshift's one-line message.
seealso:
  - module: portshift.wso2.portshift
"""

EXAMPLES = r"""
- name: Facts of this host's products, named as the inventory names the host
  portshift.wso2.portshift_facts:
    homes: [/opt/wso2/wso2is-7.1.0]
    host_names: ["{{ inventory_hostname }}"]
  register: portshift

- name: Keep them on the controller for portshift fleet check
  ansible.builtin.copy:
    content: "{{ portshift.facts | to_nice_json }}"
    dest: "facts/{{ inventory_hostname }}.json"
    mode: "0644"
  delegate_to: localhost
"""

RETURN = r"""
facts:
  description: The document C(portshift facts) prints, parsed.
  returned: always
  type: dict
  contains:
    format: {description: the version of the layout (1), type: int}
    host: {description: the hostname and every name of the host, type: dict}
    homes: {description: every runtime with its product and version and offset and listeners, type: list}
    references: {description: every reference to a server by host and port, type: list}
messages:
  description: What portshift said on its standard error (warnings, notices).
  returned: always
  type: list
  elements: str
"""

import os

from ansible_collections.portshift.wso2.plugins.module_utils import portshift as ps


def main():
    module = ps.new_module(
        writes=False,
        host_names=dict(type="list", elements="str", default=[]),
        start_files=dict(type="list", elements="path", default=[]),
    )
    p = module.params
    ps.check_homes(module, offsets_refused="facts are of the homes as they are")
    args = ["facts"]
    for name in p["host_names"]:
        args += ["--host-name", name]
    for path in p["start_files"]:
        if not os.path.isabs(path):
            module.fail_json(msg="start_files must be absolute paths: %s" % path)
        args += ["--start-file", path]
    _, facts, messages = ps.run_document(module, args + p["homes"])
    module.exit_json(changed=False, facts=facts, messages=messages)


if __name__ == "__main__":
    main()
