#!/usr/bin/env node
// Drives Neo4j Browser the way a person does, in the system's headless Chromium (playwright-core: no
// browser download): open the Browser, connect, apply the project's style with `:style <grass>`, set
// parameters, run a query, wait for the graph drawing, read what was drawn (each node's caption lines and
// colour, each relationship's caption) and save a screenshot of the result frame.
//
//   node browser_check.mjs --http http://127.0.0.1:7474/ --bolt bolt://127.0.0.1:7687 \
//       --user neo4j --password-env NEO4J_PASSWORD --style ../../cypher/browser/style.grass \
//       --param email=ada.lovelace@outlook.com --query-file profile.cypher \
//       --expect "ada lovelace" --expect ada.lovelace@outlook.com --screenshot out.png
//
// Prints one JSON object on stdout: {ok, steps: [{step, seconds}], style_applied, nodes: [{id, labels?,
// fill, caption}], relationships: [{caption}], expected: {text: found}, missing: [...], screenshot,
// errors}. `ok` is false when a step failed or an expected text is not among the drawn captions. Exit code
// 0 when ok, 1 otherwise. Only 127.0.0.1 addresses are accepted.
//
// Environment: IDGRAPH_CHROMIUM (default /usr/bin/chromium), BROWSER_CHECK_TIMEOUT_MS (default 60000).

import { readFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    http: { type: "string" },
    bolt: { type: "string" },
    user: { type: "string", default: "neo4j" },
    "password-env": { type: "string", default: "NEO4J_PASSWORD" },
    style: { type: "string" },
    param: { type: "string", multiple: true, default: [] },
    "query-file": { type: "string" },
    query: { type: "string" },
    expect: { type: "string", multiple: true, default: [] },
    screenshot: { type: "string" },
    "min-nodes": { type: "string", default: "1" },
  },
});

const TIMEOUT = Number(process.env.BROWSER_CHECK_TIMEOUT_MS || 60000);
const CHROMIUM = process.env.IDGRAPH_CHROMIUM || "/usr/bin/chromium";
const result = { ok: false, steps: [], style_applied: null, nodes: [], relationships: [], expected: {}, missing: [],
                 screenshot: null, errors: [] };

function localOnly(url, name) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new Error(`--${name} must be on 127.0.0.1, not ${host}`);
}

async function step(name, work) {
  const started = Date.now();
  try {
    return await work();
  } finally {
    result.steps.push({ step: name, seconds: (Date.now() - started) / 1000 });
  }
}

// Puts a command into the main editor and runs it; returns the frame it made (the newest, on top).
async function run(page, command) {
  const frames = page.locator('[data-testid="frame"]');
  const before = await frames.count();
  await page.locator("#monaco-main-editor").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  // Pasted, as a person pastes a query or a style file: typed text would get auto-closed brackets, and
  // a line break typed into the one-line editor would run the command there and then.
  await page.evaluate((text) => navigator.clipboard.writeText(text), command);
  await page.keyboard.press("Control+V");
  await page.locator('[data-testid="editor-Run"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="frame"]').length > n, before,
                             { timeout: TIMEOUT });
  const frame = frames.first();
  await frame.locator('[data-testid="frameCommand"]').waitFor({ timeout: TIMEOUT });
  return frame;
}

// Whether a drawn caption shows this text. A caption too long for its circle is cut and its last word
// shortened to end with "…": then the text counts when that shortened word (3 characters at least) is
// how the text begins.
function shows(caption, text) {
  if (caption.includes(text)) return true;
  if (!caption.endsWith("\u2026")) return false;
  const cut = caption.slice(0, -1).split(" ").pop();
  return cut.length >= 3 && text.startsWith(cut);
}

