import type { Rng } from './random';

/** A generated Writer document: a title paragraph and body paragraphs (plain text, no direct formatting). */
export interface WriterDocument {
  app: 'writer';
  /** What kind of document it is (`memo`, `letter`, ...): held-out kinds make held-out documents. */
  kind: string;
  title: string;
  body: string[];
}

export type CellScalar = string | number;

/** A generated Calc document: one sheet with a header row and data rows. */
export interface CalcDocument {
  app: 'calc';
  kind: string;
  sheet: string;
  /** The header row (row 1). */
  header: string[];
  /** Data rows from row 2: a label in column A, numbers after. */
  rows: CellScalar[][];
  /** What the label column holds, in words (`item`, `month`, `student`). */
  rowNoun: string;
}

export type GeneratedDocument = WriterDocument | CalcDocument;

/** Every paragraph of a Writer document in order (the title first). */
export function paragraphsOf(doc: WriterDocument): string[] {
  return [doc.title, ...doc.body];
}

const FIRST = [
  'Anna',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Samir',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Adams',
  'Becker',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Meyer',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Silva',
  'Tanaka',
  'Novak',
  'Walsh',
  'Young',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const TOPICS = [
  'Budget Review',
  'Office Move',
  'Product Launch',
  'Safety Training',
  'Website Redesign',
  'Hiring Plan',
  'Customer Survey',
  'Annual Audit',
  'Team Offsite',
  'Software Upgrade',
  'Supplier Change',
];
const DEPTS = ['Sales', 'Finance', 'Marketing', 'Support', 'Logistics', 'Research', 'Operations', 'Design'];
const ROOMS = ['room 4', 'the main hall', 'meeting room B', 'the library', 'the east wing', 'room 12'];
const CITIES = ['Lisbon', 'Oslo', 'Leeds', 'Lyon', 'Porto', 'Graz', 'Turin', 'Malmo', 'Ghent', 'Cork'];

const name = (r: Rng) => `${r.pick(FIRST)} ${r.pick(LAST)}`;
const date = (r: Rng) => `${r.pick(MONTHS)} ${r.int(1, 28)}`;
const money = (r: Rng, lo: number, hi: number) => `$${(r.int(lo, hi) * 10).toLocaleString('en-US')}`;

function memo(r: Rng): WriterDocument {
  const topic = r.pick(TOPICS);
  const day = r.pick(DAYS);
  const room = r.pick(ROOMS);
  const pool = [
    `The ${topic.toLowerCase()} starts on ${day} at ${r.int(8, 11)} o'clock in ${room}.`,
    `Please bring your laptop and the signed forms.`,
    `Lunch will be provided at noon by the ${r.pick(DEPTS).toLowerCase()} team.`,
    `The parking lot is closed until ${date(r)}.`,
    `Questions go to ${name(r)} in the ${r.pick(DEPTS).toLowerCase()} office.`,
    `The budget for this work is ${money(r, 200, 9000)} and must not be exceeded.`,
    `Slides from the last session are on the shared drive.`,
    `Visitors from ${r.pick(CITIES)} will join us in the afternoon.`,
    `Remember to book travel before ${date(r)}.`,
  ];
  const body = [`To: all ${r.pick(DEPTS).toLowerCase()} staff`, `From: ${name(r)}`, `Date: ${date(r)}`];
  body.push(...r.sample(pool, r.int(3, 5)));
  return { app: 'writer', kind: 'memo', title: `${topic} Memo`, body };
}

function letter(r: Rng): WriterDocument {
  const to = name(r);
  const from = name(r);
  const pool = [
    `Thank you for your order of ${r.int(2, 40)} chairs placed on ${date(r)}.`,
    `We are pleased to confirm your appointment as ${r.pick(['team lead', 'analyst', 'coordinator', 'editor'])}.`,
    `Your invoice of ${money(r, 50, 5000)} is due by ${date(r)}.`,
    `The delivery will reach ${r.pick(CITIES)} within ${r.int(2, 9)} working days.`,
    `Please sign the enclosed contract and return it by post.`,
    `Our office is open from nine to five on weekdays.`,
    `We look forward to working with you next year.`,
  ];
  const body = [`Dear ${to.split(' ')[0]},`, ...r.sample(pool, r.int(3, 5)), 'Kind regards,', from];
  return {
    app: 'writer',
    kind: 'letter',
    title: r.pick([
      'Order Confirmation',
      'Offer Letter',
      'Payment Reminder',
      'Delivery Notice',
      'Welcome Letter',
    ]),
    body,
  };
}

function report(r: Rng): WriterDocument {
  const dept = r.pick(DEPTS);
  const q = r.int(1, 4);
  const pool = [
    `Revenue in quarter ${q} reached ${money(r, 5000, 90000)}, up ${r.int(2, 30)} percent.`,
    `The ${dept.toLowerCase()} team grew to ${r.int(4, 40)} people.`,
    `Customer complaints fell by ${r.int(5, 60)} percent after the new process.`,
    `Two projects were delayed because of supplier problems in ${r.pick(CITIES)}.`,
    `The new office in ${r.pick(CITIES)} opens on ${date(r)}.`,
    `Costs stayed within the approved budget of ${money(r, 1000, 50000)}.`,
    `Next quarter we will focus on training and retention.`,
    `${name(r)} leads the review of all open contracts.`,
  ];
  const body = ['Summary', ...r.sample(pool, r.int(3, 6))];
  if (r.chance(0.5))
    body.push(
      'Results',
      ...r.sample(
        [
          `Sales closed ${r.int(10, 90)} deals.`,
          `Support answered ${r.int(200, 900)} tickets.`,
          `The survey had ${r.int(40, 400)} replies.`,
        ],
        2,
      ),
    );
  return { app: 'writer', kind: 'report', title: `${dept} Report Q${q}`, body };
}

function minutes(r: Rng): WriterDocument {
  const people = r.sample(FIRST, 3);
  const pool = [
    `${people[0]} presented the plan for ${r.pick(TOPICS).toLowerCase()}.`,
    `The group agreed to move the deadline to ${date(r)}.`,
    `${people[1]} will send the minutes to everyone.`,
    `Budget review is postponed to the next meeting.`,
    `${people[2]} asked for two more testers.`,
    `The next meeting is on ${r.pick(DAYS)} at ${r.int(9, 16)}:00.`,
    `Action items were added to the tracker.`,
  ];
  const body = [`Present: ${people.join(', ')}`, ...r.sample(pool, r.int(3, 5))];
  return { app: 'writer', kind: 'minutes', title: `Meeting Minutes ${date(r)}`, body };
}

function notice(r: Rng): WriterDocument {
  const pool = [
    `The ${r.pick(['kitchen', 'lift', 'garage', 'printer room'])} will be closed on ${r.pick(DAYS)}.`,
    `Cleaning starts at ${r.int(6, 9)} in the morning.`,
    `Please remove personal items from the shelves.`,
    `Contact ${name(r)} for a spare key.`,
    `We apologise for any trouble this may cause.`,
    `Fire drills take place every ${r.pick(MONTHS)}.`,
  ];
  return {
    app: 'writer',
    kind: 'notice',
    title: `Notice: ${r.pick(['Building Works', 'Closure', 'Cleaning Day', 'Fire Drill'])}`,
    body: r.sample(pool, r.int(3, 5)),
  };
}

function budget(r: Rng): CalcDocument {
  const items = r.sample(
    ['Rent', 'Power', 'Internet', 'Food', 'Travel', 'Insurance', 'Phone', 'Repairs', 'Training', 'Software'],
    r.int(4, 7),
  );
  return {
    app: 'calc',
    kind: 'budget',
    sheet: r.pick(['Budget', 'Costs', 'Plan']),
    header: ['Item', 'Planned', 'Actual'],
    rowNoun: 'item',
    rows: items.map((i) => [i, r.int(5, 150) * 10, r.int(5, 150) * 10]),
  };
}

function grades(r: Rng): CalcDocument {
  const students = r.sample(FIRST, r.int(4, 8));
  const subjects = r.sample(['Math', 'Science', 'English', 'History', 'Art'], r.int(2, 3));
  return {
    app: 'calc',
    kind: 'grades',
    sheet: r.pick(['Grades', 'Class 7B', 'Scores']),
    header: ['Student', ...subjects],
    rowNoun: 'student',
    rows: students.map((s) => [s, ...subjects.map(() => r.int(40, 100))]),
  };
}

function inventory(r: Rng): CalcDocument {
  const products = r.sample(
    ['Pens', 'Paper', 'Staplers', 'Folders', 'Tape', 'Markers', 'Envelopes', 'Notebooks', 'Labels'],
    r.int(4, 7),
  );
  return {
    app: 'calc',
    kind: 'inventory',
    sheet: r.pick(['Stock', 'Inventory', 'Store']),
    header: ['Product', 'Stock', 'Price'],
    rowNoun: 'product',
    rows: products.map((p) => [p, r.int(0, 300), r.int(1, 60)]),
  };
}

function sales(r: Rng): CalcDocument {
  const start = r.int(0, 6);
  const months = MONTHS.slice(start, start + r.int(4, 6));
  const regions = r.sample(['North', 'South', 'East', 'West'], r.int(2, 3));
  return {
    app: 'calc',
    kind: 'sales',
    sheet: r.pick(['Sales', 'Revenue', 'Monthly']),
    header: ['Month', ...regions],
    rowNoun: 'month',
    rows: months.map((m) => [m, ...regions.map(() => r.int(20, 400))]),
  };
}

function expenses(r: Rng): CalcDocument {
  const cats = r.sample(['Hotel', 'Meals', 'Taxi', 'Flights', 'Parking', 'Fuel', 'Gifts'], r.int(4, 6));
  return {
    app: 'calc',
    kind: 'expenses',
    sheet: r.pick(['Expenses', 'Trip']),
    header: ['Category', 'Week 1', 'Week 2'],
    rowNoun: 'category',
    rows: cats.map((c) => [c, r.int(10, 500), r.int(10, 500)]),
  };
}

/** Document kinds per app; the last of each is held out (only held-out tasks use it). */
export const DOCUMENT_KINDS = {
  writer: { memo, letter, report, minutes, notice },
  calc: { budget, grades, inventory, sales, expenses },
} as const;
export const HELDOUT_KINDS = new Set(['notice', 'expenses']);

/** A document of `kind` (or a random non-held-out kind) for `app`. */
export function buildDocument(app: 'writer' | 'calc', rng: Rng, kind?: string): GeneratedDocument {
  const kinds = DOCUMENT_KINDS[app] as Record<string, (r: Rng) => GeneratedDocument>;
  const k = kind ?? rng.pick(Object.keys(kinds).filter((x) => !HELDOUT_KINDS.has(x)));
  const make = kinds[k];
  if (make === undefined) throw new RangeError(`no ${app} document kind ${k}`);
  return make(rng);
}

/** Column letter of a 0-based index (0 → A). */
export function columnLetter(index: number): string {
  let s = '';
  let n = index + 1;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** English ordinal word for 1..12, else `12th`. */
export function ordinal(n: number): string {
  const words = [
    'first',
    'second',
    'third',
    'fourth',
    'fifth',
    'sixth',
    'seventh',
    'eighth',
    'ninth',
    'tenth',
    'eleventh',
    'twelfth',
  ];
  return words[n - 1] ?? `${n}th`;
}
