# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hmon_global_optspecs
    string join \n network= mirror-url= config= json color= q/quiet v/verbose timeout= h/help V/version
end

function __fish_hmon_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hmon_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hmon_using_subcommand
    set -l cmd (__fish_hmon_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hmon -n "__fish_hmon_needs_command" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_needs_command" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_needs_command" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_needs_command" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_needs_command" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_needs_command" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_needs_command" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_needs_command" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_needs_command" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_needs_command" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "balance" -d 'Show hbar and token balances of one or more accounts'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "records" -d 'List an account\'s transactions, newest first'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "tx" -d 'Show one transaction and its child transactions'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "nodes" -d 'List the network\'s consensus nodes, optionally probing each one'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "network" -d 'One-screen health summary of the network and its mirror node'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "config" -d 'Show, locate or check the configuration'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "generate" -d 'Write completion scripts and man pages into a directory (for packagers)'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand balance" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand balance" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand balance" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand balance" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand balance" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand balance" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand balance" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand balance" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand balance" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand balance" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand records" -l limit -d 'How many transactions at most (pages through the mirror as needed)' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l since -d 'Only transactions at or after TIME: RFC 3339, unix seconds, or a duration ago such as 2h or 7d' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l until -d 'Only transactions at or before TIME (same forms as --since)' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l type -d 'Only this transaction type, e.g. CRYPTOTRANSFER, TOKENMINT, CONSENSUSSUBMITMESSAGE' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l result -d 'Only successful or only failed transactions' -r -f -a "success\t''
fail\t''"
complete -c hmon -n "__fish_hmon_using_subcommand records" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand records" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand records" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand records" -l csv -d 'Print CSV (with a header row) for spreadsheets'
complete -c hmon -n "__fish_hmon_using_subcommand records" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand records" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand records" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand records" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand records" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand tx" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand tx" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand tx" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand tx" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand tx" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand tx" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand tx" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand tx" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand tx" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand tx" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l ping-timeout -d 'Time limit for each node\'s probe' -r
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l ping -d 'Probe every node\'s gRPC endpoint (a free CryptoGetInfo cost query) and report up/down and latency'
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand nodes" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand network" -l blocks -d 'How many recent blocks to average the TPS over' -r
complete -c hmon -n "__fish_hmon_using_subcommand network" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand network" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand network" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand network" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand network" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand network" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand network" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand network" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand network" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand network" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "path" -d 'Print the config file\'s path'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "show" -d 'Print the effective configuration, secrets masked, with where each value came from'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "check" -d 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
complete -c hmon -n "__fish_hmon_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l require-operator -d 'Fail (exit 3) when no operator account and key are configured'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective configuration, secrets masked, with where each value came from'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
complete -c hmon -n "__fish_hmon_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand completions" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand completions" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand completions" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand completions" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand completions" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand completions" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand completions" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand completions" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand generate" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand generate" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand generate" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand generate" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand generate" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand generate" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand generate" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand generate" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand generate" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand generate" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "balance" -d 'Show hbar and token balances of one or more accounts'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "records" -d 'List an account\'s transactions, newest first'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "tx" -d 'Show one transaction and its child transactions'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "nodes" -d 'List the network\'s consensus nodes, optionally probing each one'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "network" -d 'One-screen health summary of the network and its mirror node'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "config" -d 'Show, locate or check the configuration'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "completions" -d 'Print a shell completion script'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "generate" -d 'Write completion scripts and man pages into a directory (for packagers)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network config completions generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration, secrets masked, with where each value came from'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
