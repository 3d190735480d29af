import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

/** The shape of a test causal LM. */
export interface GraphShape {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  seed: number;
}

/** A seeded normal generator (mulberry32 + Box-Muller), so the same seed writes the same weights. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

type Attr = number | number[] | { f: number } | { t: onnxProto.onnx.ITensorProto };

function node(opType: string, input: string[], output: string[], attrs: Record<string, Attr> = {}) {
  return onnx.NodeProto.create({
    opType,
    input,
    output,
    name: output[0],
    attribute: Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
      if (typeof v === 'number') return { name, type: A.INT, i: v };
      if ('f' in v) return { name, type: A.FLOAT, f: v.f };
      return { name, type: A.TENSOR, t: v.t };
    }),
  });
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

function floatTensor(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: T.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function int64Tensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: T.INT64, int64Data: values });
}

/**
 * Builds a small pre-LayerNorm transformer decoder as ONNX bytes, in the layout standard
 * exporters produce: inputs `input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.N.key/value`; outputs `logits`, `present.N.key/value`. Attention is causal
 * (a Trilu mask offset by the past length) and honours `attention_mask`.
 */
export function buildCausalLmGraph(shape: GraphShape): Uint8Array {
  const { vocabSize: V, hiddenSize: H, layers, heads, intermediateSize: F, maxPositions } = shape;
  const D = H / heads;
  const random = normals(shape.seed);
  const init: onnxProto.onnx.ITensorProto[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const weights = (name: string, dims: number[], scale: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = random() * scale;
    init.push(floatTensor(name, dims, data));
    return name;
  };
  const constant = (name: string, dims: number[], value: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    init.push(floatTensor(name, dims, new Float32Array(n).fill(value)));
    return name;
  };

  init.push(int64Tensor('c_axes12', [2], [1, 2]));
  init.push(int64Tensor('c_zero', [1], [0]));
  init.push(int64Tensor('c_start1', [1], [1]));
  init.push(int64Tensor('c_end2', [1], [2]));
  init.push(int64Tensor('c_split_heads', [4], [0, 0, heads, D]));
  init.push(int64Tensor('c_merge_heads', [3], [0, 0, H]));
  constant('c_one', [], 1);
  constant('c_neg', [], -1e9);
  constant('c_scale', [], 1 / Math.sqrt(D));

  // Embeddings: tokens plus learned positions.
  nodes.push(node('Gather', [weights('embed_tokens', [V, H], 1), 'input_ids'], ['tok_emb']));
  nodes.push(
    node('Gather', [weights('embed_positions', [maxPositions, H], 0.5), 'position_ids'], ['pos_emb']),
  );
  nodes.push(node('Add', ['tok_emb', 'pos_emb'], ['h_0']));

  // Causal mask [batch, 1, seq, total]: key j is visible to query i when j <= past + i and attention_mask[j] = 1.
  nodes.push(node('Shape', ['input_ids'], ['ids_shape']));
  nodes.push(node('Slice', ['ids_shape', 'c_start1', 'c_end2', 'c_zero'], ['seq_len']));
  nodes.push(node('Shape', ['attention_mask'], ['mask_shape']));
  nodes.push(node('Slice', ['mask_shape', 'c_start1', 'c_end2', 'c_zero'], ['total_len']));
  nodes.push(node('Sub', ['total_len', 'seq_len'], ['past_len_1d']));
  nodes.push(node('Squeeze', ['past_len_1d', 'c_zero'], ['past_len']));
  nodes.push(node('Concat', ['seq_len', 'total_len'], ['square_shape'], { axis: 0 }));
  nodes.push(
    node('ConstantOfShape', ['square_shape'], ['ones'], {
      value: { t: floatTensor('value', [1], new Float32Array([1])) },
    }),
  );
  nodes.push(node('Trilu', ['ones', 'past_len'], ['causal'], { upper: 0 }));
  nodes.push(node('Cast', ['attention_mask'], ['mask_f'], { to: T.FLOAT }));
  nodes.push(node('Unsqueeze', ['mask_f', 'c_axes12'], ['mask_4d']));
  nodes.push(node('Mul', ['causal', 'mask_4d'], ['visible']));
  nodes.push(node('Sub', ['c_one', 'visible'], ['hidden_keys']));
  nodes.push(node('Mul', ['hidden_keys', 'c_neg'], ['attn_bias']));

  const inputs = [
    valueInfo('input_ids', T.INT64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', T.INT64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', T.INT64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [valueInfo('logits', T.FLOAT, ['batch_size', 'sequence_length', V])];

  let h = 'h_0';
  for (let l = 0; l < layers; l++) {
    const p = (s: string) => `l${l}_${s}`;
    const ln = (x: string, name: string) => {
      nodes.push(
        node(
          'LayerNormalization',
          [x, constant(p(`${name}_g`), [H], 1), constant(p(`${name}_b`), [H], 0)],
          [p(name)],
          { axis: -1, epsilon: { f: 1e-5 } },
        ),
      );
      return p(name);
    };
    const x = ln(h, 'ln1');
    for (const w of ['q', 'k', 'v']) {
      nodes.push(node('MatMul', [x, weights(p(`w${w}`), [H, H], 1 / Math.sqrt(H))], [p(`${w}_flat`)]));
      nodes.push(node('Reshape', [p(`${w}_flat`), 'c_split_heads'], [p(`${w}_split`)]));
      nodes.push(node('Transpose', [p(`${w}_split`)], [p(`${w}_new`)], { perm: [0, 2, 1, 3] }));
    }
    inputs.push(
      valueInfo(`past_key_values.${l}.key`, T.FLOAT, ['batch_size', heads, 'past_sequence_length', D]),
    );
    inputs.push(
      valueInfo(`past_key_values.${l}.value`, T.FLOAT, ['batch_size', heads, 'past_sequence_length', D]),
    );
    outputs.push(valueInfo(`present.${l}.key`, T.FLOAT, ['batch_size', heads, 'total_sequence_length', D]));
    outputs.push(valueInfo(`present.${l}.value`, T.FLOAT, ['batch_size', heads, 'total_sequence_length', D]));
    nodes.push(node('Concat', [`past_key_values.${l}.key`, p('k_new')], [`present.${l}.key`], { axis: 2 }));
    nodes.push(
      node('Concat', [`past_key_values.${l}.value`, p('v_new')], [`present.${l}.value`], { axis: 2 }),
    );
    nodes.push(node('Transpose', [`present.${l}.key`], [p('k_t')], { perm: [0, 1, 3, 2] }));
    nodes.push(node('MatMul', [p('q_new'), p('k_t')], [p('scores_raw')]));
    nodes.push(node('Mul', [p('scores_raw'), 'c_scale'], [p('scores_scaled')]));
    nodes.push(node('Add', [p('scores_scaled'), 'attn_bias'], [p('scores')]));
    nodes.push(node('Softmax', [p('scores')], [p('probs')], { axis: -1 }));
    nodes.push(node('MatMul', [p('probs'), `present.${l}.value`], [p('ctx')]));
    nodes.push(node('Transpose', [p('ctx')], [p('ctx_t')], { perm: [0, 2, 1, 3] }));
    nodes.push(node('Reshape', [p('ctx_t'), 'c_merge_heads'], [p('ctx_flat')]));
    nodes.push(node('MatMul', [p('ctx_flat'), weights(p('wo'), [H, H], 1 / Math.sqrt(H))], [p('attn_out')]));
    nodes.push(node('Add', [h, p('attn_out')], [p('h_attn')]));
    const y = ln(p('h_attn'), 'ln2');
    nodes.push(node('MatMul', [y, weights(p('w_up'), [H, F], 1 / Math.sqrt(H))], [p('up')]));
    nodes.push(node('Sigmoid', [p('up')], [p('gate')]));
    nodes.push(node('Mul', [p('up'), p('gate')], [p('act')]));
    nodes.push(node('MatMul', [p('act'), weights(p('w_down'), [F, H], 1 / Math.sqrt(F))], [p('down')]));
    nodes.push(node('Add', [p('h_attn'), p('down')], [`h_${l + 1}`]));
    h = `h_${l + 1}`;
  }
  nodes.push(
    node('LayerNormalization', [h, constant('final_g', [H], 1), constant('final_b', [H], 0)], ['h_final'], {
      axis: -1,
      epsilon: { f: 1e-5 },
    }),
  );
  nodes.push(node('MatMul', ['h_final', weights('lm_head', [H, V], 1 / Math.sqrt(H))], ['logits']));

  const graph = onnx.GraphProto.create({
    name: 'lam_test_causal_lm',
    node: nodes,
    initializer: init,
    input: inputs,
    output: outputs,
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: '@lam/runtime',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
