// Plain CommonJS: the app build (scripts/build-app.mjs) and the TypeScript hook
// (scripts/register-ts.js) both write through it, before any TypeScript can load.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

/**
 * Writes `file` through a temporary file and a rename, so that a reader never sees half of it; the
 * temporary name is the writer's own (process and thread), as two writers may write the same file.
 */
function writeAtomically(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${threadId}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

exports.writeAtomically = writeAtomically;
