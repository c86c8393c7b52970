#!/usr/bin/env bash
# Each command's options as the parser takes them (its own table, printed by
# options_table) against every place that lists them for users: the
# synopsis of COMMAND --help (and its Options, which may name fewer), the
# man page's SYNOPSIS, README's Commands block, and each completion in
# completion/ whose shell is here. Exactly those options: one missing, or
# one the command refuses, fails. -h/--help is left out of the synopses,
# which name it once for all commands.
# usage: options.sh SOURCE_DIR PORTSHIFT_BINARY OPTIONS_TABLE_PROGRAM
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2") table_program=$(realpath "$3")
. "$src/tests/support/testlib.sh"

table=$("$table_program") || fail "options_table failed"
commands=$(cut -d' ' -f1 <<<"$table" | uniq)
[ "$(wc -w <<<"$commands")" -ge 7 ] || fail "the table names too few commands: $commands"

# The table's long options of command $1, sorted, space-separated.
taken() { awk -v c="$1" '$1 == c { print $2 }' <<<"$table" | sort | tr '\n' ' ' | sed 's/ $//'; }
# The same without --help.
taken_in_synopsis() { taken "$1" | sed -E 's/(^| )--help( |$)/\1/; s/ $//'; }

# The options named in text on stdin, as long options of command $1 (a
# letter such as -o becomes --offset by the table; one the command lacks
# stays as written, so it shows as extra), sorted, space-separated.
named() {
    local text
    text=$(cat)
    {
        grep -oE -- '--[a-z][a-z-]*' <<<"$text" || true
        { grep -oE -- '(^|[][ |])-[a-z]([^a-zA-Z]|$)' <<<"$text" || true; } | grep -oE -- '-[a-z]' |
            while read -r letter; do
                long=$(awk -v c="$1" -v s="$letter" '$1 == c && $3 == s { print $2 }' <<<"$table")
                echo "${long:-$letter}"
            done || true
    } | sort -u | tr '\n' ' ' | sed 's/ $//'
}

failures=0
# same WHAT WANT GOT: reports a difference and counts it.
same() {
    [ "$2" = "$3" ] && return
    echo "FAIL: $1: lists '$3', the parser takes '$2'" >&2
    failures=$((failures + 1))
}

page=$src/doc/portshift.1
readme=$src/README.md
for cmd in $commands; do
    want=$(taken_in_synopsis "$cmd")

    # COMMAND --help: the synopsis (up to the first blank line) lists them all;
    # each option of the Options section is one the command takes.
    help=$("$binary" "$cmd" --help)
    same "'$cmd --help' synopsis" "$want" "$(sed '/^$/q' <<<"$help" | named "$cmd")"
    described=$(sed -n '/^Options:$/,/^$/p' <<<"$help" | { grep -E '^ +(-[a-z], )?--' || true; } |
        sed -E 's/^ +((-[a-z], )?--[a-z-]+).*/\1/' | named "$cmd")
    for opt in $described; do
        [[ " $(taken "$cmd") " == *" $opt "* ]] ||
            same "'$cmd --help' Options ($opt)" "$(taken "$cmd")" "$described"
    done

    # The man page: the SYNOPSIS entry of the command (.SY to the next .SY or .YS).
    synopsis=$(sed 's/\\-/-/g' "$page" |
        awk -v sy=".SY \"portshift $cmd\"" '$0 == sy { on = 1; next } /^\.(SY|YS)/ { on = 0 } on')
    [ -n "$synopsis" ] || fail "the man page has no .SY \"portshift $cmd\""
    same "the man page's synopsis of $cmd" "$want" "$(named "$cmd" <<<"$synopsis")"

    # README's Commands block: the line of the command and the indented ones after it.
    line=$(awk -v c="portshift $cmd " '
        /^## Commands/ { block = 1 } block && /^```$/ { fence++ } fence == 2 { exit }
        index($0, c) == 1 { on = 1; print; next } on && /^ / { print; next } { on = 0 }' "$readme")
    [ -n "$line" ] || fail "README's Commands block has no line for $cmd"
    same "README's synopsis of $cmd" "$want" "$(named "$cmd" <<<"$line")"
done

# The completions: each file of completion/ for a shell this check knows.
# zsh's is checked against the bash one by shells.sh (its _arguments specs
# need a shell stub to read); a new file needs a case here or there.
checked=""
for file in "$src"/completion/*; do
    name=$(basename "$file")
    case $name in
    portshift.bash)
        command -v bash >/dev/null || continue
        for cmd in $commands; do
            got=$(bash -c '. "$1"; _portshift_options "$2"' bash "$file" "$cmd" | tr ' ' '\n' |
                sort -u | tr '\n' ' ' | sed 's/ $//')
            same "$name, $cmd" "$(taken "$cmd")" "$got"
        done
        ;;
    portshift.fish)
        command -v fish >/dev/null || { echo "note: fish is not installed: $name not checked"; continue; }
        make_scratch
        mkdir "$scratch/completions" "$scratch/bin"
        cp "$file" "$scratch/completions/portshift.fish"
        ln -s "$binary" "$scratch/bin/portshift"
        for cmd in $commands; do
            got=$(PATH=$scratch/bin:$PATH HOME=$scratch XDG_CONFIG_HOME=$scratch XDG_DATA_HOME=$scratch \
                fish --no-config -c 'set -p fish_complete_path $argv[1]; complete -C $argv[2]' \
                "$scratch/completions" "portshift $cmd --" | cut -f1 | grep -E '^--' | sort -u |
                tr '\n' ' ' | sed 's/ $//')
            same "$name, $cmd" "$(taken "$cmd")" "$got"
        done
        ;;
    _portshift) ;; # shells.sh
    *) fail "no check of completion/$name: add one to options.sh or shells.sh" ;;
    esac
    checked="$checked $name"
done

[ "$failures" -eq 0 ] || fail "$failures lists differ from the parser's table"
echo "options: help, man page, README and completions ($checked ) list the parser's options"
