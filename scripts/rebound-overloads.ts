// Gives every plain-parameter op that takes its parameters in the options object at run time
// (`rebind(f, "op", arguments, names, required, ...)`, src/ops/README.md) the same form in its type:
// a plain overload (the signature as written, defaults made optional) and a generic one over
// `Rebound<params, names, keywordOptions>` (src/ops/args.ts). Ops already given them are left as
// they are, so it can run again after new ops are written.
//   npx tsx scripts/rebound-overloads.ts          list what it would do
//   npx tsx scripts/rebound-overloads.ts --write  edit the files
import ts from "typescript";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) yield p;
  }
}

interface Rebind { names: string[]; required: number }

/** The rebind(f, op, arguments, names, required, ...) call of `fn`'s own body that rebinds `fn` itself. */
function rebindOf(fn: ts.FunctionDeclaration, name: string): Rebind | null {
  let found: Rebind | null = null;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "rebind" && n.arguments.length >= 5) {
      const [f, , , names, required] = n.arguments;
      if (f && ts.isIdentifier(f) && f.text === name && names && ts.isArrayLiteralExpression(names) && required && ts.isNumericLiteral(required)) {
        found = { names: names.elements.map((e) => (e as ts.StringLiteral).text), required: Number(required.text) };
        return;
      }
    }
    if (!ts.isFunctionLike(n) || n === fn) ts.forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

/** What the script does (or, without write, would do): ops given the forms, ops that had them, ops left with why. */
export function reboundOverloads(write: boolean): { done: string[]; already: string[]; skipped: string[] } {
  const done: string[] = [], skipped: string[] = [], already: string[] = [];
  for (const file of tsFiles(join(root, "src"))) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("rebind(")) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const edits: { at: number; insert: string }[] = [];
    const overloaded = new Set<string>();
    for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && !st.body && st.name) overloaded.add(st.name.text);
    for (const st of sf.statements) {
      if (!ts.isFunctionDeclaration(st) || !st.body || !st.name) continue;
      const name = st.name.text;
      const rb = rebindOf(st, name);
      if (!rb) continue;
      const where = `${relative(root, file)}:${name}`;
      if (overloaded.has(name)) { already.push(where); continue; }
      const exported = st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exported) { skipped.push(`${where} (not exported)`); continue; }
      if (st.typeParameters) { skipped.push(`${where} (generic)`); continue; }
      if (!st.type) { skipped.push(`${where} (no declared return type)`); continue; }
      let ps = [...st.parameters];
      const n = rb.names.length;
      // An op with leading plain parameters and `...args: Args<P, O>`: the leading ones may come in O.
      const last = ps[ps.length - 1];
      let argsOptions: string | null = null;
      if (last?.dotDotDotToken) {
        const t = argsType(last.type, sf);
        if (!t) { skipped.push(`${where} (rest parameters not typed by Args)`); continue; }
        argsOptions = t.typeArguments![1]!.getText(sf);
        ps = ps.slice(0, -1);
        if (ps.length > n) { skipped.push(`${where} (${ps.length} leading parameters for ${n} names)`); continue; }
      }
      if (ps.some((p) => !p.type)) { skipped.push(`${where} (a parameter without a declared type)`); continue; }
      if (!argsOptions && ps.length !== n && ps.length !== n + 1) { skipped.push(`${where} (${ps.length} parameters for ${n} names)`); continue; }
      // A parameter may be left out when it and all after it are optional.
      const optional = ps.map((p) => !!(p.questionToken || p.initializer));
      const omittable = optional.map((_, i) => optional.slice(i).every(Boolean));
      const param = (p: ts.ParameterDeclaration, i: number): string => {
        const type = p.type!.getText(sf);
        if (!optional[i]) return `${p.name.getText(sf)}: ${type}`;
        return omittable[i] ? `${p.name.getText(sf)}?: ${type}` : `${p.name.getText(sf)}: ${type} | undefined`;
      };
      const plain = [...ps.map(param), ...(argsOptions ? [last!.getText(sf)] : [])];
      const names = rb.names.slice(0, argsOptions ? ps.length : n).map((nm, i) => JSON.stringify(nm.split("|")[0]! + (i >= rb.required ? "?" : "")));
      let keywords = argsOptions ? `, ${argsOptions}` : "";
      if (!argsOptions && ps.length === n + 1) {
        const options = optionsPart(ps[n]!.type!, sf);
        if (!options) { skipped.push(`${where} (a trailing parameter that is no options object)`); continue; }
        keywords = `, ${options}`;
      }
      const ret = st.type.getText(sf);
      const indent = "";
      edits.push({
        at: st.getStart(sf),
        insert: `${indent}export function ${name}(${plain.join(", ")}): ${ret};\n`
          + `export function ${name}<A extends Rebound<[${plain.slice(0, argsOptions ? ps.length : n).join(", ")}], [${names.join(", ")}]${keywords}>>(...args: A): ${ret};\n`,
      });
      done.push(where);
    }
    if (!edits.length || !write) continue;
    let out = text;
    for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.at);
    out = addReboundImport(out, file);
    writeFileSync(file, out);
  }
  return { done, already, skipped };
}

