import type { MessageBus } from 'dbus-next';
import { LAM_DesktopDependencyError, LAM_DesktopTimeoutError } from './errors';

type DbusModule = typeof import('dbus-next');

let loaded: Promise<DbusModule> | undefined;

/** Loads dbus-next (an optional peer dependency) or throws a {@link LAM_DesktopDependencyError} that says how to install it. */
export function loadDbus(): Promise<DbusModule> {
  loaded ??= import('dbus-next').then(
    (m) => ((m as unknown as { default?: DbusModule }).default ?? m) as DbusModule,
    (cause: unknown) => {
      loaded = undefined;
      throw new LAM_DesktopDependencyError({
        missing: 'dbus-next',
        packageName: 'dbus-next',
        installCommand: 'npm install dbus-next@0.10.2',
        purpose: 'the D-Bus client of @lam/grounding/desktop',
        cause,
      });
    },
  );
  return loaded;
}

/** An accessible object on the AT-SPI bus: the owner's bus name and the object path. */
export type AccessibleRef = readonly [bus: string, path: string];

const ACCESSIBLE = 'org.a11y.atspi.Accessible';
const PROPERTIES = 'org.freedesktop.DBus.Properties';

/** AT-SPI's relation type LABELLED_BY (AtspiRelationType). */
const RELATION_LABELLED_BY = 2;

/** The AT-SPI state numbers this backend reads (AtspiStateType). */
export const STATE = {
  ACTIVE: 1,
  CHECKED: 4,
  EDITABLE: 7,
  ENABLED: 8,
  EXPANDABLE: 9,
  EXPANDED: 10,
  FOCUSABLE: 11,
  FOCUSED: 12,
  PRESSED: 20,
  SELECTABLE: 22,
  SELECTED: 23,
  SENSITIVE: 24,
  SHOWING: 25,
  VISIBLE: 30,
  CHECKABLE: 41,
} as const;

/** Whether a state bit is set in AT-SPI's two-word state set. */
export function hasState(states: readonly number[], bit: number): boolean {
  const word = states[bit >> 5] ?? 0;
  return ((word >>> (bit & 31)) & 1) === 1;
}

/** One accessible object's properties, read in one round of parallel calls. */
export interface NodeInfo {
  ref: AccessibleRef;
  role: string;
  name: string;
  description: string;
  childCount: number;
  states: number[];
  interfaces: string[];
  /** Screen extents `[x, y, width, height]` as the application reports them (may need correcting). */
  extents: [number, number, number, number] | undefined;
}

/** A thin AT-SPI client over one dbus-next connection: raw method calls, each with a timeout. */
export class AtspiClient {
  private readonly roleNames = new Map<number, string>();

  private constructor(
    private readonly bus: MessageBus,
    private readonly dbus: DbusModule,
    readonly timeoutMs: number,
  ) {}

  /** Connects to the accessibility bus of a session (its address comes from `org.a11y.Bus.GetAddress`). */
  static async connect(address: string, options: { timeoutMs?: number } = {}): Promise<AtspiClient> {
    const dbus = await loadDbus();
    const bus = dbus.sessionBus({ busAddress: address });
    // A connection error (the bus went away) must not crash the process; calls fail on their own.
    bus.on('error', () => {});
    return new AtspiClient(bus, dbus, options.timeoutMs ?? 5_000);
  }

