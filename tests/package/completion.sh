#!/usr/bin/env bash
# The bash completion: commands, each command's options, option values, no
# completion where a number goes, and folders for HOME. It must offer every
# command and option that the binary's synopsis names.
# usage: completion.sh SOURCE_DIR PORTSHIFT_BINARY
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2")
. "$src/tests/support/testlib.sh"
. "$src/completion/portshift.bash"

# complete WORD...: the candidates for the last word of `portshift WORD...`,
# sorted, space-separated.
complete_words() {
    COMP_WORDS=(portshift "$@")
    COMP_CWORD=$#
    COMP_LINE="portshift $*"
    COMP_POINT=${#COMP_LINE}
    _portshift
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() {
    local want=$1
    shift
    local got
    got=$(complete_words "$@")
    [ "$got" = "$want" ] || fail "portshift $*<TAB>: got '$got', want '$want'"
}

make_scratch
mkdir -p "$scratch/wso2am-2.6.0/repository" "$scratch/wso2is-5.10.0"
touch "$scratch/wso2-notes.txt"
cd "$scratch"

expect "apply batch check diff help plan ports recover" ""
expect "plan ports" p
expect "--help --version" --
expect "--color --help --jobs --offset --quiet --repair --start-file" diff --
expect "--backup" apply --b
expect "--format" plan --f
expect "--jobs" diff --j
expect "" diff --x
expect "" diff --jobs ""
expect "" diff --offset ""
expect "" batch --avoid ""
expect "json" plan --format j
expect "always auto never" diff --color = ""
expect "markdown" ports --format = m
expect "" plan wso2am-2.6.0 =
expect "" plan wso2am-2.6.0 = ""
expect "apply batch check diff plan ports recover" help ""
expect "wso2am-2.6.0 wso2is-5.10.0" diff w
expect "wso2am-2.6.0/repository" apply --offset 2 wso2am-2.6.0/
expect "wso2is-5.10.0" plan wso2am-2.6.0=1 wso2i
expect "wso2-notes.txt" ports --start-file wso2-n

# Every command and option of the binary's synopsis is offered.
words=$(usage_words "$binary")
while read -r cmd opt; do
    got=$(complete_words "${cmd:0:2}")
    [[ " $got " == *" $cmd "* ]] || fail "the completion does not offer command '$cmd'"
    if [ -n "$opt" ]; then
        got=$(complete_words "$cmd" --)
        [[ " $got " == *" $opt "* ]] || fail "the completion does not offer '$opt' for '$cmd'"
    fi
done <<<"$words"
echo "completion: all cases passed"