/** `Args<P, O>` as written, or through a local alias (`type ConvArgs = Args<...>`); null otherwise. */
function argsType(type: ts.TypeNode | undefined, sf: ts.SourceFile): ts.TypeReferenceNode | null {
  if (!type || !ts.isTypeReferenceNode(type)) return null;
  if (type.typeName.getText(sf) === "Args") return type.typeArguments?.length === 2 ? type : null;
  if (type.typeArguments) return null;
  const alias = sf.statements.find((st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === type.typeName.getText(sf) && !st.typeParameters);
  return alias ? argsType(alias.type, sf) : null;
}

/** Whether a type name is declared in the file as an object type (an interface, or an alias of a type literal). */
function localObjectType(name: string, sf: ts.SourceFile): boolean {
  return sf.statements.some((st) => (ts.isInterfaceDeclaration(st) && st.name.text === name && !st.typeParameters)
    || (ts.isTypeAliasDeclaration(st) && st.name.text === name && !st.typeParameters && ts.isTypeLiteralNode(st.type)));
}

/** The options-object part of a trailing parameter's type (`{ ... }`, a `...Option(s)` type, their intersections), or null. */
function optionsPart(type: ts.TypeNode, sf: ts.SourceFile): string | null {
  const isOptions = (t: ts.TypeNode): boolean =>
    ts.isTypeLiteralNode(t) || (ts.isTypeReferenceNode(t) && !t.typeArguments && (/Options?$/.test(t.typeName.getText(sf)) || localObjectType(t.typeName.getText(sf), sf)))
    || (ts.isIntersectionTypeNode(t) && t.types.every(isOptions));
  if (isOptions(type)) return type.getText(sf);
  if (!ts.isUnionTypeNode(type)) return null;
  const parts = type.types.filter(isOptions);
  return parts.length ? parts.map((t) => t.getText(sf)).join(" | ") : null;
}

/** Adds `type Rebound` to the file's import from ops/args.js (or a new import of it). */
function addReboundImport(text: string, file: string): string {
  const argsPath = relative(dirname(file), join(root, "src/ops/args.js")).replace(/^(?!\.)/, "./");
  const re = new RegExp(`import \\{([^}]*)\\} from "${argsPath.replace(/[.]/g, "\\.")}";`);
  const m = re.exec(text);
  if (m) {
    if (/\bRebound\b/.test(m[1]!)) return text;
    return text.replace(m[0], `import {${m[1]!.replace(/\s*$/, "")}, type Rebound } from "${argsPath}";`);
  }
  const firstImport = text.search(/^import /m);
  return text.slice(0, firstImport) + `import type { Rebound } from "${argsPath}";\n` + text.slice(firstImport);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const write = process.argv.includes("--write");
  const { done, already, skipped } = reboundOverloads(write);
  process.stdout.on("error", () => process.exit(0));
  console.log(`${done.length} ops ${write ? "given" : "to give"} the options forms, ${already.length} had them, ${skipped.length} left:`);
  for (const s of skipped) console.log(`  ${s}`);
}
