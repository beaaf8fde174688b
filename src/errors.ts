/** An input problem that stops one file: reported as `path:line:column: message`, exit code 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly line: number = 0,
    readonly column: number = 0,
    /** The file the error is in, when it is not the file being processed (e.g. a config file). */
    public file?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  format(path: string): string {
    if (this.file) path = this.file;
    const where = this.line > 0 ? `${path}:${this.line}${this.column > 0 ? `:${this.column}` : ''}` : path;
    return `${where}: ${this.message}`;
  }
}
