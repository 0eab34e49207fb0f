// Whole-process genson-js inference: node genson_cli.js SET_DIR OUT_FILE (NODE_PATH must reach genson-js).
const [dir, outFile] = process.argv.slice(2);
const fs = require("fs"), path = require("path");
const docs = fs.readdirSync(dir).filter(f => f.endsWith(".json")).sort()
  .map(f => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
fs.writeFileSync(outFile, JSON.stringify(require("genson-js").createCompoundSchema(docs), null, 1));
