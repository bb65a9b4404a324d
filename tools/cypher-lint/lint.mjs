#!/usr/bin/env node
// Cypher linter for the identity graph: checks .cypher files with Neo4j's own
// Cypher parser and semantic analysis (the npm package
// @neo4j-cypher/language-support, which embeds the Neo4j front end), given the
// model's vocabulary, before any server starts.
//
//   node tools/cypher-lint/lint.mjs [--json] [--strict] PATH...
//
// PATH: .cypher files or folders (searched recursively for *.cypher).
// Prints one line per problem: file:line:col severity message
// Exit status: 0 clean, 1 problems found, 2 usage or setup error.
//
// What fails (severity "error"):
//   * syntax errors and Neo4j semantic errors (undefined variables, wrong
//     argument counts, unknown YIELD columns, type errors, ...);
//   * a label, relationship type or property key that is not in
//     cypher/vocabulary.json (checked here on the parse tree, in every clause:
//     MATCH, MERGE, CREATE, SET, REMOVE, WHERE, constraints, indexes, hints);
//   * a procedure or function that is neither a Neo4j built-in nor listed in
//     tools/cypher-lint/procedures.json.
// Other Neo4j notifications (deprecations, cartesian products, unbounded
// shortest paths, ...) are printed as "warning" and fail only with --strict.
// Query strings passed to gds.graph.project.cypher, apoc.periodic.iterate,
// apoc.periodic.commit and apoc.cypher.run/doIt are linted too, when they are
// plain string literals.

import fs from 'node:fs';
import path from 'node:path';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const DEFAULT_VOCABULARY = path.join(REPO, 'cypher', 'vocabulary.json');
const DEFAULT_PROCEDURES = path.join(HERE, 'procedures.json');
const LIBRARY = '@neo4j-cypher/language-support';
const CYPHER_VERSIONS = ['CYPHER 5', 'CYPHER 25'];
// Procedures and functions in these namespaces come from plugins: only the
// ones listed in procedures.json are known. Everything else the library ships
// signatures for (db.*, dbms.*, tx.*, cdc.*, toLower, count, ...) is built in.
const PLUGIN_NAMESPACES = ['apoc.', 'gds.', 'genai.'];
// Procedure arguments that are themselves Cypher queries.
const QUERY_STRING_ARGS = {
  'gds.graph.project.cypher': { 1: 'nodeQuery', 2: 'relationshipQuery' },
  'gds.graph.project.cypher.estimate': { 0: 'nodeQuery', 1: 'relationshipQuery' },
  'apoc.periodic.iterate': { 0: 'cypherIterate', 1: 'cypherAction' },
  'apoc.periodic.commit': { 0: 'statement' },
  'apoc.cypher.run': { 0: 'statement' },
  'apoc.cypher.doIt': { 0: 'statement' },
};
// Functions whose result is a node or relationship, so `f(x).key` is a
// property of the model.
const ENTITY_FUNCTIONS = new Set(['startnode', 'endnode', 'gds.util.asnode']);
const ENTITY_LIST_FUNCTIONS = new Set(['nodes', 'relationships', 'gds.util.asnodes']);
const SEVERITIES = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
const SHORT_DEPRECATION_RE = /^(Function|Procedure) \S+ is deprecated\.$/;
const UNKNOWN_NAME_RE =
  /^(Label|Relationship type|Label or relationship type) (.*) is not present in the database/;