  /** Calls a method and returns the reply body; rejects on a D-Bus error or after the timeout. */
  async call(
    ref: AccessibleRef,
    iface: string,
    member: string,
    signature = '',
    body: unknown[] = [],
    timeoutMs = this.timeoutMs,
  ): Promise<unknown[]> {
    const message = new this.dbus.Message({
      destination: ref[0],
      path: ref[1],
      interface: iface,
      member,
      signature,
      body,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LAM_DesktopTimeoutError({ operation: `AT-SPI ${iface}.${member} on ${ref[1]}`, timeoutMs }),
          ),
        timeoutMs,
      );
    });
    try {
      const reply = await Promise.race([this.bus.call(message), timeout]);
      return reply?.body ?? [];
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads one property (unwrapping its variant). */
  async property(ref: AccessibleRef, iface: string, name: string): Promise<unknown> {
    const [variant] = await this.call(ref, PROPERTIES, 'Get', 'ss', [iface, name]);
    return (variant as { value: unknown }).value;
  }

  async children(ref: AccessibleRef): Promise<AccessibleRef[]> {
    const [list] = await this.call(ref, ACCESSIBLE, 'GetChildren');
    return list as AccessibleRef[];
  }

  async states(ref: AccessibleRef): Promise<number[]> {
    const [states] = await this.call(ref, ACCESSIBLE, 'GetState');
    return states as number[];
  }

  /** The role as AT-SPI names it (`push button`, `document text`); names are cached per role number. */
  async role(ref: AccessibleRef): Promise<string> {
    const [role] = (await this.call(ref, ACCESSIBLE, 'GetRole')) as [number];
    return this.roleName(ref, role);
  }

  private async roleName(ref: AccessibleRef, role: number): Promise<string> {
    const known = this.roleNames.get(role);
    if (known !== undefined) return known;
    const [name] = (await this.call(ref, ACCESSIBLE, 'GetRoleName')) as [string];
    this.roleNames.set(role, name);
    return name;
  }

  async extents(ref: AccessibleRef): Promise<[number, number, number, number]> {
    const [box] = await this.call(ref, 'org.a11y.atspi.Component', 'GetExtents', 'u', [0]);
    return box as [number, number, number, number];
  }

  /** Role, name, child count, states, interfaces and extents of one object, in parallel calls. */
  async info(ref: AccessibleRef): Promise<NodeInfo> {
    const [[role], [states], [props], [interfaces], extents] = await Promise.all([
      this.call(ref, ACCESSIBLE, 'GetRole') as Promise<[number]>,
      this.call(ref, ACCESSIBLE, 'GetState') as Promise<[number[]]>,
      this.call(ref, PROPERTIES, 'GetAll', 's', [ACCESSIBLE]) as Promise<
        [Record<string, { value: unknown }>]
      >,
      this.call(ref, ACCESSIBLE, 'GetInterfaces') as Promise<[string[]]>,
      this.extents(ref).catch(() => undefined),
    ]);
    return {
      ref,
      role: await this.roleName(ref, role),
      name: String(props.Name?.value ?? ''),
      description: String(props.Description?.value ?? ''),
      childCount: Number(props.ChildCount?.value ?? 0),
      states,
      interfaces,
      extents,
    };
  }

  /** The text of a Text object (all of it when `end` is -1). */
  async text(ref: AccessibleRef, start = 0, end = -1): Promise<string> {
    const [text] = await this.call(ref, 'org.a11y.atspi.Text', 'GetText', 'ii', [start, end]);
    return String(text);
  }

  /** Runs action `index` of the Action interface (the first one, `press` / `click`, by default). */
  async doAction(ref: AccessibleRef, index = 0): Promise<boolean> {
    const [ok] = await this.call(ref, 'org.a11y.atspi.Action', 'DoAction', 'i', [index]);
    return ok === true;
  }

  /**
   * Selects a list, tree or table entry in its parent (`Selection.SelectChild` with its index), as
   * a click on it does. Resolves false when the parent has no Selection or refuses.
   */
  async selectInParent(ref: AccessibleRef): Promise<boolean> {
    const parent = (await this.property(ref, ACCESSIBLE, 'Parent')) as AccessibleRef | undefined;
    const [index] = (await this.call(ref, ACCESSIBLE, 'GetIndexInParent')) as [number];
    if (parent === undefined || parent[1] === '/org/a11y/atspi/null' || index < 0) return false;
    const [ok] = await this.call(parent, 'org.a11y.atspi.Selection', 'SelectChild', 'i', [index]);
    return ok === true;
  }

  /** The names of a control's actions. */
  async actionNames(ref: AccessibleRef): Promise<string[]> {
    const count = Number(await this.property(ref, 'org.a11y.atspi.Action', 'NActions'));
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const [name] = await this.call(ref, 'org.a11y.atspi.Action', 'GetName', 'i', [i]);
      names.push(String(name));
    }
    return names;
  }

  /** Inserts text at a character offset through EditableText. */
  async insertText(ref: AccessibleRef, position: number, text: string): Promise<boolean> {
    const [ok] = await this.call(ref, 'org.a11y.atspi.EditableText', 'InsertText', 'isi', [
      position,
      text,
      [...text].length,
    ]);
    return ok === true;
  }

  /** The names of the objects that label this one (the LABELLED_BY relation), e.g. a field's "Left:". */
  async labelNames(ref: AccessibleRef): Promise<string[]> {
    const [relations] = (await this.call(ref, ACCESSIBLE, 'GetRelationSet')) as [[number, AccessibleRef[]][]];
    const targets = relations.filter(([type]) => type === RELATION_LABELLED_BY).flatMap(([, refs]) => refs);
    const names = await Promise.all(targets.map((t) => this.property(t, ACCESSIBLE, 'Name')));
    return names.map(String).filter((n) => n.trim() !== '');
  }

  /** Replaces the whole text of an EditableText object. */
  async setTextContents(ref: AccessibleRef, text: string): Promise<boolean> {
    const [ok] = await this.call(ref, 'org.a11y.atspi.EditableText', 'SetTextContents', 's', [text]);
    return ok === true;
  }

  /** The number of characters of a Text object. */
  async characterCount(ref: AccessibleRef): Promise<number> {
    return Number(await this.property(ref, 'org.a11y.atspi.Text', 'CharacterCount'));
  }

  /** The cell object at row, column (0-based) of a Table. */
  async cellAt(table: AccessibleRef, row: number, column: number): Promise<AccessibleRef> {
    const [cell] = await this.call(table, 'org.a11y.atspi.Table', 'GetAccessibleAt', 'ii', [row, column]);
    return cell as AccessibleRef;
  }

  /** The accessible object's attributes (Calc cells carry `Formula`). */
  async attributes(ref: AccessibleRef): Promise<Record<string, string>> {
    const [attrs] = await this.call(ref, ACCESSIBLE, 'GetAttributes');
    return attrs as Record<string, string>;
  }

  disconnect(): void {
    try {
      this.bus.disconnect();
    } catch {
      // already closed
    }
  }
}

/** Asks a session bus for the address of its accessibility bus (`org.a11y.Bus.GetAddress`) and enables AT-SPI. */
export async function accessibilityBusAddress(sessionBusAddress: string, timeoutMs = 2_000): Promise<string> {
  const dbus = await loadDbus();
  const bus = dbus.sessionBus({ busAddress: sessionBusAddress });
  bus.on('error', () => {});
  const call = async (message: InstanceType<DbusModule['Message']>) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        bus.call(message),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new LAM_DesktopTimeoutError({ operation: `D-Bus ${message.member}`, timeoutMs })),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const target = { destination: 'org.a11y.Bus', path: '/org/a11y/bus' };
    const reply = await call(
      new dbus.Message({ ...target, interface: 'org.a11y.Bus', member: 'GetAddress' }),
    );
    await call(
      new dbus.Message({
        ...target,
        interface: PROPERTIES,
        member: 'Set',
        signature: 'ssv',
        body: ['org.a11y.Status', 'IsEnabled', new dbus.Variant('b', true)],
      }),
    );
    return String(reply?.body[0]);
  } finally {
    bus.disconnect();
  }
}
