import { z } from 'zod';
import { LAM_DuplicateActionError, LAM_UnknownActionError } from './errors';
import { JsonValue } from './json-value';
import { validate } from './validate';

/** Whether a function acts on the selected control: it must have one, may have one, or ignores it. */
export const ControlRequirement = z.enum(['required', 'optional', 'none']);
export type ControlRequirement = z.infer<typeof ControlRequirement>;

/** An example call of a function, shown to the model in prompts. */
export interface ActionExample {
  /** What the call does, in words. */
  description: string;
  /** The arguments, as the model writes them. */
  args: Record<string, unknown>;
  /** The control the example acts on, when it needs one. */
  controlName?: string;
}

/**
 * The definition of an action function: its name, a description for prompts, the zod
 * schema of its arguments, whether it needs a control, and examples.
 */
export interface ActionDefinition<Name extends string = string, Args extends z.ZodType = z.ZodType> {
  /** The name the model writes in `function`, e.g. `click_input`. `""` is "no action". */
  name: Name;
  /** One or two sentences for the `{apis}` section of prompts. */
  description: string;
  /** The zod schema of the keyword arguments (an object schema). */
  args: Args;
  /** Whether the function acts on the selected control. */
  control: ControlRequirement;
  /**
   * The control types the function can act on (`Edit`, `Document`, …); absent: any. A decision naming a
   * control of another type does not resolve to it (typing never lands on a button).
   */
  controlTypes?: readonly string[];
  /** `ui`: acts through the control tree; `app`: an application API (Word COM, LibreOffice UNO); `meta`: no effect on the UI. */
  category: 'ui' | 'app' | 'meta';
  /** Applications the function exists for (`word`, `writer`, `excel`, `calc`, ...); absent means all. */
  apps?: readonly string[];
  /** What the function returns as its result text. */
  returns?: string;
  /**
   * Arguments whose value is written in the step's context, by where: `text`, a phrase the request
   * quotes ("…" or “…”) or a paragraph of the document shown to the model; `cells`, an A1 cell or range
   * the request names (`B2:B7`) or a row, column or cell of the sheet shown. A decoder may keep such an
   * argument to those values (see the agent's `stepConstraint`).
   */
  fromContext?: Readonly<Record<string, 'text' | 'cells'>>;
  /**
   * The function only changes what is selected. Right after a selection that succeeded, another one
   * is never needed (it would replace the first without anything done to it), so a step loop may rule
   * it out.
   */
  selects?: boolean;
  examples: readonly ActionExample[];
}

/**
 * Defines an action function. Identity at runtime; it keeps the literal name and
 * the argument schema's type for inference.
 */
export function defineAction<const Name extends string, Args extends z.ZodType>(
  definition: ActionDefinition<Name, Args>,
): ActionDefinition<Name, Args> {
  return definition;
}

const MouseButton = z.enum(['left', 'right', 'middle', 'x']);
const Fraction = z.number().min(0).max(1);
/** A cell or range reference in A1 notation: `B2` or `A1:C3`. */
export const CellRange = z
  .string()
  .regex(
    /^[A-Za-z]{1,3}[1-9][0-9]*(:[A-Za-z]{1,3}[1-9][0-9]*)?$/,
    'expected an A1-style cell or range such as "B2" or "A1:C3"',
  );
/** A spreadsheet cell value. */
export const CellValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `click_input`: a real mouse click on the selected control. */
export const clickInput = defineAction({
  name: 'click_input',
  description: 'Click the selected control with the mouse.',
  args: z.strictObject({
    button: MouseButton.default('left'),
    double: z.boolean().default(false),
    /** A key held while clicking, e.g. `CONTROL`. */
    pressed: z.string().optional(),
  }),
  control: 'required',
  category: 'ui',
  returns: 'an empty string, or the error text',
  examples: [
    {
      description: 'Left-click the Bold button once.',
      args: { button: 'left', double: false },
      controlName: 'Bold',
    },
    {
      description: 'Open a file by double-clicking it.',
      args: { button: 'left', double: true },
      controlName: 'report.docx',
    },
  ],
});

