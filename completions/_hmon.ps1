
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hmon' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hmon'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hmon' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('balance', 'balance', [CompletionResultType]::ParameterValue, 'Show hbar and token balances of one or more accounts')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'List an account''s transactions, newest first')
            [CompletionResult]::new('tx', 'tx', [CompletionResultType]::ParameterValue, 'Show one transaction and its child transactions')
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List the network''s consensus nodes, optionally probing each one')
            [CompletionResult]::new('network', 'network', [CompletionResultType]::ParameterValue, 'One-screen health summary of the network and its mirror node')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Send one cheap transaction through a node and time it to consensus and to the mirror')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)')
            [CompletionResult]::new('alert', 'alert', [CompletionResultType]::ParameterValue, 'Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show, locate or check the configuration')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write completion scripts and man pages into a directory (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;balance' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;records' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many transactions at most (pages through the mirror as needed)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only transactions at or after TIME: RFC 3339, unix seconds, or a duration ago such as 2h or 7d')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only transactions at or before TIME (same forms as --since)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only this transaction type, e.g. CRYPTOTRANSFER, TOKENMINT, CONSENSUSSUBMITMESSAGE')
            [CompletionResult]::new('--result', '--result', [CompletionResultType]::ParameterName, 'Only successful or only failed transactions')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV (with a header row) for spreadsheets')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;tx' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;nodes' {
            [CompletionResult]::new('--ping-timeout', '--ping-timeout', [CompletionResultType]::ParameterName, 'Time limit for each node''s probe')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--ping', '--ping', [CompletionResultType]::ParameterName, 'Probe every node''s gRPC endpoint (a free CryptoGetInfo cost query) and report up/down and latency')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;network' {
            [CompletionResult]::new('--blocks', '--blocks', [CompletionResultType]::ParameterName, 'How many recent blocks to average the TPS over')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;canary' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Send through this node, by its account id (repeatable); default: one node of the address book, at random')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long each try may wait, from sending to the record on the mirror (default: [canary] timeout, else 60s; at most 5m)')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--all-nodes', '--all-nodes', [CompletionResultType]::ParameterName, 'Send through every node of the address book, one transaction each')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;watch' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to collect account and mirror data, e.g. 10s (at least 2s) [default: [collect] interval, else 10s]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'An account to watch, in addition to the config''s [[accounts]] (repeatable)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep samples, alert state and the webhook outbox in this SQLite file [default: memory; with --once, <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Run one collection cycle, evaluate the rules, deliver the notifications, then exit (for cron: state, cursors and the outbox are kept in the store file from run to run)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on; beyond loopback only with an API token (HMON_API_TOKEN or [serve] token_file) [default: [serve] listen, else 127.0.0.1:8754]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep samples, alert state and the webhook outbox in this SQLite file [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines on stderr as text or as JSON objects, one a line (start, stop and, with -v, every request)')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Validate the configuration (accounts, rules, webhooks, collection, listen address, API token) and exit: 0 when valid, 3 when not. Opens neither the store nor the network')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a rule to the config file (validated first; comments and layout are kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the rules, and until when each is silenced')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule from the config file')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a clearly marked test notification for a rule through its webhooks and show each answer')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while, list the silences, or lift one')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;alert;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Unique rule name, e.g. low-balance')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Metric to watch, e.g. account_balance_hbar')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Only series with this label (repeatable), e.g. --label account=0.0.1001')
            [CompletionResult]::new('--condition', '--condition', [CompletionResultType]::ParameterName, 'One of >, >=, <, <=, ==, !=, changed, increased, decreased, absent (no sample for `--for`)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'The value to compare with (not for changed/increased/decreased/absent)')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'How long the condition must hold before firing, e.g. 5m [default: 0s]')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'How often to notify again while firing [default: 4h]')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'info, warning or critical [default: warning]')
            [CompletionResult]::new('--webhook', '--webhook', [CompletionResultType]::ParameterName, 'Webhook to notify (repeatable) [default: all webhooks]')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Message template: {value}, {threshold}, {rule}, {metric}, {severity}, {status}, {condition}, {labels.NAME}')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;list' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;remove' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;test' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;silence' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the silences that have not ended, soonest end first')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift a silence before it ends')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;alert;silence;add' {
            [CompletionResult]::new('--rule', '--rule', [CompletionResultType]::ParameterName, 'The rule to silence, by name (one of the config''s [[rules]])')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Only the rule''s series with this label (repeatable), e.g. --label account=0.0.1001')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'How long, from now, e.g. 30m, 2h, 1d')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Why, for whoever reads `silence list` later')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;silence;list' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list the silences that ended in the last 7 days (older ones are deleted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;silence;remove' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;silence;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the silences that have not ended, soonest end first')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift a silence before it ends')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;alert;silence;help;add' {
            break
        }
        'hmon;alert;silence;help;list' {
            break
        }
        'hmon;alert;silence;help;remove' {
            break
        }
        'hmon;alert;silence;help;help' {
            break
        }
        'hmon;alert;queue' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending notifications and dead letters (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a notification from the outbox for good')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;alert;queue;list' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;queue;retry' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--all-dead', '--all-dead', [CompletionResultType]::ParameterName, 'Every dead letter')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;queue;drop' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;alert;queue;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending notifications and dead letters (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a notification from the outbox for good')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;alert;queue;help;list' {
            break
        }
        'hmon;alert;queue;help;retry' {
            break
        }
        'hmon;alert;queue;help;drop' {
            break
        }
        'hmon;alert;queue;help;help' {
            break
        }
        'hmon;alert;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a rule to the config file (validated first; comments and layout are kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the rules, and until when each is silenced')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule from the config file')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a clearly marked test notification for a rule through its webhooks and show each answer')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while, list the silences, or lift one')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;alert;help;add' {
            break
        }
        'hmon;alert;help;list' {
            break
        }
        'hmon;alert;help;remove' {
            break
        }
        'hmon;alert;help;test' {
            break
        }
        'hmon;alert;help;silence' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the silences that have not ended, soonest end first')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift a silence before it ends')
            break
        }
        'hmon;alert;help;silence;add' {
            break
        }
        'hmon;alert;help;silence;list' {
            break
        }
        'hmon;alert;help;silence;remove' {
            break
        }
        'hmon;alert;help;queue' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending notifications and dead letters (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a notification from the outbox for good')
            break
        }
        'hmon;alert;help;queue;list' {
            break
        }
        'hmon;alert;help;queue;retry' {
            break
        }
        'hmon;alert;help;queue;drop' {
            break
        }
        'hmon;alert;help;help' {
            break
        }
        'hmon;config' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration, secrets masked, with where each value came from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the configuration and the operator key; checks the key against the account when the mirror answers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;config;path' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;config;show' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;config;check' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--require-operator', '--require-operator', [CompletionResultType]::ParameterName, 'Fail (exit 3) when no operator account and key are configured')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration, secrets masked, with where each value came from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the configuration and the operator key; checks the key against the account when the mirror answers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;config;help;path' {
            break
        }
        'hmon;config;help;show' {
            break
        }
        'hmon;config;help;check' {
            break
        }
        'hmon;config;help;help' {
            break
        }
        'hmon;completions' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;generate' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config [default: the config''s `network`, else testnet]')
            [CompletionResult]::new('--mirror-url', '--mirror-url', [CompletionResultType]::ParameterName, 'Mirror node base URL, overriding the network''s (e.g. http://127.0.0.1:5551)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: <config dir>/hmon/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour; NO_COLOR in the environment also turns it off')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each network request, e.g. 500ms, 10s [default: the config''s `timeout`, else 10s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (and nothing else there)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr, errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and retries on stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hmon;help' {
            [CompletionResult]::new('balance', 'balance', [CompletionResultType]::ParameterValue, 'Show hbar and token balances of one or more accounts')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'List an account''s transactions, newest first')
            [CompletionResult]::new('tx', 'tx', [CompletionResultType]::ParameterValue, 'Show one transaction and its child transactions')
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List the network''s consensus nodes, optionally probing each one')
            [CompletionResult]::new('network', 'network', [CompletionResultType]::ParameterValue, 'One-screen health summary of the network and its mirror node')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Send one cheap transaction through a node and time it to consensus and to the mirror')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)')
            [CompletionResult]::new('alert', 'alert', [CompletionResultType]::ParameterValue, 'Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show, locate or check the configuration')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write completion scripts and man pages into a directory (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hmon;help;balance' {
            break
        }
        'hmon;help;records' {
            break
        }
        'hmon;help;tx' {
            break
        }
        'hmon;help;nodes' {
            break
        }
        'hmon;help;network' {
            break
        }
        'hmon;help;canary' {
            break
        }
        'hmon;help;watch' {
            break
        }
        'hmon;help;serve' {
            break
        }
        'hmon;help;alert' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a rule to the config file (validated first; comments and layout are kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the rules, and until when each is silenced')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule from the config file')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a clearly marked test notification for a rule through its webhooks and show each answer')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while, list the silences, or lift one')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them')
            break
        }
        'hmon;help;alert;add' {
            break
        }
        'hmon;help;alert;list' {
            break
        }
        'hmon;help;alert;remove' {
            break
        }
        'hmon;help;alert;test' {
            break
        }
        'hmon;help;alert;silence' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Silence a rule''s notifications for a while (only its series with the given labels, when given); prints the new silence''s id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the silences that have not ended, soonest end first')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift a silence before it ends')
            break
        }
        'hmon;help;alert;silence;add' {
            break
        }
        'hmon;help;alert;silence;list' {
            break
        }
        'hmon;help;alert;silence;remove' {
            break
        }
        'hmon;help;alert;queue' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending notifications and dead letters (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a notification from the outbox for good')
            break
        }
        'hmon;help;alert;queue;list' {
            break
        }
        'hmon;help;alert;queue;retry' {
            break
        }
        'hmon;help;alert;queue;drop' {
            break
        }
        'hmon;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration, secrets masked, with where each value came from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the configuration and the operator key; checks the key against the account when the mirror answers')
            break
        }
        'hmon;help;config;path' {
            break
        }
        'hmon;help;config;show' {
            break
        }
        'hmon;help;config;check' {
            break
        }
        'hmon;help;completions' {
            break
        }
        'hmon;help;generate' {
            break
        }
        'hmon;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
