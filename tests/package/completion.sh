#!/usr/bin/env bash
# The bash completion: commands, each command's options, option values, no
# completion where a number goes, and folders for HOME. It must offer every
# command and option that the binary's synopsis names.
# usage: completion.sh SOURCE_DIR PORTSHIFT_BINARY
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2")
. "$src/tests/support/testlib.sh"
. "$src/completion/portshift.bash"

# candidates WORD...: the candidates for the last word of `portshift WORD...`,
# sorted, space-separated.
candidates() {
    COMP_WORDS=(portshift "$@")
    COMP_CWORD=$#
    COMP_LINE="portshift $*"
    COMP_POINT=${#COMP_LINE}
    _portshift
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

make_scratch
mkdir -p "$scratch/wso2am-2.6.0/repository" "$scratch/wso2is-5.10.0"
touch "$scratch/wso2-notes.txt"
cd "$scratch"

expect_completion "apply batch check diff facts fleet help plan ports recover status" ""
expect_completion "plan ports" p
expect_completion "--help --version" --
expect_completion "--color --help --jobs --offset --quiet --repair --start-file --with" diff --
expect_completion "--backup" apply --b
expect_completion "--format" plan --f
expect_completion "--jobs" diff --j
expect_completion "" diff --x
expect_completion "" diff --jobs ""
expect_completion "" diff --offset ""
expect_completion "" batch --avoid ""
expect_completion "json" plan --format j
expect_completion "always auto never" diff --color = ""
expect_completion "markdown" ports --format = m
expect_completion "" plan wso2am-2.6.0 =
expect_completion "" plan wso2am-2.6.0 = ""
expect_completion "apply batch check diff facts fleet plan ports recover status" help ""
expect_completion "wso2am-2.6.0 wso2is-5.10.0" diff w
expect_completion "wso2am-2.6.0/repository" apply --offset 2 wso2am-2.6.0/
expect_completion "wso2is-5.10.0" plan wso2am-2.6.0=1 wso2i
expect_completion "wso2-notes.txt" ports --start-file wso2-n
expect_completion "check" fleet ""
expect_completion "--format --help --json" fleet check --
expect_completion "wso2-notes.txt" fleet check wso2-n

# Every command and option of the binary's synopsis is offered.
words=$(usage_words "$binary")
while read -r cmd opt; do
    got=$(candidates "${cmd:0:2}")
    [[ " $got " == *" $cmd "* ]] || fail "the completion does not offer command '$cmd'"
    if [ -n "$opt" ]; then
        got=$(candidates "$cmd" --)
        [[ " $got " == *" $opt "* ]] || fail "the completion does not offer '$opt' for '$cmd'"
    fi
done <<<"$words"
echo "completion: all cases passed"