/** Control types that take typed text: fields, documents, spreadsheets and their cells. */
export const TEXT_ENTRY_TYPES: readonly string[] = [
  'Edit',
  'Document',
  'ComboBox',
  'Spinner',
  'Table',
  'DataItem',
];

/** `set_edit_text`: types text into an edit control, appending to its content. */
export const setEditText = defineAction({
  name: 'set_edit_text',
  description:
    'Type text into the selected edit or document control; the text is appended at the caret. Use "\\n" for a new line.',
  args: z.strictObject({ text: z.string() }),
  control: 'required',
  controlTypes: TEXT_ENTRY_TYPES,
  category: 'ui',
  returns: 'the text typed, or the error text',
  examples: [
    {
      description: 'Type a greeting into the document.',
      args: { text: 'Hello world' },
      controlName: 'Document',
    },
  ],
});

/** `keyboard_input`: sends keys (pywinauto `send_keys` syntax) to the control or the focused window. */
export const keyboardInput = defineAction({
  name: 'keyboard_input',
  description:
    'Press keys, in send_keys syntax: "{VK_CONTROL}c" for Ctrl+C, "{ENTER}", "{TAB 2}". With control_focus false, the keys go to whatever has focus.',
  args: z.strictObject({ keys: z.string().min(1), control_focus: z.boolean().default(true) }),
  control: 'optional',
  category: 'ui',
  returns: 'the keys sent',
  examples: [
    { description: 'Copy the selection.', args: { keys: '{VK_CONTROL}c' }, controlName: 'Document' },
    { description: 'Delete the selected text.', args: { keys: '{DELETE}', control_focus: false } },
  ],
});

/** `wheel_mouse_input`: scrolls the control. */
export const wheelMouseInput = defineAction({
  name: 'wheel_mouse_input',
  description:
    'Scroll the selected control with the mouse wheel: positive wheel_dist scrolls up, negative down.',
  args: z.strictObject({ wheel_dist: z.int() }),
  control: 'required',
  category: 'ui',
  returns: 'an empty string, or the error text',
  examples: [
    { description: 'Scroll down three notches.', args: { wheel_dist: -3 }, controlName: 'Document' },
  ],
});

/** `texts`: reads the text of the selected control. */
export const texts = defineAction({
  name: 'texts',
  description: 'Read the text content of the selected control (an edit or a document).',
  args: z.strictObject({}),
  control: 'required',
  category: 'ui',
  returns: 'the control text',
  examples: [{ description: 'Read the document text.', args: {}, controlName: 'Document' }],
});

/** `summary`: no UI effect; the model's answer or description, echoed back as the result. */
export const summary = defineAction({
  name: 'summary',
  description: 'Do nothing on screen; state what you observe or the answer to the request in text.',
  args: z.strictObject({ text: z.string() }),
  control: 'none',
  category: 'meta',
  returns: 'the text',
  examples: [
    { description: 'Answer a question about the document.', args: { text: 'The document has 3 tables.' } },
  ],
});

/** `annotation`: no UI effect; asks for a new screenshot annotating only these labels. */
export const annotation = defineAction({
  name: 'annotation',
  description: 'Ask for a new screenshot with only these control labels annotated, when labels overlap.',
  args: z.strictObject({ control_labels: z.array(z.string()).min(1) }),
  control: 'none',
  category: 'meta',
  returns: 'the annotated controls',
  examples: [
    { description: 'Re-annotate two overlapping controls.', args: { control_labels: ['12', '13'] } },
  ],
});

/** `click_on_coordinates`: clicks at a point given as fractions 0..1 of the window, origin top-left. */
export const clickOnCoordinates = defineAction({
  name: 'click_on_coordinates',
  description:
    'Click at a point of the window given as fractions (0 to 1) of its width and height, origin top-left.',
  args: z.strictObject({
    x: Fraction,
    y: Fraction,
    button: MouseButton.default('left'),
    double: z.boolean().default(false),
  }),
  control: 'none',
  category: 'ui',
  returns: 'an empty string, or the error text',
  examples: [
    {
      description: 'Click the centre of the window.',
      args: { x: 0.5, y: 0.5, button: 'left', double: false },
    },
  ],
});