const USAGE = `usage: node tools/cypher-lint/lint.mjs [options] PATH...

Lints .cypher files (PATH: files, or folders searched recursively for *.cypher)
with Neo4j's Cypher parser and semantic analysis, against the model vocabulary.

options:
  --json               print the problems as one JSON document on stdout
  --strict             fail on warnings (deprecations, notifications) too
  --vocabulary FILE    labels, relationship types, property keys
                       (default: cypher/vocabulary.json); repeat it to
                       allow the names of several files
  --procedures FILE    plugin procedure/function signatures
                       (default: tools/cypher-lint/procedures.json)
  --describe NAME      print the signature entry the library ships for the
                       procedure or function NAME, in procedures.json format
  -h, --help           show this help

exit status: 0 clean, 1 problems found, 2 usage or setup error`;

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    json: false,
    strict: false,
    vocabularies: [],
    procedures: DEFAULT_PROCEDURES,
    describe: null,
    paths: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg === '--json') opts.json = true;
    else if (arg === '--strict') opts.strict = true;
    else if (arg === '--vocabulary') opts.vocabularies.push(value());
    else if (arg === '--procedures') opts.procedures = value();
    else if (arg === '--describe') opts.describe = value();
    else if (arg === '--') {
      opts.paths.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}\n${USAGE}`);
    else opts.paths.push(arg);
  }
  if (opts.describe === null && opts.paths.length === 0) fail(`no PATH given\n${USAGE}`);
  if (opts.vocabularies.length === 0) opts.vocabularies.push(DEFAULT_VOCABULARY);
  return opts;
}

function collectFiles(paths) {
  const files = [];
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        walk(full);
      } else if (e.isFile() && e.name.endsWith('.cypher')) {
        files.push(full);
      }
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      fail(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) walk(p);
    else files.push(p);
  }
  return [...new Set(files)];
}

// The library runs Neo4j's semantic analysis inside a try/catch that turns
// any exception into "no problems" (it throws, for one, on a zero-argument
// function such as datetime() inside a pattern's property map when function
// signatures are given). Loading the bundle with that catch patched to record
// the exception lets the linter notice and analyse the statement again
// without signatures instead of passing it unchecked.
const CRASHES = '__idgraphCypherLintSemanticCrashes';
const SWALLOWING_CATCH =
  /(\} catch \((\w+)\) \{)(\s*return \{ errors: \[\], notifications: \[\] \};)/;

function loadLibrary() {
  const require = createRequire(path.join(HERE, 'package.json'));
  let entry;
  try {
    // The package's ESM build uses extensionless imports that Node cannot
    // load; its CommonJS bundle is self-contained.
    entry = require.resolve(LIBRARY);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      fail(`${LIBRARY} is not installed: run \`npm ci --prefix tools/cypher-lint\``);
    }
    throw e;
  }
  globalThis[CRASHES] = [];
  const source = fs.readFileSync(entry, 'utf8');
  const at = source.indexOf('function wrappedSemanticAnalysis(query,');
  const match = at < 0 ? null : SWALLOWING_CATCH.exec(source.slice(at, at + 2000));
  if (!match) {
    process.stderr.write(`cypher-lint: warning: cannot hook ${LIBRARY}'s semantic analysis; ` +
      'statements it fails on will pass unchecked\n');
    return { ls: require(LIBRARY), hooked: false };
  }
  const start = at + match.index;
  const patched = source.slice(0, start) +
    `${match[1]} globalThis.${CRASHES}.push({ query, error: String(${match[2]} && ${match[2]}.message || ${match[2]}) });` +
    match[3] + source.slice(start + match[0].length);
  const mod = new Module(entry, null);
  mod.filename = entry;
  mod.paths = Module._nodeModulePaths(path.dirname(entry));
  mod._compile(patched, entry);
  return { ls: mod.exports, hooked: true };
}

