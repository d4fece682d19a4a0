// The web build: torch-ts as one ESM file for browsers (dist-web/torch.js, from src/index.ts, by
// esbuild) and the embedded digits as a JSON asset (dist-web/digits.json) for the example page in
// web/. `--serve` then serves web/ and dist-web/ on 127.0.0.1 to open the page in a browser.
//   npm run build:web                    # builds dist-web/
//   npm run build:web -- --serve [--port 8080] [--minify]

import * as esbuild from "esbuild";
import { createServer, type Server } from "node:http";
import { builtinModules } from "node:module";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const WEB_DIR = join(ROOT, "web");
export const OUT_DIR = join(ROOT, "dist-web");

const DIGITS_CSV = join(ROOT, "src", "datasets", "data", "digits.csv.gz");

// Keep this wherever the digits go (src/datasets/data/README.md).
const DIGITS_ATTRIBUTION = {
  name: "Optical Recognition of Handwritten Digits (test set)",
  source: "UCI Machine Learning Repository, E. Alpaydin and C. Kaynak, 1998, as shipped by scikit-learn",
  license: "CC BY 4.0",
};

/** The digits asset: attribution, then each row's 64 pixels (0–16, 8×8 row-major) and label, base64. */
export interface DigitsAsset {
  name: string;
  source: string;
  license: string;
  rows: number;
  format: string;
  data: string;
}

export function digitsAsset(): DigitsAsset {
  const text = gunzipSync(readFileSync(DIGITS_CSV)).toString("utf8");
  const lines = text.trim().split("\n");
  const bytes = new Uint8Array(lines.length * 65);
  lines.forEach((line, r) => {
    const cols = line.split(",").map(Number);
    if (cols.length !== 65) throw new Error(`digits.csv.gz row ${r}: expected 65 columns, got ${cols.length}`);
    cols.forEach((v, c) => {
      const max = c < 64 ? 16 : 9;
      if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`digits.csv.gz row ${r} column ${c}: ${v} is not an integer in [0, ${max}]`);
      bytes[r * 65 + c] = v;
    });
  });
  return {
    ...DIGITS_ATTRIBUTION,
    rows: lines.length,
    format: "base64 of uint8 rows of 65: 64 pixel values (0-16, an 8x8 image, row-major), then the label (0-9)",
    data: Buffer.from(bytes).toString("base64"),
  };
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

// Fails the build, naming the importer, when anything in the bundle imports a Node built-in:
// the core must reach them lazily (process.getBuiltinModule), as src/datasets/node-fs.ts does.
const noNodeBuiltins: esbuild.Plugin = {
  name: "no-node-builtins",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (!NODE_BUILTINS.has(args.path)) return undefined;
      return {
        errors: [{
          text: `${args.importer} imports the Node built-in '${args.path}', which browsers lack; ` +
            "reach it lazily through globalThis.process?.getBuiltinModule?.(...) instead",
        }],
      };
    });
  },
};

export interface BuildWebOptions {
  outDir?: string;
  minify?: boolean;
}

export interface BuildWebResult {
  bundle: string;
  digits: string;
  bytes: number;
}

/** Builds dist-web/torch.js and dist-web/digits.json. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<BuildWebResult> {
  const outDir = options.outDir ?? OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, "torch.js");
  const result = await esbuild.build({
    entryPoints: [join(ROOT, "src", "index.ts")],
    outfile: bundle,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? false,
    legalComments: "inline",
    banner: { js: "// torch-ts for the web (ESM), built by scripts/bundle-web.ts from src/index.ts. MIT licence." },
    plugins: [noNodeBuiltins],
    metafile: true,
    logLevel: "silent",
  });
  for (const w of result.warnings) console.warn(`bundle-web: ${w.text}`);
  // One self-contained file: nothing left for the browser to import.
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (out.imports.length > 0) throw new Error(`bundle-web: ${file} still imports ${out.imports.map((i) => i.path).join(", ")}`);
  }
  const digits = join(outDir, "digits.json");
  writeFileSync(digits, JSON.stringify(digitsAsset()) + "\n");
  return { bundle, digits, bytes: statSync(bundle).size };
}

const MIME: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/** Serves web/ and, for the files web/ lacks, dist-web/ (GET only, no listings) on `host`:`port`. */
export function serveWeb(options: { port?: number; host?: string; outDir?: string } = {}): Promise<WebServer> {
  const host = options.host ?? "127.0.0.1";
  const roots = [WEB_DIR, options.outDir ?? OUT_DIR];
  const server: Server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("bad request\n");
      return;
    }
    const rel = path.endsWith("/") ? path + "index.html" : path;
    for (const root of roots) {
      const file = join(root, rel);
      if (!file.startsWith(root + sep)) break;
      let body: Buffer;
      try {
        if (!statSync(file).isFile()) continue;
        body = readFileSync(file);
      } catch {
        continue;
      }
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`not found: ${path}\n`);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, host, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : options.port;
      ok({
        url: `http://${host}:${port}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "boolean", default: false },
      port: { type: "string", default: "8080" },
      minify: { type: "boolean", default: false },
    },
  });
  const t0 = performance.now();
  const built = await buildWeb({ minify: values.minify });
  console.log(`${built.bundle} (${(built.bytes / 1024).toFixed(0)} KiB) and ${built.digits} in ${Math.round(performance.now() - t0)} ms`);
  if (values.serve) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
    const server = await serveWeb({ port });
    console.log(`serving web/ and dist-web/ at ${server.url} (Ctrl-C stops)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