/** `drag_on_coordinates`: drags between two points given as fractions of the window. */
export const dragOnCoordinates = defineAction({
  name: 'drag_on_coordinates',
  description:
    'Drag the mouse from one point to another, both given as fractions (0 to 1) of the window, origin top-left.',
  args: z.strictObject({
    start_x: Fraction,
    start_y: Fraction,
    end_x: Fraction,
    end_y: Fraction,
    button: MouseButton.default('left'),
  }),
  control: 'none',
  category: 'ui',
  returns: 'an empty string, or the error text',
  examples: [
    {
      description: 'Drag a shape to the right.',
      args: { start_x: 0.3, start_y: 0.4, end_x: 0.6, end_y: 0.4, button: 'left' },
    },
  ],
});

/** `select_text`: finds exact text in the document and selects it (Word / Writer API). */
export const selectText = defineAction({
  name: 'select_text',
  description: 'Find the exact text in the document and select it. Needs no control.',
  args: z.strictObject({ text: z.string().min(1) }),
  control: 'none',
  category: 'app',
  apps: ['word', 'writer'],
  returns:
    '"Text {text} is selected."; an error "Text {text} is not found." when the document has no such text',
  fromContext: { text: 'text' },
  selects: true,
  examples: [{ description: 'Select a title before formatting it.', args: { text: 'Quarterly report' } }],
});

/** `insert_table`: appends a table with borders at the end of the document (Word / Writer API). */
export const insertTable = defineAction({
  name: 'insert_table',
  description: 'Insert a table with the given number of rows and columns at the end of the document.',
  args: z.strictObject({ rows: z.int().positive(), columns: z.int().positive() }),
  control: 'none',
  category: 'app',
  apps: ['word', 'writer'],
  returns: 'a description of the table inserted',
  examples: [{ description: 'Add a 3×4 table.', args: { rows: 3, columns: 4 } }],
});

/** `select_table`: selects the n-th table (1-based) of the document (Word / Writer API). */
export const selectTable = defineAction({
  name: 'select_table',
  description: 'Select the n-th table of the document (1-based).',
  args: z.strictObject({ number: z.int().positive() }),
  control: 'none',
  category: 'app',
  apps: ['word', 'writer'],
  returns:
    '"Table {n} is selected."; an error "Table number {n} is out of range." when there is no such table',
  selects: true,
  examples: [{ description: 'Select the first table.', args: { number: 1 } }],
});

/** `set_font`: sets the font name and/or size of the selection (Word / Writer API). */
export const setFont = defineAction({
  name: 'set_font',
  description: 'Set the font name and/or size of the selected text.',
  args: z
    .strictObject({ font_name: z.string().min(1).optional(), font_size: z.number().positive().optional() })
    .refine((a) => a.font_name !== undefined || a.font_size !== undefined, {
      message: 'give font_name, font_size or both',
    }),
  control: 'none',
  category: 'app',
  apps: ['word', 'writer'],
  returns: 'a description of the change',
  examples: [{ description: 'Make the selection 14 pt Arial.', args: { font_name: 'Arial', font_size: 14 } }],
});

/** `save_as`: saves the document under a directory, name and extension (Word / Writer / Calc API). */
export const saveAs = defineAction({
  name: 'save_as',
  description:
    'Save the document to a directory, file name and extension (e.g. ".pdf", ".docx"); empty parts keep the current ones.',
  args: z.strictObject({
    file_dir: z.string().default(''),
    file_name: z.string().default(''),
    file_ext: z.string().default(''),
  }),
  control: 'none',
  category: 'app',
  apps: ['word', 'writer', 'excel', 'calc'],
  returns: 'the path saved to',
  examples: [
    {
      description: 'Export the document as PDF.',
      args: { file_dir: '', file_name: 'report', file_ext: '.pdf' },
    },
  ],
});