function libraryVersion() {
  // The package's "exports" hide its package.json: look for it above the entry.
  let dir = path.dirname(createRequire(path.join(HERE, 'package.json')).resolve(LIBRARY));
  while (dir !== path.dirname(dir)) {
    try {
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (meta.name === LIBRARY) return meta.version;
    } catch {
      // no package.json here
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

function readJson(file, what) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${what} ${file}: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${file} is not valid JSON: ${e.message}`);
  }
}

function loadVocabulary(files) {
  const vocabulary = { labels: new Set(), relationshipTypes: new Set(), propertyKeys: new Set(), files };
  for (const file of files) {
    const data = readJson(file, 'vocabulary');
    for (const key of ['labels', 'relationshipTypes', 'propertyKeys']) {
      const list = data[key];
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
        fail(`${file}: "${key}" must be a list of strings`);
      }
      for (const name of list) vocabulary[key].add(name);
    }
  }
  return vocabulary;
}

const PROCEDURE_DEFAULTS = {
  description: '',
  mode: 'READ',
  worksOnSystem: false,
  argumentDescription: [],
  returnDescription: [],
  admin: false,
  option: { deprecated: false },
};
const FUNCTION_DEFAULTS = {
  category: '',
  description: '',
  isBuiltIn: false,
  argumentDescription: [],
  returnDescription: 'ANY',
  aggregating: false,
  isDeprecated: false,
};

function loadProcedures(file) {
  const data = readJson(file, 'procedure signatures');
  const out = { procedures: {}, functions: {} };
  for (const [kind, defaults] of [
    ['procedures', PROCEDURE_DEFAULTS],
    ['functions', FUNCTION_DEFAULTS],
  ]) {
    const entries = data[kind] ?? {};
    if (typeof entries !== 'object' || Array.isArray(entries)) {
      fail(`${file}: "${kind}" must be an object keyed by name`);
    }
    for (const [name, entry] of Object.entries(entries)) {
      if (typeof entry !== 'object' || entry === null) fail(`${file}: ${kind}.${name} must be an object`);
      if (entry.name !== undefined && entry.name !== name) {
        fail(`${file}: ${kind} entry "${name}" has name "${entry.name}"`);
      }
      if (typeof entry.signature !== 'string' || !entry.signature.startsWith(`${name}(`)) {
        fail(`${file}: ${kind}.${name} needs a "signature" starting with "${name}("`);
      }
      out[kind][name] = { ...defaults, ...entry, name };
    }
  }
  return out;
}

function builtinSignatures(ls) {
  const mock = ls.testData?.mockSchema;
  if (!mock?.functions || !mock?.procedures) {
    fail(`this version of ${LIBRARY} ships no built-in signatures (testData.mockSchema)`);
  }
  const isPlugin = (name) => PLUGIN_NAMESPACES.some((p) => name.startsWith(p));
  const pick = (registry, keep) =>
    Object.fromEntries(Object.entries(registry ?? {}).filter(([name, v]) => keep(name, v)));
  const out = { functions: {}, procedures: {} };
  for (const v of CYPHER_VERSIONS) {
    out.functions[v] = pick(mock.functions[v], (name, f) => f.isBuiltIn && !isPlugin(name));
    out.procedures[v] = pick(mock.procedures[v], (name) => !isPlugin(name));
  }
  return out;
}

function buildSchema(ls, vocabulary, plugins) {
  const builtins = builtinSignatures(ls);
  const schema = {
    labels: [...vocabulary.labels],
    relationshipTypes: [...vocabulary.relationshipTypes],
    propertyKeys: [...vocabulary.propertyKeys],
    functions: {},
    procedures: {},
    parameters: {},
    defaultLanguage: 'CYPHER 5',
  };
  for (const v of CYPHER_VERSIONS) {
    schema.functions[v] = { ...builtins.functions[v], ...plugins.functions };
    schema.procedures[v] = { ...builtins.procedures[v], ...plugins.procedures };
  }
  return schema;
}

function describe(ls, name) {
  const mock = ls.testData?.mockSchema ?? {};
  const out = { procedures: {}, functions: {} };
  const procKeep = ['name', 'description', 'mode', 'worksOnSystem', 'signature', 'argumentDescription',
    'returnDescription', 'admin', 'option', 'deprecatedBy'];
  const fnKeep = ['name', 'category', 'description', 'isBuiltIn', 'signature', 'argumentDescription',
    'returnDescription', 'aggregating', 'isDeprecated', 'deprecatedBy'];
  const trim = (entry, keep) =>
    Object.fromEntries(keep.filter((k) => entry[k] !== undefined && entry[k] !== null).map((k) => [k, entry[k]]));
  for (const v of CYPHER_VERSIONS) {
    const p = mock.procedures?.[v]?.[name];
    const f = mock.functions?.[v]?.[name];
    if (p && !out.procedures[name]) out.procedures[name] = trim(p, procKeep);
    if (f && !out.functions[name]) out.functions[name] = trim(f, fnKeep);
  }
  if (!Object.keys(out.procedures).length && !Object.keys(out.functions).length) {
    fail(`${LIBRARY} ships no signature for ${name}; write its entry by hand from SHOW PROCEDURES / SHOW FUNCTIONS`);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

// ---------------------------------------------------------------------------
// Parse-tree helpers

function unquoteName(text) {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) {
    return text.slice(1, -1).replace(/``/g, '`');
  }
  return text;
}

function isRule(node) {
  return node !== null && typeof node === 'object' && 'children' in node;
}

function walk(ctx, visit) {
  const stack = [ctx];
  while (stack.length) {
    const node = stack.pop();
    visit(node);
    const children = node.children;
    if (children) {
      for (let i = children.length - 1; i >= 0; i--) {
        if (isRule(children[i])) stack.push(children[i]);
      }
    }
  }
}

function ruleChildren(ctx) {
  return (ctx.children ?? []).filter(isRule);
}

// Follows a chain of single-child rules down (expression -> ... -> leaf) and
// returns the first node that is one of `classes`, or null: tells whether an
// expression is nothing but a variable, a string literal, a function call...
function descendTo(ctx, classes) {
  let node = ctx;
  while (node) {
    if (classes.some((cls) => node instanceof cls)) return node;
    if (!node.children || node.children.length !== 1 || !isRule(node.children[0])) return null;
    node = node.children[0];
  }
  return null;
}

function hasAncestor(ctx, classes, stopAt) {
  for (let p = ctx.parentCtx; p; p = p.parentCtx) {
    if (stopAt && p === stopAt) return false;
    if (classes.some((c) => p instanceof c)) return true;
  }
  return false;
}

function nearestAncestor(ctx, classes) {
  for (let p = ctx.parentCtx; p; p = p.parentCtx) {
    if (classes.some((c) => p instanceof c)) return p;
  }
  return null;
}

function procedureName(ctx) {
  // procedureName / functionName: namespace symbolicNameString
  const parts = [...ctx.namespace().symbolicNameString_list(), ctx.symbolicNameString()];
  return parts.map((p) => unquoteName(p.getText())).join('.');
}

// Cypher string literal -> value, plus for each value index the index of the
// raw character (inside the quotes) it came from.
function unescapeCypherString(raw) {
  const body = raw.slice(1, -1);
  let value = '';
  const map = [];
  const simple = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      const n = body[i + 1];
      if ((n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6)))) {
        const ch = String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
        value += ch;
        map.push(i + 1);
        i += 5;
        continue;
      }
      value += simple[n] ?? n;
      map.push(i + 1);
      i += 1;
      continue;
    }
    value += c;
    map.push(i + 1);
  }
  map.push(body.length + 1);
  return { value, map };
}

