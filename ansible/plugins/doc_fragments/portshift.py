# Copyright portshift developers
# Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
"""The documentation the portshift modules share (extends_documentation_fragment:
portshift.wso2.portshift)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  binary:
    description: The portshift program, a path or a name on the PATH.
    type: path
    default: portshift
attributes:
  check_mode:
    description: In check mode it says what would change and writes nothing.
    support: full
  diff_mode:
    description: In diff mode it returns portshift's unified diff of the change.
    support: full
  platform:
    description: The managed hosts it runs on.
    support: full
    platforms: posix
requirements:
  - portshift on the managed host
"""
