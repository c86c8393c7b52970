# bash completion for portshift: commands, their options, option values and
# home folders. Installed as share/bash-completion/completions/portshift;
# works on its own too (source it), as it needs no bash-completion helper.

_portshift_commands="plan diff apply ports check batch recover status facts fleet help"

# The options of each command: the parser's (tests/package/options.sh checks them).
_portshift_options()
{
    local common="--help --jobs"
    case $1 in
    plan) echo "--offset --repair --json --format --start-file --with $common" ;;
    ports) echo "--offset --json --format --start-file $common" ;;
    diff) echo "--offset --repair --color --quiet --start-file --with $common" ;;
    apply) echo "--offset --repair --backup --force --quiet --start-file --with $common" ;;
    check) echo "--listening --json --format --start-file --with $common" ;;
    batch) echo "--first --avoid --listening --diff --apply --force --color --json --format --start-file $common" ;;
    recover) echo "--discard --force --start-file --help --quiet" ;;
    status) echo "--json --format --start-file $common" ;;
    facts) echo "--host-name --start-file $common" ;;
    fleet) echo "--json --format --help" ;;
    esac
}

_portshift()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd="" i
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    # bash splits `--format=json` and `HOME=2` at '=' (COMP_WORDBREAKS): the
    # option or word before the '=' says what the value is.
    local opt=$prev after_eq=""
    if [[ $cur == "=" ]]; then
        opt=$prev cur="" after_eq=1
    elif [[ $prev == "=" ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]} after_eq=1
    elif [[ $cur == *=* ]]; then
        opt=${cur%%=*} cur=${cur#*=} after_eq=1
    fi
    case $opt in
    --format) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --offset | -o | --first | --avoid | --jobs | -j) return ;; # a number or a list of ports
    --start-file | --with)
        # a file outside the homes: a systemd unit, an environment file;
        # another host's facts (portshift facts)
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    esac
    # HOME=N: an offset follows the '='.
    [[ -n $after_eq ]] && return

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_portshift_commands" -- "$cur"))
        fi
        return
    fi
    if [[ $cmd == help ]]; then
        [[ $prev == help ]] && COMPREPLY=($(compgen -W "${_portshift_commands% help}" -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_portshift_options "$cmd")" -- "$cur"))
        return
    fi
    # fleet check FACTS.json...: its subcommand, then files.
    if [[ $cmd == fleet ]]; then
        if [[ $prev == fleet ]]; then
            COMPREPLY=($(compgen -W "check" -- "$cur"))
        else
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi
    # A home is a folder.
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$cur"))
}

complete -F _portshift portshift