/** `select_range`: selects a cell range of a sheet (Calc / Excel API). */
export const selectRange = defineAction({
  name: 'select_range',
  description: 'Select a cell or a range in A1 notation ("B2", "A1:C3"), optionally on a named sheet.',
  args: z.strictObject({ range: CellRange, sheet: z.string().min(1).optional() }),
  control: 'none',
  category: 'app',
  apps: ['calc', 'excel'],
  returns: '"Range {range} is selected."',
  fromContext: { range: 'cells' },
  selects: true,
  examples: [{ description: 'Select the header row.', args: { range: 'A1:D1' } }],
});

/** `set_cell_values`: writes a 2-D block of values starting at a cell (Calc / Excel API). */
export const setCellValues = defineAction({
  name: 'set_cell_values',
  description:
    'Write a block of values (rows of cells) starting at the given top-left cell. Strings starting with "=" are formulas.',
  args: z.strictObject({
    start: CellRange,
    values: z.array(z.array(CellValue)).min(1),
    sheet: z.string().min(1).optional(),
  }),
  control: 'none',
  category: 'app',
  apps: ['calc', 'excel'],
  returns: 'the range written',
  examples: [{ description: 'Fill two cells and a sum.', args: { start: 'A1', values: [[1, 2, '=A1+B1']] } }],
});

/** `get_cell_values`: reads the values of a cell range (Calc / Excel API). */
export const getCellValues = defineAction({
  name: 'get_cell_values',
  description: 'Read the values of a cell or range in A1 notation, returned as rows of cells.',
  args: z.strictObject({ range: CellRange, sheet: z.string().min(1).optional() }),
  control: 'none',
  category: 'app',
  apps: ['calc', 'excel'],
  returns: 'the values as a JSON array of rows',
  examples: [{ description: 'Read a column of totals.', args: { range: 'D2:D10' } }],
});

/** `""`: no action (the task is done, or the step only plans). */
export const noAction = defineAction({
  name: '',
  description: 'No action: use an empty function name when the task is finished or nothing should be done.',
  args: z.strictObject({}),
  control: 'none',
  category: 'meta',
  returns: 'an empty string',
  examples: [{ description: 'The task is complete.', args: {} }],
});

/** Every built-in function, in the order prompts list them. */
export const BUILTIN_ACTIONS = [
  clickInput,
  setEditText,
  keyboardInput,
  wheelMouseInput,
  texts,
  summary,
  annotation,
  clickOnCoordinates,
  dragOnCoordinates,
  selectText,
  insertTable,
  selectTable,
  setFont,
  saveAs,
  selectRange,
  setCellValues,
  getCellValues,
  noAction,
] as const;

type Builtin = (typeof BUILTIN_ACTIONS)[number];
/** The name of a built-in function. */
export type BuiltinFunctionName = Builtin['name'];
/** Parsed argument types of the built-in functions, by name. */
export type BuiltinArgs = { [D in Builtin as D['name']]: z.output<D['args']> };

function actionMember<D extends ActionDefinition>(d: D) {
  return z.strictObject({ function: z.literal(d.name), args: d.args as D['args'] });
}

/**
 * A built-in action: `{function, args}` discriminated on `function`, each with its own
 * argument schema. For functions registered at run time, use `registry.actionSchema()`.
 */
export const BuiltinAction = z.discriminatedUnion('function', [
  actionMember(clickInput),
  actionMember(setEditText),
  actionMember(keyboardInput),
  actionMember(wheelMouseInput),
  actionMember(texts),
  actionMember(summary),
  actionMember(annotation),
  actionMember(clickOnCoordinates),
  actionMember(dragOnCoordinates),
  actionMember(selectText),
  actionMember(insertTable),
  actionMember(selectTable),
  actionMember(setFont),
  actionMember(saveAs),
  actionMember(selectRange),
  actionMember(setCellValues),
  actionMember(getCellValues),
  actionMember(noAction),
]);
export type BuiltinAction = z.infer<typeof BuiltinAction>;

/** Any action call: a function name and its keyword arguments, not checked against a registry. */
export const ActionCall = z.strictObject({ function: z.string(), args: z.record(z.string(), JsonValue) });
export type ActionCall = z.infer<typeof ActionCall>;

