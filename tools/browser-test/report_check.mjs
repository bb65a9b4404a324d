#!/usr/bin/env node
// Opens an `idgraph report` HTML file in the system's headless Chromium (playwright-core, no browser
// download) with the network off, waits for every chart to be drawn, and says what it saw: each chart's
// SVG and how many data marks it holds, the console's errors, the page's errors, and every request that
// was not for a file: or data: URL (each one is refused: the report must need none). Saves a screenshot.
//
//   node report_check.mjs --report report.html --screenshot report.png [--clip-top 0 --clip-height 1800]
//       [--width 1280]
//
// Prints one JSON object on stdout: {ok, steps: [{step, seconds}], charts: [{id, name, svg, marks}],
// expected_charts, rendered, console_errors, page_errors, blocked_requests, screenshot, errors}. `ok` is
// true when every chart has an SVG with marks, nothing was refused and the console has no error. Exit code
// 0 when ok, 1 otherwise.
//
// Environment: IDGRAPH_CHROMIUM (default /usr/bin/chromium), BROWSER_CHECK_TIMEOUT_MS (default 60000).

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    report: { type: "string" },
    screenshot: { type: "string" },
    "clip-top": { type: "string", default: "0" },
    "clip-height": { type: "string", default: "0" },
    width: { type: "string", default: "1280" },
  },
});

const TIMEOUT = Number(process.env.BROWSER_CHECK_TIMEOUT_MS || 60000);
const CHROMIUM = process.env.IDGRAPH_CHROMIUM || "/usr/bin/chromium";
const result = { ok: false, steps: [], charts: [], expected_charts: null, rendered: null, console_errors: [],
                 page_errors: [], blocked_requests: [], screenshot: null, errors: [] };

async function step(name, work) {
  const started = Date.now();
  try {
    return await work();
  } finally {
    result.steps.push({ step: name, seconds: (Date.now() - started) / 1000 });
  }
}

async function main() {
  if (!args.report) throw new Error("--report is required");
  const url = pathToFileURL(resolve(args.report)).href;
  const browser = await step("launch", () => chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  }));
  try {
    const context = await browser.newContext({ viewport: { width: Number(args.width), height: 900 },
                                               deviceScaleFactor: 1 });
    // The network is off: the context is offline, and every request but the file itself and data: URLs
    // is refused and written down.
    await context.setOffline(true);
    await context.route("**/*", (route) => {
      const asked = route.request().url();
      if (asked.startsWith("file:") || asked.startsWith("data:")) return route.continue();
      result.blocked_requests.push(asked);
      return route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on("console", (message) => {
      if (message.type() === "error") result.console_errors.push(message.text());
    });
    page.on("pageerror", (error) => result.page_errors.push(error.message));

    await step("open", () => page.goto(url, { waitUntil: "load" }));
    await step("draw", () => page.waitForFunction(() => window.idgraphReport && window.idgraphReport.done, null,
                                                  { timeout: TIMEOUT }));
    const state = await page.evaluate(() => window.idgraphReport);
    result.expected_charts = state.charts;
    result.rendered = state.rendered;
    result.errors.push(...state.errors);
    result.charts = await page.$$eval("div.chart", (divs) => divs.map((div) => {
      const svg = div.querySelector("svg");
      // Vega's SVG renderer draws each data mark as a <g class="mark-... role-mark"> holding one element per
      // item; axes, legends and titles have roles of their own.
      const marks = svg ? [...svg.querySelectorAll("g.role-mark")].reduce((n, g) => n + g.children.length, 0) : 0;
      return { id: div.id, name: div.dataset.chart, svg: Boolean(svg), canvas: Boolean(div.querySelector("canvas")),
               marks };
    }));

    if (args.screenshot) {
      await step("screenshot", async () => {
        const path = resolve(args.screenshot);
        mkdirSync(dirname(path), { recursive: true });
        const height = Number(args["clip-height"]);
        const clip = { x: 0, y: Number(args["clip-top"]), width: Number(args.width), height };
        await page.screenshot(height > 0 ? { path, clip, fullPage: true } : { path, fullPage: true });
        result.screenshot = path;
      });
    }
    const drawn = result.charts.length === state.charts && result.charts.every((c) => c.svg && c.marks > 0);
    if (!drawn) result.errors.push("a chart was not drawn, or has no marks");
    result.ok = drawn && state.rendered === state.charts && result.blocked_requests.length === 0 &&
      result.console_errors.length === 0 && result.page_errors.length === 0 && result.errors.length === 0;
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
