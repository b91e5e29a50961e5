#!/usr/bin/env node
// Reference run of a TF.js Layers model with the pure-JS CPU backend of
// @tensorflow/tfjs (resolved from NODE_PATH / the working directory).
// Usage: node tfjs_reference.js <dump-dir with model.json+weights.bin> <input.f32> <N> <out.json>
//   input.f32: float32 little-endian NHWC batch, already preprocessed.
// Writes {features: [[...]], probabilities: [[...]]} where features is the
// output of the layer feeding the first Dense layer (the global pool).
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

async function main() {
  const [, , dir, inputFile, nStr, outFile] = process.argv;
  await tf.setBackend('cpu');
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const buf = fs.readFileSync(path.join(dir, 'weights.bin'));
  const weightSpecs = [].concat(...m.weightsManifest.map((g) => g.weights));
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: m.modelTopology, weightSpecs, weightData }));
  const layers = m.modelTopology.model_config.config.layers;
  const firstDense = layers.find((l) => l.class_name === 'Dense');
  const featName = firstDense.inbound_nodes[0][0][0];
  const sub = tf.model({ inputs: model.inputs, outputs: [model.getLayer(featName).output, model.outputs[0]] });
  const shape = model.inputs[0].shape.slice(1);
  const n = parseInt(nStr, 10);
  const raw = fs.readFileSync(inputFile);
  const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const x = tf.tensor(data, [n, ...shape]);
  const [f, p] = sub.predict(x);
  fs.writeFileSync(outFile, JSON.stringify({ features: await f.array(), probabilities: await p.array() }));
}
main().catch((e) => { console.error(e); process.exit(1); });
