# Copyright portshift developers
# Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
"""What the portshift modules share: checking their arguments, running
portshift from / and reading its JSON (schemas/*.schema.json in portshift's
sources), and turning its errors into one-line failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six import string_types

# portshift diff's and batch --diff's exit status with changes pending.
EXIT_PENDING = 1

# The largest offset portshift takes (its argument parser's bound).
OFFSET_MAX = 65535

# The options every module has.
COMMON_ARGS = dict(
    homes=dict(type="list", elements="str", required=True),
    binary=dict(type="path", default="portshift"),
)

# The option of the modules that can write: a running server is refused
# unless forced.
WRITE_ARGS = dict(force=dict(type="bool", default=False))


def new_module(writes=True, **options):
    """The AnsibleModule of a portshift module: the common options (with
    `force` when it can write) and its own; every one supports check mode."""
    spec = dict(COMMON_ARGS, **(WRITE_ARGS if writes else {}))
    return AnsibleModule(argument_spec=dict(spec, **options), supports_check_mode=True)


def split_home(word):
    """(path, offset) of HOME or HOME=N; offset None without =N. As portshift
    reads it: the last '=' starts the offset when digits follow it."""
    path, sep, offset = word.rpartition("=")
    if sep and offset.isdigit():
        return path, int(offset)
    return word, None


def check_offset(module, what, value):
    """Fails the task (one line) when an offset is out of portshift's range."""
    if value is not None and not 0 <= value <= OFFSET_MAX:
        module.fail_json(msg="%s %d is out of range: offsets are 0 to %d" % (what, value, OFFSET_MAX))


def check_homes(module, offsets_refused=None):
    """Fails the task (one line) on no home, a relative one, an offset out of
    range, or (offsets_refused, the reason, given) a home given with =N."""
    homes = module.params["homes"]
    if not homes:
        module.fail_json(msg="homes is empty: name at least one product home")
    for word in homes:
        path, offset = split_home(word)
        if not os.path.isabs(path):
            module.fail_json(msg="homes must be absolute paths: %s" % word)
        if offset is not None and offsets_refused:
            module.fail_json(msg="%s: %s; name the home without =N" % (word, offsets_refused))
        check_offset(module, "the offset of %s:" % path, offset)


def binary(module):
    """The portshift program: the path given, else found on the PATH."""
    name = module.params["binary"]
    return name if os.sep in name else module.get_bin_path(name, required=True)


def error_line(err, command, rc):
    """portshift's error, one line: it prints the error first, then (on a
    usage error) the usage, which a task's message does not need."""
    lines = [line for line in err.splitlines() if line.strip()]
    for line in lines:
        if "error: " in line:
            return line
    return lines[0] if lines else "portshift %s exited %d" % (command, rc)


def run(module, args, ok=(0,)):
    """Runs `portshift ARGS...` from / (diff paths are then absolute: `patch
    -p1 -d /` takes them); fails the task on another exit status than those in
    ok. Returns (rc, stdout, lines of stderr)."""
    rc, out, err = module.run_command([binary(module)] + args, cwd="/")
    if rc not in ok:
        module.fail_json(msg=error_line(err, args[0], rc), rc=rc, stderr=err, changed=False)
    return rc, out, [line for line in err.splitlines() if line.strip()]


def run_document(module, args, ok=(0,)):
    """Runs `portshift ARGS...`, a command that prints a JSON document, and
    returns (rc, document, stderr lines)."""
    rc, out, err = run(module, args, ok)
    try:
        return rc, json.loads(out), err
    except ValueError as e:
        msg = "portshift %s printed no JSON document: %s" % (" ".join(args[:2]), e)
        module.fail_json(msg=msg, changed=False)


def run_json(module, args, ok=(0,)):
    """Runs portshift with --json and returns (rc, document, stderr lines)."""
    return run_document(module, args[:1] + ["--json"] + args[1:], ok)


def with_facts_args(module, documents):
    """The `--with FILE` arguments of the other hosts' facts: each a path on
    the managed host, or a facts document (a dict, as portshift_facts returns
    it), written to a file in the module's temporary folder, which Ansible
    removes when the module exits."""
    args = []
    for i, doc in enumerate(documents):
        if isinstance(doc, dict):
            path = os.path.join(module.tmpdir, "with-%d.json" % i)
            with open(path, "w") as f:
                json.dump(doc, f)
        elif isinstance(doc, string_types) and os.path.isabs(doc):
            path = doc
        else:
            module.fail_json(msg="with_facts[%d]: neither a facts document nor an absolute path" % i)
        args += ["--with", path]
    return args


def changed_files(edits):
    """The files the edits change, in order, each once."""
    files = []
    for edit in edits:
        if edit["file"] not in files:
            files.append(edit["file"])
    return files


def warn_changes(module, messages):
    """Raises portshift's warnings about a change being made; a task that
    changes nothing raises none (its notices stay in `messages`)."""
    for line in messages:
        if ": warning: " in line:
            module.warn(line)
