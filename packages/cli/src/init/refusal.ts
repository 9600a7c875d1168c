/**
 * Why `init` will not change a project: the file it could not merge safely, the line when known,
 * and what to do. The command prints it as one line and exits with code 1, having written nothing.
 */
export class InitRefusal extends Error {
  override name = "InitRefusal";

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${message}`);
  }
}

/** The 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line ending a file uses: CRLF when it has one, else LF. */
export function eolOf(text: string): "\r\n" | "\n" {
  return text.includes("\r\n") ? "\r\n" : "\n";
}
