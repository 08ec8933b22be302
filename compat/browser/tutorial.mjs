// The IAM tutorial "Creating your first IAM delegated user and user group", walked through the
// localiam console in Debian's chromium (playwright-core drives it; no browser download).
// Run by scripts/test-browser, which starts the server: LOCALIAM_URL names it. Screenshots of the
// main pages go to SCREENSHOTS (docs/screenshots).

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNT, base, check, log, problems, step, until, walk } from "./walk.mjs";

const shots = process.env.SCREENSHOTS || "docs/screenshots";
mkdirSync(shots, { recursive: true });
const MARY = "mary.major@examplecorp.com";
const DIEGO = "diego.ramirez@examplecorp.com";
const FIRST_PASSWORD = "Tutorial-Passw0rd!";
const MARY_PASSWORD = "Mary-New-Passw0rd!";
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/PowerUserExampleCorp`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // CSP violations and script errors show up here: the walk fails on any.
  page.on("console", (m) => {
    // The sign-in page's intended 401 (a wrong secret) is the only failed load allowed.
    if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(`${step()}: console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${step()}: page error: ${e.message}`));
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

async function text(page) {
  return await page.locator("main").innerText();
}

await walk("browser tutorial walk", browser, async () => {
  const root = await newPage();

  log("root signs in with the root credentials");
  await root.goto(`${base}/console/`);
  await shot(root, "sign-in");
  await root.fill("#access_key_id", "test");
  await root.fill("#secret_access_key", "wrong");
  await root.click("button.primary");
  check((await text(root)).includes("Your authentication information is incorrect. Please try again."), "wrong secret refused");
  await root.fill("#access_key_id", "test");
  await root.fill("#secret_access_key", "test");
  await root.click("button.primary");
  await root.waitForURL(`${base}/console/iam/`);

  log("copy PowerUserAccess into PowerUserExampleCorp in the JSON editor");
  await root.goto(`${base}/console/iam/policies/create`);
  await root.fill("#start-from", "PowerUserAccess");
  await root.click("#import-policy");
  const imported = await root.inputValue("#policy-document");
  check(imported.includes("NotAction"), "the managed policy's document is loaded");
  // A typo: live validation finds an error and blocks saving.
  await root.fill("#policy-document", imported.replace('"Effect": "Allow"', '"Effect": "Alow"'));
  await until("an error finding", async () =>
    (await root.isDisabled("#save-policy")) && /Errors \([1-9]/.test(await root.innerText("#findings")));
  await root.click("#tab-errors");
  await shot(root, "policy-editor-findings");
  await root.fill("#policy-document", imported);
  await until("no error finding", async () => !(await root.isDisabled("#save-policy")));
  await root.fill("#policy-name", "PowerUserExampleCorp");
  await root.fill("#policy-description", "Allows full access to all services except those for user management");
  await root.click("#save-policy");
  await root.waitForURL(/\/console\/iam\/policy\?arn=/);
  check((await text(root)).includes("PowerUserExampleCorp"), "policy created");
  await shot(root, "policy");

  log("create the group PowerUsers with the policy");
  await root.goto(`${base}/console/iam/groups/create`);
  await root.fill("#group_name", "PowerUsers");
  await root.check(`input[name=policy][value="${POLICY_ARN}"]`);
  await root.click("button.primary");
  await root.waitForURL(/\/console\/iam\/group\?name=PowerUsers/);

  for (const [user, key] of [[MARY, true], [DIEGO, false]]) {
    log(`create ${user} with a password to change at first sign-in`);
    await root.goto(`${base}/console/iam/users/create`);
    await root.fill("#user_name", user);
    await root.check("#custom_password_kind");
    await root.fill("#custom_password", FIRST_PASSWORD);
    check(await root.isChecked("#reset_required"), "reset required by default");
    await root.check('input[name=group][value="PowerUsers"]');
    if (key) await root.check("#access_key");
    await root.fill("input[name=tag_key_1]", "Department");
    await root.fill("input[name=tag_value_1]", "Engineering");
    await root.click("button.primary");
    await root.waitForSelector("#new-password");
    check((await root.innerText("#new-password")) === FIRST_PASSWORD, "password shown once");
    if (key) {
      check((await root.innerText("#new-access-key-id")).startsWith("AKIA"), "access key shown");
    }
  }
  await root.goto(`${base}/console/iam/users`);
  check((await text(root)).includes(DIEGO), "users listed");
  await shot(root, "users");

  log("Mary signs in through the IAM user link and sets a new password");
  const mary = await newPage();
  await mary.goto(`${base}/console/${ACCOUNT}`);
  await mary.fill("#username", MARY);
  await mary.fill("#password", FIRST_PASSWORD);
  await mary.click("button.primary");
  await mary.waitForURL(`${base}/console/change-password`);
  await mary.fill("#old_password", FIRST_PASSWORD);
  await mary.fill("#new_password", MARY_PASSWORD);
  await mary.fill("#confirm_password", MARY_PASSWORD);
  await shot(mary, "change-password");
  await mary.click("button.primary");
  await mary.waitForURL(`${base}/console/iam/`);

  log("Mary sees AccessDenied on Users");
  await mary.goto(`${base}/console/iam/users`);
  const denied = await text(mary);
  check(denied.includes(`User: arn:aws:iam::${ACCOUNT}:user/${MARY} is not authorized to perform: iam:ListUsers`), `AccessDenied shown, got: ${denied}`);
  await shot(mary, "access-denied");

  log("Mary uses an allowed page (Roles: iam:ListRoles is allowed)");
  await mary.goto(`${base}/console/iam/roles`);
  check(!(await text(mary)).includes("AccessDenied"), "roles listed");

  log("root opens the group's Access Advisor tab and sees Mary's use");
  await root.goto(`${base}/console/iam/group?name=PowerUsers&tab=access_advisor`);
  const advisor = await text(root);
  check(advisor.includes(MARY) && advisor.includes("ListRoles"), "Mary's ListRoles in Access Advisor");
  await shot(root, "group-access-advisor");

  log("edit the policy into a new version, then roll back");
  await root.goto(`${base}/console/iam/policy?arn=${encodeURIComponent(POLICY_ARN)}`);
  await root.click("a.button:text('Edit')");
  await root.waitForSelector("#policy-document");
  const smaller = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "FullAccessToSomeServices", Effect: "Allow", Action: ["ec2:*", "s3:*"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"],
        Resource: "*",
      },
    ],
  }, null, 4);
  await root.fill("#policy-document", smaller);
  await until("no error finding", async () => !(await root.isDisabled("#save-policy")));
  await root.click("#save-policy");
  await root.waitForURL(/tab=versions/);
  check((await text(root)).includes("v2 (Default)"), "v2 is the default");
  await root.click("tr:has-text('v1') button:text('Set as default')");
  await root.waitForURL(/tab=versions/);
  await root.click("tr:has-text('v2') button:text('Delete')");
  await root.waitForURL(/tab=versions/);
  const versions = await text(root);
  check(versions.includes("v1 (Default)") && !versions.includes("v2"), "rolled back to v1, v2 deleted");
  await shot(root, "policy-versions");

  log("dashboard and event history");
  await root.goto(`${base}/console/iam/`);
  check((await text(root)).includes(`/console/${ACCOUNT}`), "sign-in link shown");
  await shot(root, "dashboard");
  await root.goto(`${base}/console/iam/events`);
  await root.selectOption("select[name=attribute]", "Username");
  await root.fill("input[name=value]", MARY);
  await root.click("form.filter button");
  await root.waitForURL(/attribute=Username/);
  const history = await text(root);
  check(history.includes("ListUsers") && history.includes("AccessDenied"), `Mary's denied ListUsers in the event history, got: ${history}`);
  check(history.includes("ConsoleLogin"), "Mary's console sign-in in the event history");
  await shot(root, "event-history");

  log("policy simulator: what the PowerUsers group may do");
  const group = encodeURIComponent(`arn:aws:iam::${ACCOUNT}:group/PowerUsers`);
  const actions = encodeURIComponent("iam:ListUsers iam:ListRoles ec2:RunInstances");
  await root.goto(`${base}/console/iam/simulator?run=1&source=${group}&actions=${actions}&resources=*`);
  const simulation = await text(root);
  check(simulation.includes("Implicitly denied") && simulation.includes("allowed"), `simulation results, got: ${simulation}`);
  await root.locator("tr").last().scrollIntoViewIfNeeded();
  await shot(root, "policy-simulator");
  await root.goto(`${base}/console/iam/roles`);
  check((await text(root)).includes("Create role"), "roles list");
  await shot(root, "roles");

  log("sign out");
  await root.click("button:text('Sign out')");
  await root.waitForURL(`${base}/console/`);
  await root.goto(`${base}/console/iam/users`);
  check(root.url() === `${base}/console/`, "signed out");

});
