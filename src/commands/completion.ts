// `connector-setup completion bash|zsh|fish|powershell`: a script that asks the tool itself what may come next
// (`connector-setup __complete INDEX WORDS...`), so commands, flags, fixed flag values, connectors and saved
// profile names complete the same way in every shell, from the same command table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import type { Connector } from '../core/run/connector.js';
import { InputError } from '../core/errors.js';
import { configDirectory } from '../core/store/config-dir.js';
import { EXPORT_FORMATS, IMPORT_FORMATS } from '../core/profile-formats.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

const STORES = ['keychain', 'file', 'op:', 'vault:', 'pass:'];
/** The hidden command the scripts call (program.ts answers it); never listed. */
const COMPLETE_COMMAND = '__complete';

const SCRIPTS: Record<Shell, string> = {
  bash: `# connector-setup completion for bash: add to ~/.bashrc
#   source <(connector-setup completion bash)
_connector_setup() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(connector-setup ${COMPLETE_COMMAND} "$COMP_CWORD" "\${COMP_WORDS[@]:0:$((COMP_CWORD + 1))}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _connector_setup connector-setup
`,
  zsh: `#compdef connector-setup
# connector-setup completion for zsh: add to ~/.zshrc, after compinit
#   source <(connector-setup completion zsh)
_connector_setup() {
  local -a candidates
  candidates=("\${(@f)$(connector-setup ${COMPLETE_COMMAND} $((CURRENT - 1)) "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  (( \${#candidates} )) && compadd -a candidates
}
compdef _connector_setup connector-setup
`,
  fish: `# connector-setup completion for fish: save as ~/.config/fish/completions/connector-setup.fish
#   connector-setup completion fish > ~/.config/fish/completions/connector-setup.fish
function __connector_setup_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    connector-setup ${COMPLETE_COMMAND} (count $words) $words "$current" 2>/dev/null
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

export function completionScript(raw: string): string {
  const shell = raw.trim().toLowerCase();
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new InputError('invalid_input', `completion needs a shell: ${SHELLS.join(', ')}; not "${raw.slice(0, 20)}".`, 'For example: source <(connector-setup completion bash)');
  }
  return SCRIPTS[shell as Shell];
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
