import type { Control, SafetyVerdict } from '@lam/schema';
import { z } from 'zod';
import { LAM_UnsafeActionError } from '../errors';
import { parseSendKeys, toPlaywrightKey } from '../keys';

/** The kinds of sensitive action the default rules know (UFO's CONFIRM catalogue, PAPER.md §3.5). */
export const SensitiveKind = z.enum([
  'close',
  'delete',
  'send',
  'payment',
  'credentials',
  'navigation',
  'custom',
]);
export type SensitiveKind = z.infer<typeof SensitiveKind>;

/** What a rule decides: run it, run it only after the user confirms, or never run it. */
export const Verdict = z.enum(['allow', 'confirm', 'deny']);
export type Verdict = z.infer<typeof Verdict>;

/**
 * One declarative rule. It matches an action when every matcher it has matches (an absent
 * matcher matches anything); patterns are case-insensitive regular expression sources.
 */
export const SafetyRule = z.strictObject({
  id: z.string().min(1),
  kind: SensitiveKind,
  description: z.string(),
  verdict: Verdict,
  /** Function names the rule applies to; absent: any. */
  functions: z.array(z.string()).optional(),
  /** Pattern on the target control's name. */
  controlName: z.string().optional(),
  /** Pattern on the target control's class name (e.g. `password` for a password field). */
  controlClass: z.string().optional(),
  /** Target control types (`Button`, `Hyperlink`, ...). */
  controlTypes: z.array(z.string()).optional(),
  /** Pattern on each key chord of a `keyboard_input`, written as `Control+w`, `Alt+F4`. */
  keys: z.string().optional(),
  /** Matches when the target is a link (its value is the URL) leaving `allowedDomains`. */
  leavesAllowedDomains: z.boolean().optional(),
  /** Patterns on the application (`Observation.application`); the rule applies only where one matches. */
  applications: z.array(z.string()).optional(),
  /** Patterns on the application where the rule does not apply (what it guards means something else there). */
  exceptApplications: z.array(z.string()).optional(),
});
export type SafetyRule = z.infer<typeof SafetyRule>;

const CLICKS = ['click_input', 'click_on_coordinates'];
const TYPING = ['set_edit_text', 'keyboard_input', 'fill_text'];

/**
 * Document editors (LibreOffice's applications, and the paper's Office ones): there, deleting rows,
 * text or comments is an edit inside the open document that undo reverses, and Ctrl+Enter inserts a
 * page break (Writer) or fills a selection (Calc) — nothing leaves the machine.
 */
export const DOCUMENT_EDITORS: readonly string[] = [
  '^soffice-(writer|calc|impress|draw)$',
  '^(winword|excel|powerpnt)\\.exe$',
];

/** The rules a policy starts with: every sensitive kind needs confirmation, leaving allowed domains is denied. */
export const DEFAULT_SAFETY_RULES: readonly SafetyRule[] = [
  {
    id: 'close-control',
    kind: 'close',
    description:
      'clicking a control that closes a window or the application, or signs out (outside document editors)',
    verdict: 'confirm',
    functions: CLICKS,
    controlName: '\\b(close|quit|exit|log ?out|sign ?out)\\b|^[×✕✖]$',
    exceptApplications: [...DOCUMENT_EDITORS],
  },
  {
    id: 'close-document',
    kind: 'close',
    description:
      "clicking a control that closes the document or quits a document editor (its dialogs' Close buttons and Close Preview only close a view)",
    verdict: 'confirm',
    functions: CLICKS,
    controlName: '\\b(close (document|window)|exit|quit)\\b',
    applications: [...DOCUMENT_EDITORS],
  },
  {
    id: 'close-menu-item',
    kind: 'close',
    description: "a document editor's File > Close",
    verdict: 'confirm',
    functions: CLICKS,
    controlName: '^close$',
    controlTypes: ['MenuItem'],
    applications: [...DOCUMENT_EDITORS],
  },
  {
    id: 'close-keys',
    kind: 'close',
    description: 'a shortcut that closes a window or the application',
    verdict: 'confirm',
    functions: ['keyboard_input'],
    keys: '^(Alt\\+F4|Control\\+(w|q|F4)|Control\\+Shift\\+w|Meta\\+q)$',
  },
  {
    id: 'close-function',
    kind: 'close',
    description: 'an application API that closes a window or the application',
    verdict: 'confirm',
    functions: ['close_window', 'close_app', 'close_application', 'quit'],
  },
  {
    id: 'close-unsaved',
    kind: 'close',
    description: 'clicking a control that closes without saving or throws changes away',
    verdict: 'confirm',
    functions: CLICKS,
    controlName: "\\b(don['’]?t save|do not save|close without saving|discard( all)?( changes)?)\\b",
  },
  {
    id: 'delete-control',
    kind: 'delete',
    description: 'clicking a control that deletes something (outside document editors)',
    verdict: 'confirm',
    functions: CLICKS,
    controlName: '\\b(delete|remove|erase|trash|destroy|wipe|purge)\\b',
    exceptApplications: [...DOCUMENT_EDITORS],
  },
  {
    id: 'delete-files',
    kind: 'delete',
    description: 'clicking a control that deletes or overwrites files, in any application',
    verdict: 'confirm',
    functions: CLICKS,
    controlName:
      '\\b((delete|remove|erase) (the )?(files?|folders?|from disk)|move to (the )?trash|empty (the )?trash|overwrite)\\b',
  },
  {
    id: 'send-control',
    kind: 'send',
    description: 'clicking a control that sends, posts or publishes a message',
    verdict: 'confirm',
    functions: CLICKS,
    controlName: '\\b(send|post|publish|reply( all)?|forward|tweet)\\b',
  },
  {
    id: 'send-keys',
    kind: 'send',
    description: 'the shortcut that sends a message in mail and chat applications',
    verdict: 'confirm',
    functions: ['keyboard_input'],
    keys: '^(Control|Meta)\\+Enter$',
    exceptApplications: [...DOCUMENT_EDITORS],
  },
  {
    id: 'payment-control',
    kind: 'payment',
    description: 'clicking a control that pays, buys or places an order',
    verdict: 'confirm',
    functions: CLICKS,
    controlName:
      '\\b(pay( now)?|buy( now)?|purchase|place (your )?order|check ?out|submit payment|confirm (payment|purchase|order)|complete (purchase|order))\\b',
  },
  {
    id: 'credentials-field',
    kind: 'credentials',
    description: 'typing into a password or payment-card field',
    verdict: 'confirm',
    functions: TYPING,
    controlClass: 'password',
  },
  {
    id: 'credentials-name',
    kind: 'credentials',
    description: 'typing into a field named like a password, one-time code or card detail',
    verdict: 'confirm',
    functions: TYPING,
    controlName:
      '\\b(password|passcode|passphrase|pin|one[- ]time (code|password)|otp|security code|cvv|cvc|card number|credit card|iban)\\b',
  },
  {
    id: 'leave-allowed-domains',
    kind: 'navigation',
    description: 'following a link to a site outside the allowed domains',
    verdict: 'deny',
    functions: CLICKS,
    controlTypes: ['Hyperlink'],
    leavesAllowedDomains: true,
  },
];

