// `--help` without the command table: scripts/build.mjs reads every command's help items (usage, description,
// options, subcommands, and any text added around them) from the real commander table into dist/help.json, and
// cli.ts lays the asked page out with commander's own Help at the terminal's width. The words come only from the
// table in program.ts; tests/integration/help-pages.test.ts proves the page equals commander's, byte for byte.
import { type Command, Help } from 'commander';

interface Item {
  term: string;
  description: string;
  /** The help group the item is listed under (commander's helpGroupHeading / helpGroup()). */
  group: string;
}

export interface HelpPage {
  usage: string;
  description: string;
  padWidth: number;
  arguments: Item[];
  /** Groups in the order commander lists them: by the first of all options (hidden ones too) in each. */
  optionGroups: string[];
  options: Item[];
  globalOptions: Item[] | null;
  commandGroups: string[];
  commands: Item[];
  /** What addHelpText put before and after the page, for this command and its parents. */
  before: string;
  after: string;
}

/** Command path ('' for the program, 'profiles list') -> its page. */
export type HelpPages = Record<string, HelpPage>;

/** Every command's page, read from the table by commander's own Help (build time). */
export function helpPages(program: Command): HelpPages {
  const pages: HelpPages = {};
  const visit = (command: Command, path: string[]): void => {
    pages[path.join(' ')] = helpPage(command);
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return pages;
}

function helpPage(command: Command): HelpPage {
  const helper = command.createHelp();
  const optionGroup = (option: { helpGroupHeading?: string }): string => option.helpGroupHeading ?? 'Options:';
  const commandGroup = (sub: Command): string => sub.helpGroup() || 'Commands:';
  const ancestors: Command[] = [];
  for (let current: Command | null = command; current; current = current.parent) ancestors.push(current);
  const emit = (target: Command, event: string, context: object): boolean => (target as unknown as NodeJS.EventEmitter).emit(event, context);
  const said = (write: (context: { error: boolean; write: (text: string) => void; command: Command }) => void): string => {
    let text = '';
    write({ error: false, write: (chunk) => (text += chunk), command });
    return text;
  };
  return {
    usage: helper.commandUsage(command),
    description: helper.commandDescription(command),
    padWidth: helper.padWidth(command, helper),
    arguments: helper.visibleArguments(command).map((argument) => ({ term: helper.argumentTerm(argument), description: helper.argumentDescription(argument), group: '' })),
    optionGroups: [...new Set(command.options.map(optionGroup))],
    options: helper.visibleOptions(command).map((option) => ({ term: helper.optionTerm(option), description: helper.optionDescription(option), group: optionGroup(option) })),
    globalOptions: helper.showGlobalOptions
      ? helper.visibleGlobalOptions(command).map((option) => ({ term: helper.optionTerm(option), description: helper.optionDescription(option), group: '' }))
      : null,
    commandGroups: [...new Set(command.commands.map(commandGroup))],
    commands: helper.visibleCommands(command).map((sub) => ({ term: helper.subcommandTerm(sub), description: helper.subcommandDescription(sub), group: commandGroup(sub) })),
    before: said((context) => {
      for (const ancestor of [...ancestors].reverse()) emit(ancestor, 'beforeAllHelp', context);
      emit(command, 'beforeHelp', context);
    }),
    after: said((context) => {
      emit(command, 'afterHelp', context);
      for (const ancestor of ancestors) emit(ancestor, 'afterAllHelp', context);
    }),
  };
}

/** Commander's Help, answering from a stored page instead of a command: its formatHelp lays the page out. */
class StoredHelp extends Help {
  constructor(private readonly page: HelpPage) {
    super();
    this.showGlobalOptions = page.globalOptions !== null;
  }
  override padWidth(): number {
    return this.page.padWidth;
  }
  override commandUsage(): string {
    return this.page.usage;
  }
  override commandDescription(): string {
    return this.page.description;
  }
  override visibleArguments(): never[] {
    return this.page.arguments as never[];
  }
  override argumentTerm(item: unknown): string {
    return (item as Item).term;
  }
  override argumentDescription(item: unknown): string {
    return (item as Item).description;
  }
  override visibleOptions(): never[] {
    return this.page.options.map((item) => ({ ...item, helpGroupHeading: item.group })) as never[];
  }
  override visibleGlobalOptions(): never[] {
    return (this.page.globalOptions ?? []) as never[];
  }
  override optionTerm(item: unknown): string {
    return (item as Item).term;
  }
  override optionDescription(item: unknown): string {
    return (item as Item).description;
  }
  override visibleCommands(): never[] {
    return this.page.commands.map((item) => ({ ...item, helpGroup: () => item.group })) as never[];
  }
  override subcommandTerm(item: unknown): string {
    return (item as Item).term;
  }
  override subcommandDescription(item: unknown): string {
    return (item as Item).description;
  }
}

/** The page as commander prints it for `--help` at `width` columns (no colour: commander's help has none). */
export function formatHelpPage(page: HelpPage, width: number): string {
  const helper = new StoredHelp(page);
  helper.prepareContext({ helpWidth: width });
  // What formatHelp reads from the command itself: the group order.
  const command = {
    options: page.optionGroups.map((group) => ({ helpGroupHeading: group })),
    commands: page.commandGroups.map((group) => ({ helpGroup: () => group })),
  };
  return `${page.before}${helper.formatHelp(command as unknown as Command, helper)}${page.after}`;
}

/** The page a command line asks for when it is only `[COMMAND [SUBCOMMAND]] --help` (or -h); else undefined. */
export function askedPage(args: readonly string[], pages: HelpPages): HelpPage | undefined {
  const last = args[args.length - 1];
  if (last !== '--help' && last !== '-h') return undefined;
  const path = args.slice(0, -1);
  if (path.some((word) => word.startsWith('-'))) return undefined;
  return Object.hasOwn(pages, path.join(' ')) ? pages[path.join(' ')] : undefined;
}
