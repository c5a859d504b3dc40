// A real terminal emulator (xterm.js, headless) reads the bytes a terminal received, so a test sees the screen and
// not only the text sent to it. In a helper of its own: only the tests of the screen's layout load it.
import xterm from '@xterm/headless';
import { type PtySession, TERMINAL_ROWS } from './pty.js';

export interface Row {
  text: string;
  /** A row the terminal itself broke off the one before (text wider than the terminal, cut wherever the edge fell). */
  wrapped: boolean;
}

/**
 * The terminal's rows as a person reads them once everything received so far is drawn, scrollback included: a line
 * redrawn in place shows only its last drawing, a line erased is gone.
 */
export function rowsOf(terminal: PtySession): Promise<Row[]> {
  const screen = new xterm.Terminal({ cols: terminal.cols, rows: TERMINAL_ROWS, scrollback: 10_000, allowProposedApi: true });
  return new Promise((resolve) =>
    screen.write(terminal.raw(), () => {
      const buffer = screen.buffer.active;
      const rows: Row[] = [];
      for (let index = 0; index < buffer.length; index += 1) {
        const line = buffer.getLine(index);
        if (line) rows.push({ text: line.translateToString(true).trimEnd(), wrapped: line.isWrapped });
      }
      while (rows.length > 0 && rows.at(-1)?.text === '') rows.pop();
      resolve(rows);
    }),
  );
}
