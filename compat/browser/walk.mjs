// What the console walks share (tutorial.mjs in chromium, firefox.mjs in Firefox): the server's
// URL, the account, the step being walked, checks that fail loudly, and polling from Node (the
// console's CSP forbids the eval that in-page waiting needs).

export const base = process.env.LOCALIAM_URL;
if (!base) {
  console.error("LOCALIAM_URL is not set (run through scripts/test-browser)");
  process.exit(2);
}
export const ACCOUNT = "123456789012";

// Script errors and CSP violations the browser reports, with the step they happened in.
export const problems = [];
let current = "start";

export function step() {
  return current;
}

export function log(s) {
  current = s;
  console.log(`--- ${s}`);
}

export function check(ok, what) {
  if (!ok) {
    throw new Error(`${current}: ${what}`);
  }
}

export async function until(what, f) {
  for (let i = 0; i < 100; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${current}: timed out waiting for ${what}`);
}

// Runs a walk: any failure or reported problem prints FAILED and sets a non-zero exit status;
// the browser is closed either way.
export async function walk(name, browser, body) {
  const started = Date.now();
  try {
    await body();
    if (problems.length) {
      throw new Error(`browser reported problems:\n${problems.join("\n")}`);
    }
    console.log(`${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    console.error(`FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
