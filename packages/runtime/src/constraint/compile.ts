import { LAM_ConstraintError } from '../errors';
import type { JsonSchema } from '../types';

/** A compiled schema node. Object properties keep their declared order. */
export type SchemaNode =
  | { kind: 'object'; props: PropNode[]; min: number }
  | { kind: 'anyObject'; min: number }
  | { kind: 'any'; min: number }
  | { kind: 'array'; items: SchemaNode; minItems: number; maxItems: number; min: number }
  | { kind: 'string'; minLength: number; maxLength: number; min: number }
  | { kind: 'literals'; options: string[]; min: number }
  | { kind: 'number'; integer: boolean; min: number };

export interface PropNode {
  /** The key as JSON text, quotes included. */
  keyJson: string;
  node: SchemaNode;
  required: boolean;
  /**
   * Set on the discriminator of a union of objects (`oneOf`/`anyOf`): for each of its values (as JSON
   * text), the properties of the branch it selects. The properties after it follow that branch.
   */
  branches?: ReadonlyMap<string, readonly PropNode[]>;
}

const ANY_KEYS = new Set(['description', 'title', '$schema', 'examples', 'default', '$comment']);

/** Compiled nodes by schema object, within one compilation: a part shared by many branches compiles once. */
type Compiled = Map<object, SchemaNode>;

/**
 * Compiles a JSON Schema (the supported subset) into a tree the automaton walks. A schema object that
 * occurs more than once in it (the same `args` schema in every branch of a union) compiles once.
 */
export function compileSchema(schema: JsonSchema, path = '', compiled: Compiled = new Map()): SchemaNode {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new LAM_ConstraintError(path, 'a schema must be an object');
  }
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  const node = compileNew(schema, path, compiled);
  compiled.set(schema, node);
  return node;
}

function compileNew(schema: JsonSchema, path: string, compiled: Compiled): SchemaNode {
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (key in schema) return compileUnion(schema[key], `${path}.${key}`, compiled);
  }
  for (const key of ['allOf', '$ref', 'not', 'pattern', 'if', 'patternProperties']) {
    if (key in schema) throw new LAM_ConstraintError(path, `"${key}" is not supported`);
  }
  if ('const' in schema) return literals([schema.const], path);
  if ('enum' in schema) {
    if (!Array.isArray(schema.enum) || schema.enum.length === 0) {
      throw new LAM_ConstraintError(path, '"enum" must be a non-empty array');
    }
    return literals(schema.enum, path);
  }
  const type = schema.type;
  switch (type) {
    case 'string': {
      const minLength = nonNegative(schema.minLength, 0, `${path}.minLength`);
      const maxLength = nonNegative(schema.maxLength, Number.POSITIVE_INFINITY, `${path}.maxLength`);
      if (minLength > maxLength) throw new LAM_ConstraintError(path, 'minLength is above maxLength');
      return { kind: 'string', minLength, maxLength, min: 2 + minLength };
    }
    case 'number':
    case 'integer':
      return { kind: 'number', integer: type === 'integer', min: 1 };
    case 'boolean':
      return { kind: 'literals', options: ['true', 'false'], min: 4 };
    case 'null':
      return { kind: 'literals', options: ['null'], min: 4 };
    case 'array': {
      const items =
        schema.items === undefined || schema.items === true
          ? ({ kind: 'any', min: 1 } as const)
          : compileSchema(schema.items as JsonSchema, `${path}.items`, compiled);
      const minItems = nonNegative(schema.minItems, 0, `${path}.minItems`);
      const maxItems = nonNegative(schema.maxItems, Number.POSITIVE_INFINITY, `${path}.maxItems`);
      if (minItems > maxItems) throw new LAM_ConstraintError(path, 'minItems is above maxItems');
      const min = minItems === 0 ? 2 : 2 + minItems * items.min + (minItems - 1);
      return { kind: 'array', items, minItems, maxItems, min };
    }
    case 'object':
      return compileObject(schema, path, compiled);
    case undefined: {
      const meaningful = Object.keys(schema).filter((k) => !ANY_KEYS.has(k));
      if (meaningful.length === 0) return { kind: 'any', min: 1 };
      if ('properties' in schema) return compileObject(schema, path, compiled);
      throw new LAM_ConstraintError(path, `no "type" and keys ${meaningful.join(', ')} are not understood`);
    }
    default:
      throw new LAM_ConstraintError(path, `"type": ${JSON.stringify(type)} is not supported`);
  }
}

function compileObject(schema: JsonSchema, path: string, compiled: Compiled): SchemaNode {
  const properties = schema.properties;
  if (properties === undefined || Object.keys(properties as object).length === 0) {
    // No properties and no others allowed: only {}.
    if (schema.additionalProperties === false) return { kind: 'object', props: [], min: 2 };
    return { kind: 'anyObject', min: 2 };
  }
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new LAM_ConstraintError(path, '"properties" must be an object');
  }
  const required = schema.required;
  if (required !== undefined && !Array.isArray(required)) {
    throw new LAM_ConstraintError(path, '"required" must be an array of property names');
  }
  const props: PropNode[] = Object.entries(properties as Record<string, unknown>).map(([key, sub]) => ({
    keyJson: JSON.stringify(key),
    node: compileSchema(sub as JsonSchema, `${path}.properties.${key}`, compiled),
    // Without "required" every listed property is written: a decision always has all its keys.
    required: required === undefined || (required as unknown[]).includes(key),
  }));
  const shape = objectShape(props);
  return { kind: 'object', props, min: shape.afterOpen };
}

