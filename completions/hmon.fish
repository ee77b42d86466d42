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
complete -c hmon -n "__fish_hmon_needs_command" -f -a "canary" -d 'Send one cheap transaction through a node and time it to consensus and to the mirror'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "watch" -d 'Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "serve" -d 'Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)'
complete -c hmon -n "__fish_hmon_needs_command" -f -a "alert" -d 'Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)'
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
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l node -d 'Send through this node, by its account id (repeatable); default: one node of the address book, at random' -r
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l wait -d 'How long each try may wait, from sending to the record on the mirror (default: [canary] timeout, else 60s; at most 5m)' -r
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l all-nodes -d 'Send through every node of the address book, one transaction each'
complete -c hmon -n "__fish_hmon_using_subcommand canary" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand canary" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand canary" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand canary" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand canary" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l interval -d 'How often to collect account and mirror data, e.g. 10s (at least 2s) [default: [collect] interval, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l account -d 'An account to watch, in addition to the config\'s [[accounts]] (repeatable)' -r
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l store -d 'Keep samples, alert state and the webhook outbox in this SQLite file [default: memory; with --once, <data dir>/hmon/hmon.db]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l once -d 'Run one collection cycle, evaluate the rules, deliver the notifications, then exit (for cron: state, cursors and the outbox are kept in the store file from run to run)'
complete -c hmon -n "__fish_hmon_using_subcommand watch" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand watch" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand watch" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand watch" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand watch" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l listen -d 'Address to listen on; beyond loopback only with an API token (HMON_API_TOKEN or [serve] token_file) [default: [serve] listen, else 127.0.0.1:8754]' -r
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l store -d 'Keep samples, alert state and the webhook outbox in this SQLite file [default: <data dir>/hmon/hmon.db]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l log-format -d 'Log lines on stderr as text or as JSON objects, one a line (start, stop and, with -v, every request)' -r -f -a "text\t'One human-readable line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format), for journald or a log shipper'"
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l check -d 'Validate the configuration (accounts, rules, webhooks, collection, listen address, API token) and exit: 0 when valid, 3 when not. Opens neither the store nor the network'
complete -c hmon -n "__fish_hmon_using_subcommand serve" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand serve" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand serve" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hmon -n "__fish_hmon_using_subcommand serve" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "add" -d 'Add a rule to the config file (validated first; comments and layout are kept)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "list" -d 'List the rules, and until when each is silenced'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "remove" -d 'Remove a rule from the config file'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "test" -d 'Send a clearly marked test notification for a rule through its webhooks and show each answer'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "silence" -d 'Silence a rule\'s notifications for a while, list the silences, or lift one'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "queue" -d 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and not __fish_seen_subcommand_from add list remove test silence queue help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l name -d 'Unique rule name, e.g. low-balance' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l metric -d 'Metric to watch, e.g. account_balance_hbar' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l label -d 'Only series with this label (repeatable), e.g. --label account=0.0.1001' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l condition -d 'One of >, >=, <, <=, ==, !=, changed, increased, decreased, absent (no sample for `--for`)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l threshold -d 'The value to compare with (not for changed/increased/decreased/absent)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l for -d 'How long the condition must hold before firing, e.g. 5m [default: 0s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l repeat -d 'How often to notify again while firing [default: 4h]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l severity -d 'info, warning or critical [default: warning]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l webhook -d 'Webhook to notify (repeatable) [default: all webhooks]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l summary -d 'Message template: {value}, {threshold}, {rule}, {metric}, {severity}, {status}, {condition}, {labels.NAME}' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l store -d 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -f -a "add" -d 'Silence a rule\'s notifications for a while (only its series with the given labels, when given); prints the new silence\'s id'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -f -a "list" -d 'List the silences that have not ended, soonest end first'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -f -a "remove" -d 'Lift a silence before it ends'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from silence" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l store -d 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l network -d 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config\'s `network`, else testnet]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l mirror-url -d 'Mirror node base URL, overriding the network\'s (e.g. http://127.0.0.1:5551)' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l config -d 'Config file [default: <config dir>/hmon/config.toml]' -r -F
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l color -d 'When to use colour; NO_COLOR in the environment also turns it off' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l timeout -d 'Time limit for each network request, e.g. 500ms, 10s [default: the config\'s `timeout`, else 10s]' -r
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -l json -d 'Print JSON on stdout (and nothing else there)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -s q -l quiet -d 'Print no warnings or progress on stderr, errors only'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -s v -l verbose -d 'Log requests and retries on stderr (-vv for more)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -s h -l help -d 'Print help'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -s V -l version -d 'Print version'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -f -a "list" -d 'List pending notifications and dead letters (the default)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -f -a "retry" -d 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -f -a "drop" -d 'Delete a notification from the outbox for good'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from queue" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a rule to the config file (validated first; comments and layout are kept)'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the rules, and until when each is silenced'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a rule from the config file'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a clearly marked test notification for a rule through its webhooks and show each answer'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "silence" -d 'Silence a rule\'s notifications for a while, list the silences, or lift one'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "queue" -d 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them'
complete -c hmon -n "__fish_hmon_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "balance" -d 'Show hbar and token balances of one or more accounts'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "records" -d 'List an account\'s transactions, newest first'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "tx" -d 'Show one transaction and its child transactions'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "nodes" -d 'List the network\'s consensus nodes, optionally probing each one'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "network" -d 'One-screen health summary of the network and its mirror node'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "canary" -d 'Send one cheap transaction through a node and time it to consensus and to the mirror'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "watch" -d 'Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "serve" -d 'Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "alert" -d 'Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "config" -d 'Show, locate or check the configuration'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "completions" -d 'Print a shell completion script'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "generate" -d 'Write completion scripts and man pages into a directory (for packagers)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and not __fish_seen_subcommand_from balance records tx nodes network canary watch serve alert config completions generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "add" -d 'Add a rule to the config file (validated first; comments and layout are kept)'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "list" -d 'List the rules, and until when each is silenced'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "remove" -d 'Remove a rule from the config file'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "test" -d 'Send a clearly marked test notification for a rule through its webhooks and show each answer'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "silence" -d 'Silence a rule\'s notifications for a while, list the silences, or lift one'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "queue" -d 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration, secrets masked, with where each value came from'
complete -c hmon -n "__fish_hmon_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