/** What the policy looks at: the action and its target, never the page's other text. */
export interface SafetyInput {
  function: string;
  args: Record<string, unknown>;
  /** The resolved target control, or null/undefined for functions without one. */
  control?: Control | null | undefined;
  /** Where the application is (the page URL), to resolve relative links. */
  location?: string | undefined;
  /** The application (`Observation.application`, e.g. `soffice-writer`, `chromium`), for rules that name one. */
  application?: string | undefined;
}

/** What a confirmation callback is told. */
export interface ConfirmationRequest extends SafetyInput {
  rule: SafetyRule;
  reason: string;
}

/** Asks the user whether to run a sensitive action; resolves true to run it. */
export type ConfirmCallback = (request: ConfirmationRequest) => boolean | Promise<boolean>;

/** Options of {@link createSafetyPolicy}. */
export interface SafetyPolicyOptions {
  /** The rules; default {@link DEFAULT_SAFETY_RULES}. */
  rules?: readonly SafetyRule[];
  /** Rules added after the defaults (or after `rules`). */
  extraRules?: readonly SafetyRule[];
  /** Change the verdict of every rule of a kind, e.g. `{ delete: 'deny' }`. */
  verdicts?: Partial<Record<SensitiveKind, Verdict>>;
  /** Host names (and their subdomains) links may lead to; absent: navigation is not checked. */
  allowedDomains?: readonly string[];
  /** Asks the user for `confirm` verdicts; without it such actions are not run. */
  confirm?: ConfirmCallback;
}

/** A verdict with the outcome of asking, and whether the action may run. */
export interface SafetyDecision {
  verdict: SafetyVerdict;
  allowed: boolean;
  /** The rule that decided, when one matched. */
  rule?: SafetyRule;
}

/** An immutable safety policy. */
export interface SafetyPolicy {
  readonly rules: readonly SafetyRule[];
  readonly allowedDomains: readonly string[] | undefined;
  /** The verdict on an action, without asking anyone (pure). */
  evaluate(input: SafetyInput): SafetyVerdict & { matched?: SafetyRule };
  /** Evaluates, asks the confirm callback for `confirm` verdicts, and says whether the action may run. */
  check(input: SafetyInput, options?: { confirm?: ConfirmCallback }): Promise<SafetyDecision>;
  /** Like `check`, but throws {@link LAM_UnsafeActionError} when the action may not run. */
  enforce(input: SafetyInput, options?: { confirm?: ConfirmCallback }): Promise<SafetyVerdict>;
}

const SEVERITY: Record<Verdict, number> = { allow: 0, confirm: 1, deny: 2 };

