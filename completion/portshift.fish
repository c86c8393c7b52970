# fish completion for portshift: commands, their options, option values and
# home folders. Installed as share/fish/vendor_completions.d/portshift.fish,
# which fish loads when portshift is first completed. Each command offers the
# options that completion/portshift.bash offers (tests/package/shells.sh
# checks it).

set -l commands plan diff apply ports check batch recover status facts fleet help
# true when the command line's command is one of the arguments
function __portshift_command_is
    set -l words (commandline -opc)
    for w in $words[2..-1]
        switch $w
            case '-*'
                continue
            case '*'
                contains -- $w $argv
                return
        end
    end
    return 1
end

# Nothing completes to a file: homes are folders.
complete -c portshift -f
set -l none "not __fish_seen_subcommand_from $commands"
complete -c portshift -n $none -l help -d 'show the usage'
complete -c portshift -n $none -l version -d 'print the version'
complete -c portshift -n $none -a plan -d 'every port site and what would happen to it'
complete -c portshift -n $none -a diff -d 'unified diff of the change, nothing written'
complete -c portshift -n $none -a apply -d 'write the change in place'
complete -c portshift -n $none -a ports -d 'effective listening ports per runtime'
complete -c portshift -n $none -a check -d 'clashes, ports in use, stale and ambiguous references'
complete -c portshift -n $none -a batch -d 'non-conflicting offsets for every home'
complete -c portshift -n $none -a recover -d 'finish (or drop) an interrupted apply'
complete -c portshift -n $none -a status -d 'one line per home: offsets, HTTPS port, running, clashes'
complete -c portshift -n $none -a facts -d "this host's names, homes, listeners and references, as JSON"
complete -c portshift -n $none -a fleet -d 'check the references between hosts from their facts'
complete -c portshift -n $none -a help -d 'the help of a command'
complete -c portshift -n '__portshift_command_is help; and test (count (commandline -opc)) -eq 2' \
    -a 'plan diff apply ports check batch recover status facts fleet'

# The options, each with the commands that take it (as in portshift.bash).
complete -c portshift -n '__portshift_command_is plan ports diff apply' -s o -l offset -x \
    -d 'target offset of the homes without one'
complete -c portshift -n '__portshift_command_is plan diff apply' -l repair \
    -d "set stale self references to their listener's port"
complete -c portshift -n '__portshift_command_is plan ports check batch status fleet' -l json \
    -d 'the same as --format json'
complete -c portshift -n '__portshift_command_is plan ports check batch status fleet' -l format -x \
    -a 'text json markdown' -d 'output format'
complete -c portshift -n '__portshift_command_is diff batch' -l color -x -a 'auto always never' \
    -d 'colour the diff'
complete -c portshift -n '__portshift_command_is apply' -l backup -d 'keep each original as FILE.bak'
complete -c portshift -n '__portshift_command_is apply batch recover' -l force \
    -d 'even when wso2carbon.pid names a live process'
complete -c portshift -n '__portshift_command_is check batch' -l listening \
    -d 'also the ports bound on this host'
complete -c portshift -n '__portshift_command_is batch' -l first -x \
    -d 'the smallest offset to give a home that must move'
complete -c portshift -n '__portshift_command_is batch' -l avoid -x \
    -d 'ports or ranges no listener may take'
complete -c portshift -n '__portshift_command_is batch' -l diff -d 'print the diff of the assignment'
complete -c portshift -n '__portshift_command_is batch' -l apply -d 'apply the assignment'
complete -c portshift -n '__portshift_command_is recover' -l discard \
    -d 'drop the record, keep every file as it is'
complete -c portshift -n '__portshift_command_is plan ports diff apply check batch recover status facts' -l start-file -r -F \
    -d 'a unit, environment file or script outside the home that starts it'
complete -c portshift -n '__portshift_command_is plan ports diff apply check batch recover status facts fleet' -l help \
    -d "show the command's help"
complete -c portshift -n '__portshift_command_is diff apply recover' -s q -l quiet \
    -d 'no summary line'
complete -c portshift -n '__portshift_command_is plan ports diff apply check batch status facts' -s j -l jobs -x \
    -d 'homes loaded at once'

complete -c portshift -n '__portshift_command_is facts' -l host-name -x \
    -d 'another name this host is reached by'
complete -c portshift -n '__portshift_command_is plan diff apply check' -l with -r -F \
    -d "another host's facts (portshift facts)"

# A home is a folder (HOME=N takes an offset after the '=').
complete -c portshift -n '__portshift_command_is plan ports diff apply check batch recover status facts' \
    -a '(__fish_complete_directories (commandline -ct))'

# fleet check FACTS.json...: its subcommand, then files.
complete -c portshift -n '__portshift_command_is fleet; and test (count (commandline -opc)) -eq 2' \
    -a check -d 'the references between hosts, from their facts'
complete -c portshift -n '__portshift_command_is fleet; and test (count (commandline -opc)) -gt 2' -F
