// Each step says what it did on stdout (its log) and, with WORKFLOW_LOG set, in that file with the
// time: the order of the steps can be read from it.
const fs = require('node:fs');

exports.note = (text) => {
  console.log(text);
  if (process.env.WORKFLOW_LOG) fs.appendFileSync(process.env.WORKFLOW_LOG, `${Date.now()} ${text}\n`);
};
