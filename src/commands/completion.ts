// `connector-setup completion bash|zsh|fish|powershell`: a script that asks the tool itself what may come next
// (`connector-setup __complete INDEX WORDS...`), so commands, flags, fixed flag values, connectors and saved
// profile names complete the same way in every shell, from the same command table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import type { Connector } from '../core/run/connector.js';
import { InputError } from '../core/errors.js';
import { configDirectory } from '../core/store/config-dir.js';
import { PROFILE_NAMES_FILE } from '../core/store/profile-store.js';
import { EXPORT_FORMATS, IMPORT_FORMATS } from '../core/profile-formats.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

const STORES = ['keychain', 'file', 'op:', 'vault:', 'pass:'];
/** The hidden command the scripts call (program.ts answers it); never listed. */
const COMPLETE_COMMAND = '__complete';

/**
 * The config directory as configDirectory() finds it (CONNECTOR_SETUP_CONFIG_DIR, else env-paths' choice for the
 * platform), in the shell's own words, so a Tab press reads the names file without starting Node.
 */
function configDirectoryIn(shell: 'posix' | 'fish', platform: NodeJS.Platform): string {
  if (platform === 'darwin') return '$HOME/Library/Preferences/connector-setup';
  return shell === 'fish' ? '(test -n "$XDG_CONFIG_HOME"; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/connector-setup' : '${XDG_CONFIG_HOME:-$HOME/.config}/connector-setup';
}

/**
 * The scripts. Saved profile names, what people complete most and what changes, come from the names file the
 * store rewrites with every save (PROFILE_NAMES_FILE), read by the shell itself: after `--profile` and as the
 * name of `profiles show|export|remove CONNECTOR`. When that file is older than profiles.json (changed by hand or
 * by an older version) or missing, and for everything else, the script asks the tool.
 */
