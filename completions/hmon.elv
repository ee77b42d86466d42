
use builtin;
use str;

set edit:completion:arg-completer[hmon] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hmon'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hmon'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand balance 'Show hbar and token balances of one or more accounts'
            cand records 'List an account''s transactions, newest first'
            cand tx 'Show one transaction and its child transactions'
            cand nodes 'List the network''s consensus nodes, optionally probing each one'
            cand network 'One-screen health summary of the network and its mirror node'
            cand canary 'Send one cheap transaction through a node and time it to consensus and to the mirror'
            cand watch 'Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe'
            cand serve 'Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)'
            cand alert 'Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)'
            cand config 'Show, locate or check the configuration'
            cand completions 'Print a shell completion script'
            cand generate 'Write completion scripts and man pages into a directory (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;balance'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;records'= {
            cand --limit 'How many transactions at most (pages through the mirror as needed)'
            cand --since 'Only transactions at or after TIME: RFC 3339, unix seconds, or a duration ago such as 2h or 7d'
            cand --until 'Only transactions at or before TIME (same forms as --since)'
            cand --type 'Only this transaction type, e.g. CRYPTOTRANSFER, TOKENMINT, CONSENSUSSUBMITMESSAGE'
            cand --result 'Only successful or only failed transactions'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --csv 'Print CSV (with a header row) for spreadsheets'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;tx'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;nodes'= {
            cand --ping-timeout 'Time limit for each node''s probe'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --ping 'Probe every node''s gRPC endpoint (a free CryptoGetInfo cost query) and report up/down and latency'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;network'= {
            cand --blocks 'How many recent blocks to average the TPS over'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;canary'= {
            cand --node 'Send through this node, by its account id (repeatable); default: one node of the address book, at random'
            cand --wait 'How long each try may wait, from sending to the record on the mirror (default: [canary] timeout, else 60s; at most 5m)'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --all-nodes 'Send through every node of the address book, one transaction each'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;watch'= {
            cand --interval 'How often to collect account and mirror data, e.g. 10s (at least 2s) [default: [collect] interval, else 10s]'
            cand --account 'An account to watch, in addition to the config''s [[accounts]] (repeatable)'
            cand --store 'Keep samples, alert state and the webhook outbox in this SQLite file [default: memory; with --once, <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --once 'Run one collection cycle, evaluate the rules, deliver the notifications, then exit (for cron: state, cursors and the outbox are kept in the store file from run to run)'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;serve'= {
            cand --listen 'Address to listen on; beyond loopback only with an API token (HMON_API_TOKEN or [serve] token_file) [default: [serve] listen, else 127.0.0.1:8754]'
            cand --store 'Keep samples, alert state and the webhook outbox in this SQLite file [default: <data dir>/hmon/hmon.db]'
            cand --log-format 'Log lines on stderr as text or as JSON objects, one a line (start, stop and, with -v, every request)'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --check 'Validate the configuration (accounts, rules, webhooks, collection, listen address, API token) and exit: 0 when valid, 3 when not. Opens neither the store nor the network'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a rule to the config file (validated first; comments and layout are kept)'
            cand list 'List the rules, and until when each is silenced'
            cand remove 'Remove a rule from the config file'
            cand test 'Send a clearly marked test notification for a rule through its webhooks and show each answer'
            cand silence 'Silence a rule''s notifications for a while, list the silences, or lift one'
            cand queue 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;alert;add'= {
            cand --name 'Unique rule name, e.g. low-balance'
            cand --metric 'Metric to watch, e.g. account_balance_hbar'
            cand --label 'Only series with this label (repeatable), e.g. --label account=0.0.1001'
            cand --condition 'One of >, >=, <, <=, ==, !=, changed, increased, decreased, absent (no sample for `--for`)'
            cand --threshold 'The value to compare with (not for changed/increased/decreased/absent)'
            cand --for 'How long the condition must hold before firing, e.g. 5m [default: 0s]'
            cand --repeat 'How often to notify again while firing [default: 4h]'
            cand --severity 'info, warning or critical [default: warning]'
            cand --webhook 'Webhook to notify (repeatable) [default: all webhooks]'
            cand --summary 'Message template: {value}, {threshold}, {rule}, {metric}, {severity}, {status}, {condition}, {labels.NAME}'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;list'= {
            cand --store 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;remove'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;test'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;silence'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id'
            cand list 'List the silences that have not ended, soonest end first'
            cand remove 'Lift a silence before it ends'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;alert;silence;add'= {
            cand --rule 'The rule to silence, by name (one of the config''s [[rules]])'
            cand --label 'Only the rule''s series with this label (repeatable), e.g. --label account=0.0.1001'
            cand --for 'How long, from now, e.g. 30m, 2h, 1d'
            cand --comment 'Why, for whoever reads `silence list` later'
            cand --store 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;silence;list'= {
            cand --store 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --all 'Also list the silences that ended in the last 7 days (older ones are deleted)'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;silence;remove'= {
            cand --store 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;silence;help'= {
            cand add 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id'
            cand list 'List the silences that have not ended, soonest end first'
            cand remove 'Lift a silence before it ends'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;alert;silence;help;add'= {
        }
        &'hmon;alert;silence;help;list'= {
        }
        &'hmon;alert;silence;help;remove'= {
        }
        &'hmon;alert;silence;help;help'= {
        }
        &'hmon;alert;queue'= {
            cand --store 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List pending notifications and dead letters (the default)'
            cand retry 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted'
            cand drop 'Delete a notification from the outbox for good'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;alert;queue;list'= {
            cand --store 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;queue;retry'= {
            cand --store 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --all-dead 'Every dead letter'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;queue;drop'= {
            cand --store 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]'
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;alert;queue;help'= {
            cand list 'List pending notifications and dead letters (the default)'
            cand retry 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted'
            cand drop 'Delete a notification from the outbox for good'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;alert;queue;help;list'= {
        }
        &'hmon;alert;queue;help;retry'= {
        }
        &'hmon;alert;queue;help;drop'= {
        }
        &'hmon;alert;queue;help;help'= {
        }
        &'hmon;alert;help'= {
            cand add 'Add a rule to the config file (validated first; comments and layout are kept)'
            cand list 'List the rules, and until when each is silenced'
            cand remove 'Remove a rule from the config file'
            cand test 'Send a clearly marked test notification for a rule through its webhooks and show each answer'
            cand silence 'Silence a rule''s notifications for a while, list the silences, or lift one'
            cand queue 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;alert;help;add'= {
        }
        &'hmon;alert;help;list'= {
        }
        &'hmon;alert;help;remove'= {
        }
        &'hmon;alert;help;test'= {
        }
        &'hmon;alert;help;silence'= {
            cand add 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id'
            cand list 'List the silences that have not ended, soonest end first'
            cand remove 'Lift a silence before it ends'
        }
        &'hmon;alert;help;silence;add'= {
        }
        &'hmon;alert;help;silence;list'= {
        }
        &'hmon;alert;help;silence;remove'= {
        }
        &'hmon;alert;help;queue'= {
            cand list 'List pending notifications and dead letters (the default)'
            cand retry 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted'
            cand drop 'Delete a notification from the outbox for good'
        }
        &'hmon;alert;help;queue;list'= {
        }
        &'hmon;alert;help;queue;retry'= {
        }
        &'hmon;alert;help;queue;drop'= {
        }
        &'hmon;alert;help;help'= {
        }
        &'hmon;config'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print the config file''s path'
            cand show 'Print the effective configuration, secrets masked, with where each value came from'
            cand check 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;config;path'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;config;show'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;config;check'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --require-operator 'Fail (exit 3) when no operator account and key are configured'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;config;help'= {
            cand path 'Print the config file''s path'
            cand show 'Print the effective configuration, secrets masked, with where each value came from'
            cand check 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;config;help;path'= {
        }
        &'hmon;config;help;show'= {
        }
        &'hmon;config;help;check'= {
        }
        &'hmon;config;help;help'= {
        }
        &'hmon;completions'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;generate'= {
            cand --network 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]'
            cand --mirror-url 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)'
            cand --config 'Config file [default: <config dir>/hmon/config.toml]'
            cand --color 'When to use colour; NO_COLOR in the environment also turns it off'
            cand --timeout 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]'
            cand --json 'Print JSON on stdout (and nothing else there)'
            cand -q 'Print no warnings or progress on stderr, errors only'
            cand --quiet 'Print no warnings or progress on stderr, errors only'
            cand -v 'Log requests and retries on stderr (-vv for more)'
            cand --verbose 'Log requests and retries on stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hmon;help'= {
            cand balance 'Show hbar and token balances of one or more accounts'
            cand records 'List an account''s transactions, newest first'
            cand tx 'Show one transaction and its child transactions'
            cand nodes 'List the network''s consensus nodes, optionally probing each one'
            cand network 'One-screen health summary of the network and its mirror node'
            cand canary 'Send one cheap transaction through a node and time it to consensus and to the mirror'
            cand watch 'Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe'
            cand serve 'Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)'
            cand alert 'Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)'
            cand config 'Show, locate or check the configuration'
            cand completions 'Print a shell completion script'
            cand generate 'Write completion scripts and man pages into a directory (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hmon;help;balance'= {
        }
        &'hmon;help;records'= {
        }
        &'hmon;help;tx'= {
        }
        &'hmon;help;nodes'= {
        }
        &'hmon;help;network'= {
        }
        &'hmon;help;canary'= {
        }
        &'hmon;help;watch'= {
        }
        &'hmon;help;serve'= {
        }
        &'hmon;help;alert'= {
            cand add 'Add a rule to the config file (validated first; comments and layout are kept)'
            cand list 'List the rules, and until when each is silenced'
            cand remove 'Remove a rule from the config file'
            cand test 'Send a clearly marked test notification for a rule through its webhooks and show each answer'
            cand silence 'Silence a rule''s notifications for a while, list the silences, or lift one'
            cand queue 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them'
        }
        &'hmon;help;alert;add'= {
        }
        &'hmon;help;alert;list'= {
        }
        &'hmon;help;alert;remove'= {
        }
        &'hmon;help;alert;test'= {
        }
        &'hmon;help;alert;silence'= {
            cand add 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id'
            cand list 'List the silences that have not ended, soonest end first'
            cand remove 'Lift a silence before it ends'
        }
        &'hmon;help;alert;silence;add'= {
        }
        &'hmon;help;alert;silence;list'= {
        }
        &'hmon;help;alert;silence;remove'= {
        }
        &'hmon;help;alert;queue'= {
            cand list 'List pending notifications and dead letters (the default)'
            cand retry 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted'
            cand drop 'Delete a notification from the outbox for good'
        }
        &'hmon;help;alert;queue;list'= {
        }
        &'hmon;help;alert;queue;retry'= {
        }
        &'hmon;help;alert;queue;drop'= {
        }
        &'hmon;help;config'= {
            cand path 'Print the config file''s path'
            cand show 'Print the effective configuration, secrets masked, with where each value came from'
            cand check 'Validate the configuration and the operator key; checks the key against the account when the mirror answers'
        }
        &'hmon;help;config;path'= {
        }
        &'hmon;help;config;show'= {
        }
        &'hmon;help;config;check'= {
        }
        &'hmon;help;completions'= {
        }
        &'hmon;help;generate'= {
        }
        &'hmon;help;help'= {
        }
    ]
    $completions[$command]
}