/**
 * A union of objects told apart by a discriminator: branches with the same keys in the same order, the
 * same schemas up to the discriminator, and there a string constant (or enum). The properties after the
 * discriminator follow the branch its value selects (a decision's `args` after its `function`). Branches
 * that share a value are a union of their own, told apart by a later property (a decision's
 * `control_label` after its `control_name`, then its `args` after its `function`).
 */
function compileUnion(branches: unknown, path: string, cache: Compiled): SchemaNode {
  const unsupported = (why: string) =>
    new LAM_ConstraintError(
      path,
      `a union is supported only of objects with the same keys in the same order, told apart by a property that holds a string constant in each branch (${why})`,
    );
  if (!Array.isArray(branches) || branches.length === 0) throw unsupported('it must be a non-empty array');
  const compiled = branches.map((b, i) => compileSchema(b as JsonSchema, `${path}[${i}]`, cache));
  if (compiled.length === 1) return compiled[0]!;
  const objects = compiled.map((c) => (c.kind === 'object' ? c : undefined));
  if (objects.some((o) => o === undefined)) throw unsupported('a branch is not an object with properties');
  const first = objects[0]!.props;
  const keys = (props: readonly PropNode[]) =>
    props.map((p) => `${p.keyJson}${p.required ? '' : '?'}`).join(',');
  const firstKeys = keys(first);
  if (objects.some((o) => o!.props !== first && keys(o!.props) !== firstKeys))
    throw unsupported('the branches have different keys');
  const sources = branches.map((b) => ((b as JsonSchema).properties ?? {}) as Record<string, unknown>);
  const names = Object.keys(sources[0]!);
  // The discriminator: the first property whose schemas differ between the branches.
  const differ = (name: string) =>
    sources.some((s) => s[name] !== sources[0]![name]) &&
    new Set(sources.map((s) => JSON.stringify(s[name]))).size > 1;
  const at = names.findIndex(differ);
  if (at < 0) throw unsupported('the branches are the same');
  const groups = new Map<string, { index: number; schema: JsonSchema }[]>();
  objects.forEach((o, i) => {
    const tag = o!.props[at]!;
    if (tag.node.kind !== 'literals' || tag.node.options.some((v) => !v.startsWith('"')) || !tag.required)
      throw unsupported(`${tag.keyJson} is not a required string constant in every branch`);
    for (const value of tag.node.options) {
      // The branch as it reads once the discriminator holds this value.
      const narrowed =
        tag.node.options.length === 1
          ? (branches[i] as JsonSchema)
          : {
              ...(branches[i] as JsonSchema),
              properties: { ...sources[i], [names[at]!]: { const: JSON.parse(value) as string } },
            };
      groups.set(value, [...(groups.get(value) ?? []), { index: i, schema: narrowed }]);
    }
  });
  const selects = new Map<string, readonly PropNode[]>();
  for (const [value, group] of groups) {
    // Past the discriminator only the properties after it are read: a lone branch serves as compiled.
    const merged =
      group.length === 1
        ? objects[group[0]!.index]!
        : compileUnion(
            group.map((g) => g.schema),
            `${path}<${value}>`,
            cache,
          );
    selects.set(value, (merged as Extract<SchemaNode, { kind: 'object' }>).props);
  }
  // The merged object reads like the branch with the shortest completion from the discriminator on, so
  // that the shortest completions before it are exact; the discriminator holds every branch's values.
  let best = first;
  let bestMin = Number.POSITIVE_INFINITY;
  for (const o of objects) {
    const tag = o!.props[at]!.node;
    const min = tag.min + objectShape(o!.props).after[at + 1]!;
    if (min < bestMin) [best, bestMin] = [o!.props, min];
  }
  const bestTag = best[at]!;
  const props: PropNode[] = best.map((p, i) =>
    i === at
      ? {
          ...bestTag,
          node: { kind: 'literals', options: [...selects.keys()], min: bestTag.node.min },
          branches: selects,
        }
      : p,
  );
  return { kind: 'object', props, min: objectShape(props).afterOpen };
}

/**
 * Shortest completions of an object with ordered properties:
 * `after[k]`: after a value, the next property index being k (a comma or the closing brace);
 * `key[k]`: about to write the key of property k or a later one reachable by skipping optional ones;
 * `afterOpen`: right after the opening brace (the whole object = 1 + afterOpen).
 */
export function objectShape(props: readonly PropNode[]): {
  after: number[];
  key: number[];
  afterOpen: number;
} {
  const n = props.length;
  const after: number[] = new Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const key: number[] = new Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const allOptionalFrom: boolean[] = new Array(n + 1).fill(true);
  for (let k = n - 1; k >= 0; k--) allOptionalFrom[k] = allOptionalFrom[k + 1]! && !props[k]!.required;
  for (let k = n; k >= 0; k--) {
    if (k < n) {
      const p = props[k]!;
      const here = p.keyJson.length + 1 + p.node.min + after[k + 1]!;
      key[k] = p.required ? here : Math.min(here, key[k + 1]!);
    }
    after[k] = Math.min(
      allOptionalFrom[k] ? 1 : Number.POSITIVE_INFINITY,
      k < n ? 1 + key[k]! : Number.POSITIVE_INFINITY,
    );
  }
  const afterOpen = 1 + Math.min(allOptionalFrom[0] ? 1 : Number.POSITIVE_INFINITY, key[0]!);
  return { after, key, afterOpen };
}

function literals(values: unknown[], path: string): SchemaNode {
  const options = values.map((v) => {
    const text = JSON.stringify(v);
    if (text === undefined) throw new LAM_ConstraintError(path, `enum value ${String(v)} is not JSON`);
    return text;
  });
  return { kind: 'literals', options: [...new Set(options)], min: Math.min(...options.map((o) => o.length)) };
}

function nonNegative(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new LAM_ConstraintError(path, 'must be a non-negative integer');
  }
  return value;
}