function hostOf(url: string, base: string | undefined): string | undefined {
  try {
    return new URL(url, base).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function leaves(
  control: Control | null | undefined,
  location: string | undefined,
  allowed: readonly string[],
): boolean {
  const href = control?.value;
  if (href === undefined || href === '' || href.startsWith('#') || /^javascript:/i.test(href)) return false;
  const host = hostOf(href, location);
  if (host === undefined) return false;
  return !allowed.some((d) => {
    const domain = d.toLowerCase().replace(/^\*?\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}

function chords(args: Record<string, unknown>): string[] {
  const keys = args.keys;
  if (typeof keys !== 'string') return [];
  try {
    return parseSendKeys(keys).flatMap((op) => (op.type === 'press' ? [toPlaywrightKey(op)] : []));
  } catch {
    return [];
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Creates a safety policy: declarative rules over the action (function, arguments, target
 * control) that yield `allow`, `confirm` or `deny`; the most severe matching rule wins and no
 * match allows. The policy is frozen when created: nothing an observed page says (its text,
 * its control names other than the target's, a model's thought quoting it) can change it.
 * Rule patterns are validated here, so a bad regular expression fails at start-up.
 */
export function createSafetyPolicy(options: SafetyPolicyOptions = {}): SafetyPolicy {
  const source = [...(options.rules ?? DEFAULT_SAFETY_RULES), ...(options.extraRules ?? [])];
  const rules = source.map((r) => {
    const rule = SafetyRule.parse(r);
    const override = options.verdicts?.[rule.kind];
    return override === undefined ? rule : { ...rule, verdict: override };
  });
  const compiled = rules.map((rule) => ({
    rule,
    name: rule.controlName === undefined ? undefined : new RegExp(rule.controlName, 'iu'),
    cls: rule.controlClass === undefined ? undefined : new RegExp(rule.controlClass, 'iu'),
    keys: rule.keys === undefined ? undefined : new RegExp(rule.keys, 'iu'),
    apps: rule.applications?.map((a) => new RegExp(a, 'iu')),
    notApps: rule.exceptApplications?.map((a) => new RegExp(a, 'iu')),
  }));
  const allowedDomains = options.allowedDomains === undefined ? undefined : [...options.allowedDomains];
  const defaultConfirm = options.confirm;

  const evaluate = (input: SafetyInput): SafetyVerdict & { matched?: SafetyRule } => {
    let best: (typeof compiled)[number] | undefined;
    for (const c of compiled) {
      const { rule } = c;
      if (rule.functions !== undefined && !rule.functions.includes(input.function)) continue;
      const app = input.application ?? '';
      if (c.apps !== undefined && !c.apps.some((a) => a.test(app))) continue;
      if (c.notApps?.some((a) => a.test(app))) continue;
      const control = input.control ?? undefined;
      if (c.name !== undefined && !(control !== undefined && c.name.test(control.name))) continue;
      if (c.cls !== undefined && !(control?.className !== undefined && c.cls.test(control.className)))
        continue;
      if (
        rule.controlTypes !== undefined &&
        !(control !== undefined && rule.controlTypes.includes(control.type))
      )
        continue;
      if (c.keys !== undefined && !chords(input.args).some((k) => c.keys!.test(k))) continue;
      if (rule.leavesAllowedDomains === true) {
        if (allowedDomains === undefined || !leaves(control, input.location, allowedDomains)) continue;
      }
      if (best === undefined || SEVERITY[rule.verdict] > SEVERITY[best.rule.verdict]) best = c;
    }
    if (best === undefined) return { verdict: 'allow' };
    const target = input.control ? ` (${input.control.type} ${JSON.stringify(input.control.name)})` : '';
    return {
      verdict: best.rule.verdict,
      rule: best.rule.id,
      reason: `${best.rule.kind}: ${best.rule.description}${target}`,
      matched: best.rule,
    };
  };

  const check = async (
    input: SafetyInput,
    checkOptions: { confirm?: ConfirmCallback } = {},
  ): Promise<SafetyDecision> => {
    const { matched, ...verdict } = evaluate(input);
    const withRule = matched === undefined ? {} : { rule: matched };
    if (verdict.verdict === 'allow') return { verdict, allowed: true, ...withRule };
    if (verdict.verdict === 'deny') return { verdict, allowed: false, ...withRule };
    const confirm = checkOptions.confirm ?? defaultConfirm;
    if (confirm === undefined || matched === undefined) return { verdict, allowed: false, ...withRule };
    let approved = false;
    try {
      approved = (await confirm({ ...input, rule: matched, reason: verdict.reason ?? '' })) === true;
    } catch {
      approved = false;
    }
    return { verdict: { ...verdict, userConfirmed: approved }, allowed: approved, ...withRule };
  };

  return deepFreeze({
    rules: deepFreeze(rules),
    allowedDomains: allowedDomains === undefined ? undefined : deepFreeze(allowedDomains),
    evaluate,
    check,
    async enforce(input, enforceOptions) {
      const decision = await check(input, enforceOptions);
      if (!decision.allowed) {
        throw new LAM_UnsafeActionError({
          functionName: input.function,
          verdict: decision.verdict.verdict === 'deny' ? 'deny' : 'confirm',
          ...(decision.verdict.rule === undefined ? {} : { rule: decision.verdict.rule }),
          reason:
            decision.verdict.userConfirmed === false
              ? `${decision.verdict.reason ?? ''}; the user declined`
              : (decision.verdict.reason ?? ''),
        });
      }
      return decision.verdict;
    },
  } satisfies SafetyPolicy);
}