/** A set of action functions: the built-ins plus those a user registers. */
export interface ActionRegistry {
  /** Adds a function. Throws {@link LAM_DuplicateActionError} if the name is taken, unless `replace` is set. */
  register(definition: ActionDefinition, options?: { replace?: boolean }): void;
  /** Removes a function; returns whether it was there. */
  unregister(name: string): boolean;
  has(name: string): boolean;
  get(name: string): ActionDefinition | undefined;
  /** Like `get`, but throws {@link LAM_UnknownActionError} naming the known functions. */
  require(name: string): ActionDefinition;
  /** Every function, in registration order. */
  list(): ActionDefinition[];
  /** Validates the arguments of `name` and returns them parsed (defaults filled in). */
  parseArgs<N extends BuiltinFunctionName>(name: N, args: unknown): BuiltinArgs[N];
  parseArgs(name: string, args: unknown): Record<string, unknown>;
  /** Validates a whole `{function, args}` call. */
  parseAction(action: unknown): ActionCall;
  /** A zod schema of every registered call, discriminated on `function` (built anew after each change). */
  actionSchema(): z.ZodType<ActionCall>;
}

/**
 * Creates an action registry holding the built-in functions (unless `builtins: false`)
 * and the `functions` given.
 */
export function createActionRegistry(
  options: { builtins?: boolean; functions?: readonly ActionDefinition[] } = {},
): ActionRegistry {
  const defs = new Map<string, ActionDefinition>();
  let schema: z.ZodType<ActionCall> | undefined;

  const registry: ActionRegistry = {
    register(definition, registerOptions = {}) {
      if (defs.has(definition.name) && registerOptions.replace !== true) {
        throw new LAM_DuplicateActionError({ functionName: definition.name });
      }
      defs.set(definition.name, definition);
      schema = undefined;
    },
    unregister(name) {
      schema = undefined;
      return defs.delete(name);
    },
    has: (name) => defs.has(name),
    get: (name) => defs.get(name),
    require(name) {
      const def = defs.get(name);
      if (def === undefined)
        throw new LAM_UnknownActionError({ functionName: name, known: [...defs.keys()] });
      return def;
    },
    list: () => [...defs.values()],
    parseArgs(name: string, args: unknown) {
      const def = registry.require(name);
      return validate(def.args, args, {
        record: `arguments of ${name === '' ? 'the empty (no-op) function' : name}`,
      });
    },
    parseAction(action) {
      const call = validate(ActionCall, action, { record: 'action' });
      return {
        function: call.function,
        args: registry.parseArgs(call.function, call.args) as Record<string, z.core.util.JSONType>,
      };
    },
    actionSchema() {
      if (schema === undefined) {
        const members = [...defs.values()].map((d) =>
          z.strictObject({ function: z.literal(d.name), args: d.args }),
        );
        schema = (members.length === 0
          ? z.never()
          : z.discriminatedUnion(
              'function',
              members as unknown as [z.ZodObject, ...z.ZodObject[]],
            )) as unknown as z.ZodType<ActionCall>;
      }
      return schema;
    },
  } as ActionRegistry;

  if (options.builtins ?? true)
    for (const def of BUILTIN_ACTIONS) registry.register(def as unknown as ActionDefinition);
  for (const def of options.functions ?? []) registry.register(def);
  return registry;
}

/**
 * The registry with the built-in functions that packages use when none is passed.
 * Registering into it affects every user in the process: prefer `createActionRegistry()`.
 */
export const defaultActionRegistry: ActionRegistry = createActionRegistry();

function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of value) {
      if (ch === '\\') out += '\\\\';
      else if (ch === quote) out += `\\${quote}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else out += ch;
    }
    return `${quote}${out}${quote}`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * Formats a call the way UFO writes it in logs and step history (PAPER.md §3.6):
 * `click_input(button='left', double=False)`.
 */
export function formatActionCall(call: { function: string; args: Record<string, unknown> }): string {
  const args = Object.entries(call.args)
    .map(([k, v]) => `${k}=${pythonRepr(v)}`)
    .join(', ');
  return `${call.function}(${args})`;
}
