#!/usr/bin/env node
// Turn an nsfwjs bundled TF.js Layers model (model.min.js exporting
// {modelTopology, weightsManifest}, group1-shard*.min.js each exporting a base64
// string) into a plain model.json (tfjs "model.json" format) and weights.bin
// (the shards' bytes concatenated in manifest order).
// Usage: node tfjs_dump.js <model-dir> <out-dir>
'use strict';
const fs = require('fs');
const path = require('path');

const [, , modelDir, outDir] = process.argv;
if (!modelDir || !outDir) {
  console.error('usage: node tfjs_dump.js <model-dir> <out-dir>');
  process.exit(2);
}
const model = require(path.resolve(modelDir, 'model.min.js'));
if (!model || !model.modelTopology || !model.weightsManifest) {
  console.error('model.min.js does not export {modelTopology, weightsManifest}');
  process.exit(1);
}
const buffers = [];
for (const group of model.weightsManifest) {
  for (const p of group.paths) {
    const b64 = require(path.resolve(modelDir, p + '.min.js'));
    if (typeof b64 !== 'string') {
      console.error(`${p}.min.js does not export a base64 string`);
      process.exit(1);
    }
    buffers.push(Buffer.from(b64, 'base64'));
  }
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'model.json'), JSON.stringify(model));
fs.writeFileSync(path.join(outDir, 'weights.bin'), Buffer.concat(buffers));
