// The one error type of the byte layer: a file that is truncated, corrupted, hostile or of a kind
// torch-ts does not read. Tests (the fuzz test above all) rely on every rejection being one of these,
// so that any other exception escaping a reader is a bug, not a bad file.

export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FormatError";
  }
}
