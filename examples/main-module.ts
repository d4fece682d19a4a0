// Whether an example runs as the program (`npx tsx examples/x.ts`) rather than imported by a test,
// Python's `if __name__ == "__main__":`.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