// Replaces the comments of a Cypher text with spaces (keeping line breaks, so
// positions hold): a file may hold a statement that is only comments, e.g. a
// documentation block after the last `;`, which Neo4j would reject as empty.
function blankComments(text) {
  const chars = Array.from(text);
  const n = chars.length;
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (chars[k] !== '\n' && chars[k] !== '\r') chars[k] = ' ';
  };
  let i = 0;
  while (i < n) {
    const c = chars[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && chars[j] !== c) j += c !== '`' && chars[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === '/' && chars[i + 1] === '/') {
      let j = i;
      while (j < n && chars[j] !== '\n' && chars[j] !== '\r') j++;
      blank(i, j);
      i = j;
    } else if (c === '/' && chars[i + 1] === '*') {
      let j = i + 2;
      while (j < n && !(chars[j] === '*' && chars[j + 1] === '/')) j++;
      if (j >= n) break; // unterminated: left for the parser to report
      blank(i, j + 2);
      i = j + 2;
    } else {
      i++;
    }
  }
  return chars.join('');
}

function levenshtein(a, b) {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

function suggestion(name, candidates) {
  let best = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : levenshtein(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  if (best !== null && bestDistance <= Math.max(1, Math.floor(name.length / 3))) {
    return ` (did you mean \`${best}\`?)`;
  }
  return '';
}

// ---------------------------------------------------------------------------
// The linter

class Linter {
  constructor(ls, vocabulary, schema) {
    this.ls = ls;
    this.vocabulary = vocabulary;
    this.schema = schema;
    this.vocabularyName = vocabulary.files.map((file) => {
      const inRepo = path.relative(REPO, path.resolve(file));
      return inRepo.startsWith('..') || path.isAbsolute(inRepo) ? file : inRepo;
    }).join(', ');
    const C = ls;
    this.C = C;
    this.entityPatterns = [
      C.NodePatternContext, C.RelationshipPatternContext, C.InsertNodePatternContext,
      C.InsertRelationshipPatternContext, C.CommandNodePatternContext, C.CommandRelPatternContext,
      C.FulltextNodePatternContext, C.FulltextRelPatternContext, C.LookupIndexNodePatternContext,
      C.LookupIndexRelPatternContext,
    ].filter(Boolean);
    this.scopedSubqueries = [
      C.SubqueryClauseContext, C.ExistsExpressionContext, C.CountExpressionContext,
      C.CollectExpressionContext,
    ].filter(Boolean);
    this.statements = 0;
    this.fallbacks = 0;
  }

  // Lints one Cypher text (a file, or a query string inside one).
  // Returns diagnostics with code-point offsets into `text`.
  lintText(text, { extraEntities = new Set(), nested: isNested = false } = {}) {
    const ls = this.ls;
    const parsed = ls.parserWrapper.parse(text, false);
    const own = [];
    const nested = [];
    const parameters = {};
    for (const stmt of parsed.statementsParsing) {
      for (const p of stmt.collectedParameters) {
        parameters[p.name] = null;
        parameters[unquoteName(p.name)] = null;
      }
      if (stmt.command.type !== 'cypher' || stmt.command.statement.trim() === '') continue;
      if (!isNested) this.statements += 1;
      if (stmt.syntaxErrors.length > 0) continue; // the syntax errors are reported below
      const info = this.checkStatement(stmt.ctx, extraEntities);
      own.push(...info.diagnostics);
      nested.push(...info.nested);
    }

    this.schema.parameters = parameters;
    globalThis[CRASHES].length = 0;
    const diagnostics = [...own];
    const ownAt = new Set(own.map((d) => d.start));
    const added = new Set();
    const addLibrary = (list, shift) => {
      for (const d of list) {
        let severity = SEVERITIES[d.severity] ?? 'warning';
        const start = d.offsets.start + shift;
        if (added.has(`${start}:${d.message}`)) continue;
        added.add(`${start}:${d.message}`);
        if (UNKNOWN_NAME_RE.test(d.message)) {
          if (ownAt.has(start)) continue; // reported by checkStatement
          severity = 'error';
        }
        diagnostics.push({ start, end: d.offsets.end + shift, severity, message: d.message, source: 'neo4j' });
      }
    };
    addLibrary(ls.lintCypherQuery(text, this.schema, false), 0);
    for (const crash of globalThis[CRASHES].splice(0)) {
      const failure = this.reanalyse(parsed, crash, addLibrary);
      // An unknown procedure or function makes the analysis throw too; the
      // error already reported for it says enough.
      if (failure && !diagnostics.some((d) => d.severity === 'error' && d.start >= failure.start &&
                                              d.start < failure.statementEnd)) {
        diagnostics.push(failure);
      }
    }

    // The library reports a deprecated function or procedure twice: once from
    // the signatures (short message) and once from Neo4j (with the
    // replacement); keep the latter.
    const deprecatedAt = new Set(diagnostics
      .filter((d) => d.source === 'neo4j' && /deprecated/i.test(d.message) && !SHORT_DEPRECATION_RE.test(d.message))
      .map((d) => d.start));
    const kept = diagnostics.filter((d) => !(SHORT_DEPRECATION_RE.test(d.message) && deprecatedAt.has(d.start)));
    for (const n of nested) kept.push(...this.lintNested(n));
    return kept;
  }

  // Neo4j's semantic analysis threw on one statement (a library bug: calls
  // with no arguments, such as timestamp() or datetime(), inside a pattern's
  // property map make it throw). Analyse the statement again with each such
  // call replaced by a parameter of the same length, so that positions hold.
  reanalyse(parsed, crash, addLibrary) {
    const C = this.C;
    const stmt = parsed.statementsParsing.find(
      (s) => s.command.type === 'cypher' && s.command.statement === crash.query);
    const base = stmt ? stmt.command.start.start : 0;
    const chars = Array.from(crash.query);
    if (stmt) {
      walk(stmt.ctx, (node) => {
        if (node instanceof C.FunctionInvocationContext && node.functionArgument_list().length === 0) {
          const from = node.start.start - base;
          const to = node.stop.stop - base;
          if (from < 0 || to >= chars.length || to - from < 2) return;
          chars.splice(from, to - from + 1, ...Array.from(`$z${'_'.repeat(to - from - 1)}`));
        }
      });
    }
    this.fallbacks += 1;
    const again = this.ls.lintCypherQuery(chars.join(''), {
      ...this.schema,
      defaultLanguage: stmt?.cypherVersion ?? this.schema.defaultLanguage,
    }, false).filter((d) => !/^Parameter \$/.test(d.message));
    addLibrary(again, base);
    const crashedAgain = globalThis[CRASHES].splice(0);
    if (crashedAgain.length === 0) return null;
    return {
      start: base,
      end: base + 1,
      statementEnd: base + chars.length,
      severity: 'warning',
      message: `Neo4j's semantic analysis failed on this statement (${crashedAgain[0].error}); ` +
        'only its syntax and names were checked',
      source: 'cypher-lint',
    };
  }

  // Lints a query-string argument of a procedure and maps the positions back.
  lintNested({ procedure, role, token, extraEntities, columnsFrom }) {
    const { value, map } = unescapeCypherString(token.text);
    let prefix = '';
    let entities = extraEntities ?? new Set();
    if (columnsFrom) {
      // apoc.periodic.iterate runs the action once per row of the iterate
      // query, with that row's columns bound as variables.
      const cols = this.returnColumns(columnsFrom);
      if (cols.names.length) {
        prefix = `WITH ${cols.names.map((c) => `$_batch AS \`${c.replace(/`/g, '``')}\``).join(', ')} `;
      }
      entities = cols.entities;
    }
    const inner = this.lintText(prefix + value, { extraEntities: entities, nested: true });
    const prefixLength = Array.from(prefix).length;
    const valueCodePoints = Array.from(value);
    // map is indexed by UTF-16 position in value; convert code points back.
    const cpToUnit = [];
    let unit = 0;
    for (const ch of valueCodePoints) {
      cpToUnit.push(unit);
      unit += ch.length;
    }
    cpToUnit.push(unit);
    const rawUnitsToCp = (rawUnitIndex) => Array.from(token.text.slice(0, rawUnitIndex)).length;
    const toOuter = (offset) => {
      const cp = Math.min(Math.max(offset - prefixLength, 0), valueCodePoints.length);
      return token.start + rawUnitsToCp(map[cpToUnit[cp]] ?? map[map.length - 1]);
    };
    return inner.map((d) => ({
      ...d,
      start: toOuter(d.start),
      end: toOuter(Math.max(d.end, d.start)),
      message: `in the ${role} string of ${procedure}: ${d.message}`,
    }));
  }

  // Columns returned by the outermost RETURN of a query string, and which of
  // them are nodes or relationships.
  returnColumns(text) {
    const C = this.C;
    const parsed = this.ls.parserWrapper.parse(text, false);
    const names = [];
    const entities = new Set();
    for (const stmt of parsed.statementsParsing) {
      if (stmt.syntaxErrors.length > 0) continue;
      const entityVars = this.entityVariables(stmt.ctx, new Set());
      let last = null;
      walk(stmt.ctx, (node) => {
        if (node instanceof C.ReturnClauseContext && !hasAncestor(node, this.scopedSubqueries)) last = node;
      });
      if (!last) continue;
      for (const item of last.returnBody().returnItems().returnItem_list()) {
        const alias = item.variable();
        const expr = descendTo(item.expression(), [C.VariableContext]);
        const bare = expr ? unquoteName(expr.getText()) : null;
        const name = alias ? unquoteName(alias.getText()) : bare;
        if (!name) continue;
        names.push(name);
        if (bare && entityVars.has(bare)) entities.add(name);
      }
    }
    return { names, entities };
  }

  // Variables bound to nodes or relationships: pattern variables, YIELDed
  // NODE/RELATIONSHIP columns, and their `WITH x AS y` aliases.
  entityVariables(ctx, extra) {
    const C = this.C;
    const vars = new Set(extra);
    const aliases = [];
    walk(ctx, (node) => {
      if (node instanceof C.VariableContext) {
        if (this.entityPatterns.some((cls) => node.parentCtx instanceof cls)) {
          vars.add(unquoteName(node.getText()));
        }
      } else if (node instanceof C.ReturnItemContext) {
        // WITH c AS customer, WITH gds.util.asNode(nodeId) AS n
        const alias = node.variable();
        const expr = alias && descendTo(node.expression(), [C.VariableContext, C.FunctionInvocationContext]);
        if (expr instanceof C.VariableContext) {
          aliases.push([unquoteName(expr.getText()), unquoteName(alias.getText())]);
        } else if (expr && ENTITY_FUNCTIONS.has(procedureName(expr.functionName()).toLowerCase())) {
          vars.add(unquoteName(alias.getText()));
        }
      } else if (node instanceof C.UnwindClauseContext) {
        // UNWIND nodes(path) AS n, UNWIND gds.util.asNodes(ids) AS n
        const expr = descendTo(node.expression(), [C.FunctionInvocationContext]);
        if (expr && ENTITY_LIST_FUNCTIONS.has(procedureName(expr.functionName()).toLowerCase())) {
          vars.add(unquoteName(node.variable().getText()));
        }
      } else if (node instanceof C.CallClauseContext) {
        const name = procedureName(node.procedureName());
        const proc = this.schema.procedures[this.schema.defaultLanguage]?.[name];
        if (!proc) return;
        const types = Object.fromEntries((proc.returnDescription ?? []).map((r) => [r.name, r.type ?? '']));
        for (const item of node.procedureResultItem_list()) {
          const yielded = unquoteName(item._yieldItemName.getText());
          const bound = item._yieldItemAlias ? unquoteName(item._yieldItemAlias.getText()) : yielded;
          if (/^(NODE|RELATIONSHIP)\??$/.test(types[yielded] ?? '')) vars.add(bound);
        }
      }
    });
    for (let changed = true; changed; ) {
      changed = false;
      for (const [from, to] of aliases) {
        if (vars.has(from) && !vars.has(to)) {
          vars.add(to);
          changed = true;
        }
      }
    }
    return vars;
  }

  isEntityExpression(expr1, entityVars) {
    const C = this.C;
    const node = descendTo(expr1, [C.VariableContext, C.FunctionInvocationContext]);
    if (node instanceof C.VariableContext) return entityVars.has(unquoteName(node.getText()));
    if (node instanceof C.FunctionInvocationContext) {
      return ENTITY_FUNCTIONS.has(procedureName(node.functionName()).toLowerCase());
    }
    return false;
  }

  // Should this property key be in the model? Keys of nodes and relationships
  // are; keys of maps (parameters, config maps, map literals) are not.
  isModelPropertyKey(keyCtx, entityVars) {
    const C = this.C;
    const parent = keyCtx.parentCtx;
    if (parent instanceof C.MapContext) {
      const owner = parent.parentCtx;
      if (owner instanceof C.PropertiesContext || owner instanceof C.InsertNodePatternContext ||
          owner instanceof C.InsertRelationshipPatternContext) {
        return true;
      }
      // SET x = {...} / SET x += {...}
      let top = parent;
      while (top.parentCtx && ruleChildren(top.parentCtx).length === 1 && top.parentCtx.children.length === 1) {
        top = top.parentCtx;
      }
      const item = top.parentCtx;
      if ((item instanceof C.SetPropsContext || item instanceof C.AddPropContext) && item.expression() === top) {
        return entityVars.has(unquoteName(item.variable().getText()));
      }
      return false;
    }
    if (parent instanceof C.PropertyContext) {
      const owner = parent.parentCtx;
      if (owner instanceof C.PropertyPostfixContext) {
        const expr2 = owner.parentCtx;
        const kids = expr2.children ?? [];
        return kids[1] === owner && this.isEntityExpression(kids[0], entityVars);
      }
      if (owner instanceof C.PropertyExpressionContext) {
        const kids = owner.children ?? [];
        return kids[1] === parent && this.isEntityExpression(kids[0], entityVars);
      }
      if (owner instanceof C.PropertyListContext || owner instanceof C.EnclosedPropertyListContext) {
        return true;
      }
      if (owner instanceof C.MapProjectionElementContext) {
        const projection = owner.parentCtx;
        return entityVars.has(unquoteName(projection.variable().getText()));
      }
    }
    return false;
  }

  checkStatement(ctx, extraEntities) {
    const C = this.C;
    const { labels, relationshipTypes, propertyKeys } = this.vocabulary;
    const entityVars = this.entityVariables(ctx, extraEntities);
    const diagnostics = [];
    const nested = [];
    const report = (nameCtx, kind, name, candidates) => {
      diagnostics.push({
        start: nameCtx.start.start,
        end: nameCtx.stop.stop + 1,
        severity: 'error',
        message: `${kind} \`${name}\` is not in the model vocabulary (${this.vocabularyName})${suggestion(name, candidates)}`,
        source: 'vocabulary',
      });
    };
    const checkLabel = (nameCtx, kind) => {
      const name = unquoteName(nameCtx.getText());
      if (kind === 'Label' && !labels.has(name)) report(nameCtx, kind, name, labels);
      else if (kind === 'Relationship type' && !relationshipTypes.has(name)) report(nameCtx, kind, name, relationshipTypes);
      else if (kind === 'Label or relationship type' && !labels.has(name) && !relationshipTypes.has(name)) {
        report(nameCtx, kind, name, [...labels, ...relationshipTypes]);
      }
    };
    const labelParents = [C.LabelTypeContext, C.NodeLabelsIsContext, C.InsertNodeLabelExpressionContext,
      C.FulltextNodePatternContext].filter(Boolean);
    const relTypeParents = [C.RelTypeContext, C.InsertRelationshipLabelExpressionContext,
      C.FulltextRelPatternContext].filter(Boolean);

    walk(ctx, (node) => {
      if (node instanceof C.SymbolicNameStringContext) {
        const parent = node.parentCtx;
        if (parent instanceof C.LabelNameContext) {
          const pattern = nearestAncestor(parent, [C.NodePatternContext, C.RelationshipPatternContext]);
          const kind = pattern instanceof C.NodePatternContext ? 'Label'
            : pattern instanceof C.RelationshipPatternContext ? 'Relationship type'
              : 'Label or relationship type';
          checkLabel(node, kind);
        } else if (labelParents.some((cls) => parent instanceof cls)) {
          checkLabel(node, 'Label');
        } else if (relTypeParents.some((cls) => parent instanceof cls)) {
          checkLabel(node, 'Relationship type');
        } else if (parent instanceof C.LabelOrRelTypeContext) {
          checkLabel(node, 'Label or relationship type');
        } else if (parent instanceof C.PropertyKeyNameContext) {
          const name = unquoteName(node.getText());
          if (!propertyKeys.has(name) && this.isModelPropertyKey(parent, entityVars)) {
            report(node, 'Property key', name, propertyKeys);
          }
        } else if (parent instanceof C.NonEmptyNameListContext && parent.parentCtx instanceof C.HintContext &&
                   parent.parentCtx.labelOrRelType()) {
          const name = unquoteName(node.getText());
          if (!propertyKeys.has(name)) report(node, 'Property key', name, propertyKeys);
        }
      } else if (node instanceof C.CallClauseContext) {
        const procedure = procedureName(node.procedureName());
        const roles = QUERY_STRING_ARGS[procedure];
        if (!roles) return;
        const args = node.procedureArgument_list();
        const literals = {};
        for (const [index, role] of Object.entries(roles)) {
          const arg = args[Number(index)];
          const leaf = arg && descendTo(arg.expression(), [C.StringLiteralContext]);
          if (leaf) literals[index] = { role, token: leaf.start };
        }
        for (const [index, { role, token }] of Object.entries(literals)) {
          const entry = { procedure, role, token };
          if (procedure === 'apoc.periodic.iterate' && index === '1') {
            entry.columnsFrom = literals[0] ? unescapeCypherString(literals[0].token.text).value : null;
            if (!entry.columnsFrom) delete entry.columnsFrom;
          }
          nested.push(entry);
        }
      }
    });
    return { diagnostics, nested };
  }
}