function scripts(connectors: readonly string[], platform: NodeJS.Platform): Record<Shell, string> {
  const known = connectors.join(' ');
  const posixDirectory = configDirectoryIn('posix', platform);
  return {
    bash: `# connector-setup completion for bash: add to ~/.bashrc
#   source <(connector-setup completion bash)
_connector_setup_profiles() {
  local IFS=' ' dir="\${CONNECTOR_SETUP_CONFIG_DIR:-${posixDirectory}}" connector rest
  [[ -f $dir/profiles.json ]] || return 0
  [[ $dir/profiles.json -nt $dir/${PROFILE_NAMES_FILE} ]] && return 1
  while read -r connector rest; do
    [[ $connector == "$1" ]] && printf '%s\\n' $rest
  done < "$dir/${PROFILE_NAMES_FILE}"
  return 0
}
_connector_setup_names() {
  local i=$COMP_CWORD first="\${COMP_WORDS[1]}" connector='' k
  [[ " ${known} " == *" $first "* ]] && connector=$first
  if [[ \${COMP_WORDS[i-1]} == --profile && ( -n $connector || $first == verify || "$first \${COMP_WORDS[2]}" == 'profiles import' ) ]]; then
    if [[ -z $connector ]]; then
      for ((k = 2; k < i - 1; k++)); do
        [[ \${COMP_WORDS[k]} == --connector && " ${known} " == *" \${COMP_WORDS[k+1]} "* ]] && connector=\${COMP_WORDS[k+1]}
      done
    fi
    _connector_setup_profiles "\${connector:-*}"
    return
  fi
  if (( i == 4 )) && [[ $first == profiles && " show export remove " == *" \${COMP_WORDS[2]} "* && -n \${COMP_WORDS[3]} && " ${known} " == *" \${COMP_WORDS[3]} "* && \${COMP_WORDS[4]} != -* ]]; then
    _connector_setup_profiles "\${COMP_WORDS[3]}"
    return
  fi
  return 1
}
_connector_setup() {
  local IFS=$'\\n' candidates
  candidates=$(_connector_setup_names) || candidates=$(connector-setup ${COMPLETE_COMMAND} "$COMP_CWORD" "\${COMP_WORDS[@]:0:$((COMP_CWORD + 1))}" 2>/dev/null)
  COMPREPLY=($(compgen -W "$candidates" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _connector_setup connector-setup
`,
    zsh: `#compdef connector-setup
# connector-setup completion for zsh: add to ~/.zshrc, after compinit
#   source <(connector-setup completion zsh)
_connector_setup_profiles() {
  local dir="\${CONNECTOR_SETUP_CONFIG_DIR:-${posixDirectory}}" connector rest
  [[ -f $dir/profiles.json ]] || return 0
  [[ $dir/profiles.json -nt $dir/${PROFILE_NAMES_FILE} ]] && return 1
  while IFS=' ' read -r connector rest; do
    [[ $connector == "$1" ]] && print -rl -- \${=rest}
  done < "$dir/${PROFILE_NAMES_FILE}"
  return 0
}
_connector_setup_names() {
  local -a known=(${known})
  local first=$words[2] connector='' k
  (( \${known[(Ie)$first]} )) && connector=$first
  if [[ $words[CURRENT-1] == --profile && ( -n $connector || $first == verify || "$first $words[3]" == 'profiles import' ) ]]; then
    if [[ -z $connector ]]; then
      for ((k = 3; k < CURRENT - 1; k++)); do
        [[ $words[k] == --connector ]] && (( \${known[(Ie)$words[k+1]]} )) && connector=$words[k+1]
      done
    fi
    _connector_setup_profiles "\${connector:-*}"
    return
  fi
  if (( CURRENT == 5 )) && [[ $first == profiles && ( $words[3] == show || $words[3] == export || $words[3] == remove ) && $words[5] != -* ]] && (( \${known[(Ie)$words[4]]} )); then
    _connector_setup_profiles "$words[4]"
    return
  fi
  return 1
}
_connector_setup() {
  local -a candidates
  local found
  found=$(_connector_setup_names) || found=$(connector-setup ${COMPLETE_COMMAND} $((CURRENT - 1)) "\${(@)words[1,CURRENT]}" 2>/dev/null)
  candidates=("\${(@f)found}")
  candidates=(\${candidates:#})
  (( \${#candidates} )) && compadd -a candidates
}
compdef _connector_setup connector-setup
`,
    fish: `# connector-setup completion for fish: save as ~/.config/fish/completions/connector-setup.fish
#   connector-setup completion fish > ~/.config/fish/completions/connector-setup.fish
function __connector_setup_profiles
    set -l dir $CONNECTOR_SETUP_CONFIG_DIR
    test -n "$dir"; or set dir ${configDirectoryIn('fish', platform)}
    test -f $dir/profiles.json; or return 0
    test $dir/profiles.json -nt $dir/${PROFILE_NAMES_FILE}; and return 1
    while read -l connector rest
        test "$connector" = "$argv[1]"; and string split -n ' ' -- $rest
    end < $dir/${PROFILE_NAMES_FILE}
    return 0
end
function __connector_setup_names
    set -l known ${known}
    set -l words $argv
    set -l current (count $words)
    set -l connector
    contains -- "$words[2]" $known; and set connector $words[2]
    if test $current -gt 2; and test "$words[-2]" = --profile; and begin; test -n "$connector"; or test "$words[2]" = verify; or test "$words[2] $words[3]" = 'profiles import'; end
        if test -z "$connector"
            for k in (seq 3 (math $current - 2))
                set -l next (math $k + 1)
                test "$words[$k]" = --connector; and contains -- "$words[$next]" $known; and set connector $words[$next]
            end
        end
        test -n "$connector"; or set connector '*'
        __connector_setup_profiles $connector
        return
    end
    if test $current -eq 5; and test "$words[2]" = profiles; and contains -- "$words[3]" show export remove; and contains -- "$words[4]" $known; and not string match -q -- '-*' "$words[5]"
        __connector_setup_profiles $words[4]
        return
    end
    return 1
end
function __connector_setup_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    __connector_setup_names $words "$current"; or connector-setup ${COMPLETE_COMMAND} (count $words) $words "$current" 2>/dev/null
end
complete -c connector-setup -f -a '(__connector_setup_complete)'
`,
    powershell: `# connector-setup completion for PowerShell: add to $PROFILE
#   connector-setup completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName connector-setup -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    # The word being typed is the last element; an empty one is not an element at all.
    $index = if ($wordToComplete -eq '') { $words.Count } else { $words.Count - 1 }
    connector-setup ${COMPLETE_COMMAND} $index @words 2>$null |
        Where-Object { $_ -like "$wordToComplete*" } |
        ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
`,
  };
}

