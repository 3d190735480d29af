/** Argument schemas as a registry gives them (zod's JSON Schema), with parts a constraint widens. */
export const functionArgs = {
  click_input: {
    type: 'object',
    properties: {
      button: { type: 'string', enum: ['left', 'right'] },
      double: { type: 'boolean' },
    },
    required: ['button'],
    additionalProperties: false,
  },
  set_edit_text: {
    type: 'object',
    properties: { text: { type: 'string' } },
    required: ['text'],
    additionalProperties: false,
  },
  select_range: {
    type: 'object',
    properties: {
      range: { type: 'string', pattern: '^[A-Z]+[0-9]+$' },
      values: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
      count: { type: 'integer', minimum: 1 },
    },
    required: ['range'],
    additionalProperties: false,
  },
};