// ---------------------------------------------------------------------------

function lineStarts(codePoints) {
  const starts = [0];
  for (let i = 0; i < codePoints.length; i++) {
    if (codePoints[i] === '\n') starts.push(i + 1);
    else if (codePoints[i] === '\r' && codePoints[i + 1] !== '\n') starts.push(i + 1);
  }
  return starts;
}

function position(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

function main() {
  const started = process.hrtime.bigint();
  const opts = parseArgs(process.argv.slice(2));
  const files = opts.describe === null ? collectFiles(opts.paths) : [];
  const vocabulary = opts.describe === null ? loadVocabulary(opts.vocabularies) : null;
  const plugins = opts.describe === null ? loadProcedures(opts.procedures) : null;
  const { ls } = loadLibrary();
  if (opts.describe !== null) {
    describe(ls, opts.describe);
    return 0;
  }
  const linter = new Linter(ls, vocabulary, buildSchema(ls, vocabulary, plugins));

  const problems = [];
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      fail(`cannot read ${file}: ${e.message}`);
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const diagnostics = linter.lintText(blankComments(text));
    const starts = lineStarts(Array.from(text));
    const seen = new Set();
    for (const d of diagnostics) {
      const start = position(starts, d.start);
      const end = position(starts, Math.max(d.end, d.start));
      const message = d.message.replace(/\s+/g, ' ').trim();
      const key = `${start.line}:${start.column}:${d.severity}:${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({
        file,
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        severity: d.severity,
        message,
        source: d.source,
      });
    }
  }
  problems.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column);

  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = errors > 0 || (opts.strict && problems.length > 0);
  if (opts.json) {
    const version = libraryVersion();
    process.stdout.write(`${JSON.stringify({
      ok: !failed,
      library: `${LIBRARY}@${version}`,
      files,
      statements: linter.statements,
      reanalysed: linter.fallbacks,
      errors,
      warnings,
      seconds: Math.round(seconds * 1000) / 1000,
      problems,
    }, null, 2)}\n`);
  } else {
    for (const p of problems) {
      process.stdout.write(`${p.file}:${p.line}:${p.column} ${p.severity} ${p.message}\n`);
    }
    process.stderr.write(
      `cypher-lint: ${files.length} file(s), ${linter.statements} statement(s): ` +
      `${errors} error(s), ${warnings} warning(s) in ${seconds.toFixed(1)}s` +
      (linter.fallbacks ? ` (${linter.fallbacks} re-analysed around a crash of the semantic analysis)` : '') + '\n');
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