async function main() {
  for (const name of ["http", "bolt"]) {
    if (!args[name]) throw new Error(`--${name} is required`);
    localOnly(args[name], name);
  }
  const password = process.env[args["password-env"]];
  if (!password) throw new Error(`the password is read from $${args["password-env"]}, which is not set`);
  const query = args.query ?? (args["query-file"] ? readFileSync(args["query-file"], "utf8") : null);
  if (!query) throw new Error("--query or --query-file is required");

  const browser = await step("launch", () => chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  }));
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    // Nothing leaves the machine: every request to another host than 127.0.0.1 is refused.
    await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(args.http).origin });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on("pageerror", (error) => result.errors.push(`page: ${error.message}`));

    await step("open", async () => {
      await page.goto(new URL("browser/", args.http).href, { waitUntil: "domcontentloaded" });
      await page.locator('input[data-testid="boltaddress"]').waitFor();
    });

    await step("connect", async () => {
      await page.locator('input[data-testid="boltaddress"]').fill(args.bolt);
      await page.locator('input[data-testid="username"]').fill(args.user);
      await page.locator('input[data-testid="password"]').fill(password);
      await page.locator('button[data-testid="connect"]').click();
      await page.getByText(/You are connected as user/).first().waitFor();
    });

    if (args.style) {
      const grass = readFileSync(args.style, "utf8");
      await step("style", async () => {
        const frame = await run(page, `:style ${grass}`);
        const text = await frame.locator('[data-testid="frameContents"]').innerText();
        // The style frame echoes the style now in force; an error frame says it could not be parsed.
        result.style_applied = !/Could not parse/i.test(text) && /node/.test(text);
        if (!result.style_applied) throw new Error(`:style was refused: ${text.slice(0, 500)}`);
      });
    }

    for (const param of args.param) {
      const at = param.indexOf("=");
      const [name, value] = [param.slice(0, at), param.slice(at + 1)];
      await step(`param ${name}`, () => run(page, `:param ${name} => ${JSON.stringify(value)}`));
    }

    const frame = await step("query", () => run(page, query.trim()));
    await step("draw", async () => {
      await frame.locator("svg g.node").first().waitFor();
      // The force layout moves the nodes for a while: wait until two readings a beat apart agree.
      let last = "";
      for (let i = 0; i < 40; i++) {
        const now = await frame.locator("svg g.node").evaluateAll((els) => els.map((e) => e.getAttribute("transform")).join("|"));
        if (now === last) break;
        last = now;
        await page.waitForTimeout(250);
      }
    });

    Object.assign(result, await frame.locator("svg:has(g.node)").first().evaluate((svg) => ({
      nodes: [...svg.querySelectorAll("g.node")].map((g) => ({
        id: (g.getAttribute("aria-label") || "").replace(/^graph-node/, ""),
        fill: g.querySelector("circle.b-outline")?.getAttribute("fill") ?? null,
        caption: [...g.querySelectorAll("text.caption")].map((t) => t.textContent.trim()).filter(Boolean).join(" "),
      })),
      relationships: [...svg.querySelectorAll("g.relationship")].map((g) => ({
        caption: [...g.querySelectorAll("text")].map((t) => t.textContent.trim()).join(" "),
      })),
    })));

    const captions = result.nodes.map((n) => n.caption);
    for (const text of args.expect) {
      const hit = captions.find((caption) => shows(caption, text));
      result.expected[text] = hit ?? null;
      if (hit === undefined) result.missing.push(text);
    }

    if (args.screenshot) {
      await step("screenshot", async () => {
        const path = resolve(args.screenshot);
        mkdirSync(dirname(path), { recursive: true });
        await frame.screenshot({ path });
        result.screenshot = path;
      });
    }
    const enough = result.nodes.length >= Number(args["min-nodes"]);
    if (!enough) result.errors.push(`only ${result.nodes.length} nodes were drawn`);
    result.ok = enough && result.missing.length === 0 && (args.style ? result.style_applied === true : true);
  } catch (error) {
    // What the page showed when it went wrong, beside the screenshot asked for (or in the working folder).
    const shot = args.screenshot ? resolve(args.screenshot).replace(/(\.png)?$/, ".failed.png") : resolve("browser-check.failed.png");
    try {
      await browser.contexts()[0]?.pages()[0]?.screenshot({ path: shot, fullPage: true });
      result.failure_screenshot = shot;
    } catch {
      // no page to show
    }
    throw error;
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (error) {
  result.errors.push(String(error?.stack || error));
  result.ok = false;
}
process.stdout.write(JSON.stringify(result, null, 2) + "\n");
process.exit(result.ok ? 0 : 1);