/** The script for `shell`, knowing `connectors` by name; profile names are read where `platform` keeps them. */
export function completionScript(raw: string, connectors: readonly string[], platform: NodeJS.Platform = process.platform): string {
  const shell = raw.trim().toLowerCase();
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new InputError('invalid_input', `completion needs a shell: ${SHELLS.join(', ')}; not "${raw.slice(0, 20)}".`, 'For example: source <(connector-setup completion bash)');
  }
  return scripts(connectors, platform)[shell as Shell];
}

/**
 * Saved profiles by connector, read from profiles.json alone: no secret, no keychain, no lock, so a Tab press
 * costs one small file read. Anything unreadable completes nothing rather than failing.
 */
export function savedProfileNames(env: NodeJS.ProcessEnv): Record<string, string[]> {
  try {
    const data = JSON.parse(readFileSync(path.join(configDirectory(env), 'profiles.json'), 'utf8')) as { profiles?: Record<string, Record<string, unknown>> };
    const names: Record<string, string[]> = {};
    for (const [connector, byName] of Object.entries(data.profiles ?? {})) {
      if (byName && typeof byName === 'object') names[connector] = Object.keys(byName).sort();
    }
    return names;
  } catch {
    return {};
  }
}

function longFlag(option: Option): string | undefined {
  return option.long ?? undefined;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/**
 * What may stand at `words[index]`, given the words before it (`words[0]` is the program). Candidates are not
 * filtered by what was typed so far: every shell does that itself.
 */
export function completeWords(program: Command, registry: readonly Connector[], words: readonly string[], index: number, profiles: () => Record<string, string[]>): string[] {
  let command = program;
  const positionals: string[] = [];
  const given = new Map<string, string>();
  for (let position = 1; position < index; position += 1) {
    const word = words[position] ?? '';
    if (word.startsWith('-')) {
      const option = command.options.find((candidate) => candidate.long === word || candidate.short === word);
      if (option && takesValue(option)) {
        given.set(longFlag(option) ?? word, words[position + 1] ?? '');
        position += 1;
      }
      continue;
    }
    const sub = positionals.length === 0 ? command.commands.find((candidate) => candidate.name() === word.toLowerCase()) : undefined;
    if (sub) command = sub;
    else positionals.push(word);
  }
  const connectorNames = registry.map((connector) => connector.name);
  const connector = registry.find((candidate) => candidate.name === command.name()) ?? registry.find((candidate) => candidate.name === (given.get('--connector') ?? positionals[0]));
  const namesOf = (): string[] => {
    const saved = profiles();
    return connector ? (saved[connector.name] ?? []) : [...new Set(Object.values(saved).flat())].sort();
  };
  const flags = (): string[] => [...command.options.map(longFlag).filter((flag): flag is string => Boolean(flag)), '--help'];

  // The value of the option just before.
  const previous = words[index - 1] ?? '';
  const option = index > 1 && previous.startsWith('-') ? command.options.find((candidate) => candidate.long === previous || candidate.short === previous) : undefined;
  if (option && takesValue(option)) {
    switch (option.long) {
      case '--profile':
        return namesOf();
      case '--connector':
        return connectorNames;
      case '--store':
        return STORES;
      case '--format':
        return command.name() === 'import' ? [...IMPORT_FORMATS] : [...EXPORT_FORMATS];
      default:
        return [...(connector?.fields.find((field) => field.flag === option.long)?.choices ?? [])];
    }
  }
  const current = words[index] ?? '';
  if (current.startsWith('-')) return flags();
  // A command with subcommands (the program, `profiles`): their names.
  if (command.commands.length > 0) return command.commands.map((sub) => sub.name()).filter((name) => name !== 'help');
  const expected = command.registeredArguments[positionals.length]?.name();
  if (expected === 'connector') return connectorNames;
  if (expected === 'name') return namesOf();
  if (expected === 'shell') return [...SHELLS];
  if (expected === 'file') return [];
  return flags();
}
