/** ANSI styling, or none: every renderer takes a Style so that it stays pure. */
export interface Style {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => (text ? `\u001b[${open}m${text}\u001b[${close}m` : text);
const plain = (text: string) => text;

export const PLAIN: Style = { red: plain, yellow: plain, green: plain, dim: plain, bold: plain };
export const COLOR: Style = { red: ansi(31, 39), yellow: ansi(33, 39), green: ansi(32, 39), dim: ansi(2, 22), bold: ansi(1, 22) };

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Style {
  return stream.isTTY && !env.NO_COLOR ? COLOR : PLAIN;
}
