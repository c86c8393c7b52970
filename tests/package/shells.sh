#!/usr/bin/env bash
# The zsh or the fish completion: the shell parses it (zsh -n, fish -n), loads
# it by the name it is installed under, and offers the commands and, for each
# command, exactly the long options the bash completion offers (its
# _portshift_options table), the values of --format and --color, and folders
# for HOME.
# usage: shells.sh zsh|fish SOURCE_DIR PORTSHIFT_BINARY
set -euo pipefail
shell=$1 src=$(realpath "$2") binary=$(realpath "$3")
. "$src/tests/support/testlib.sh"
command -v "$shell" >/dev/null || skip "$shell is not installed (Debian package $shell)"
. "$src/completion/portshift.bash"

make_scratch
mkdir -p "$scratch/homes/wso2am-2.6.0" "$scratch/homes/wso2is-5.10.0"
touch "$scratch/homes/wso2-notes.txt"
export HOME=$scratch XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data

# sorted, space-separated
words_of() { sort -u | tr '\n' ' ' | sed 's/ $//'; }

case $shell in
zsh)
    file=$src/completion/_portshift
    # Loaded as completion functions are: compinit reads its #compdef line.
    mkdir "$scratch/fpath"
    cp "$file" "$scratch/fpath/_portshift"
    # candidates WORD...: what _portshift offers for the last word of
    # `portshift WORD...`: the names it hands _describe, the long options of
    # the specs it hands _arguments (descriptions left out), and "DIRS" when
    # it hands folders.
    candidates() {
        zsh -f -c '
            compdef() { :; }
            _describe() { print -rl -- "${(@)${(@P)4}%%:*}"; }
            _directories() { print DIRS; }
            _arguments() {
                local spec
                for spec in "$@"; do
                    [[ $spec == "*:home:_directories" ]] && { _directories; continue; }
                    spec=${spec#\(*\)}
                    spec=${spec#\*} # a repeatable option
                    [[ $spec == (#b)(--[a-z-]##)* ]] && print -r -- $match[1]
                    [[ $spec == (#b)*:\((*)\) ]] && print -rl -- "values:"${(s: :)^match[1]}
                done
            }
            setopt extendedglob
            source "$1"
            shift
            words=(portshift "$@")
            CURRENT=${#words}
            PREFIX=${words[-1]}
            _portshift' zsh "$file" "$@" | words_of
    }
    zsh -n "$file" || fail "zsh -n rejects $file"
    loaded=$(zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[portshift]' \
        zsh "$scratch/fpath")
    [ "$loaded" = _portshift ] || fail "compinit does not bind _portshift to portshift: '$loaded'"
    ;;
fish)
    file=$src/completion/portshift.fish
    # Loaded from a vendor_completions.d folder as the package installs it;
    # fish loads a command's completion only when the command is on PATH.
    mkdir "$scratch/completions" "$scratch/bin"
    cp "$file" "$scratch/completions/portshift.fish"
    ln -s "$binary" "$scratch/bin/portshift"
    export PATH=$scratch/bin:$PATH
    candidates() {
        local line="portshift $*"
        # shellcheck disable=SC2016 # fish expands $argv
        fish --no-config -c 'set -p fish_complete_path $argv[1]; complete -C $argv[2]' \
            "$scratch/completions" "$line" | cut -f1 | words_of
    }
    fish -n "$file" || fail "fish -n rejects $file"
    ;;
*) fail "no completion for shell '$shell'" ;;
esac

# The commands and the top level's options, as in tests/package/completion.sh.
expect_completion "$(tr ' ' '\n' <<<"$_portshift_commands" | words_of)" ""
expect_completion "--help --version" --
expect_completion "$(tr ' ' '\n' <<<"${_portshift_commands% help}" | words_of)" help ""
# Each command's long options: those of the bash completion, no more, no less.
for cmd in ${_portshift_commands% help}; do
    want=$(_portshift_options "$cmd" | tr ' ' '\n' | words_of)
    [ -n "$want" ] || fail "the bash completion lists no option for $cmd"
    got=$(candidates "$cmd" -- | tr ' ' '\n' | grep -- '^--' | words_of || true)
    [ "$got" = "$want" ] || fail "$shell: the options of '$cmd' differ from bash's: got '$got', want '$want'"
done

# Values and homes.
case $shell in
zsh)
    # _arguments completes values and folders from the specs handed to it.
    got=" $(candidates plan "") "
    [[ $got == *" values:json values:markdown values:text "* ]] || fail "zsh: plan's --format values: $got"
    [[ $got == *" DIRS "* ]] || fail "zsh: a HOME of plan does not complete to folders: $got"
    got=" $(candidates diff "") "
    [[ $got == *" values:always values:auto values:never "* ]] || fail "zsh: diff's --color values: $got"
    ;;
fish)
    expect_completion "json markdown text" plan --format ""
    expect_completion "--color=always --color=auto --color=never" diff --color=
    expect_completion "" diff --offset ""
    (cd "$scratch/homes" && expect_completion "wso2am-2.6.0/ wso2is-5.10.0/" diff w)
    ;;
esac
echo "$shell completion: parses, loads, and offers what the bash completion offers"
